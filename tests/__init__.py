"""The test suite (a regular package, so ``tests.utils`` is ours even where a dependency installs a
top-level ``tests`` package into site-packages, as ppi-python does)."""
