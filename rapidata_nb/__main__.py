"""``python -m rapidata_nb``: the ``rapidata-nb`` command line (``rapidata_nb.cli``)."""

from __future__ import annotations

import sys

from rapidata_nb.cli import main

if __name__ == "__main__":
    sys.exit(main())
