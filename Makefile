# Two entry points for a fresh machine: `make demo` and `make test` (see README.md).
# Both are idempotent: the virtual environment is rebuilt only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip -q --disable-pip-version-check
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_STAMP    := $(VENV)/.test-installed
CHROMIUM      := /usr/bin/chromium

.PHONY: demo test install install-test system-deps pytest pytest-postgres notebooks docs widgets widgets-test bench lint clean

demo: $(RUNTIME_STAMP)
	$(PY) -m rapidata_nb.cli demo

test: install-test
	$(MAKE) --no-print-directory widgets-test pytest pytest-postgres notebooks docs

install: $(RUNTIME_STAMP)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e .
	touch $@

install-test: $(TEST_STAMP) system-deps

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[dev,postgres,bench,mcp]"
	touch $(RUNTIME_STAMP) $@

# Debian's chromium for the browser tests (never a downloaded browser), node for the widgets' tests and
# PostgreSQL for the team-server tests (a throwaway cluster on loopback is created by the tests themselves: tests/utils/pgcluster.py).
system-deps:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "installing chromium (Debian package)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
		echo "installing nodejs and npm (Debian packages)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	fi
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "installing postgresql (Debian package)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	fi

pytest:
	$(VENV)/bin/pytest -q -p no:cacheprovider

# The whole server suite again on PostgreSQL; only the embedded (always SQLite) backend's tests are left out.
PG_SERVER_TESTS := tests/server --ignore=tests/server/test_embedded.py

pytest-postgres:
	RAPIDATA_NB_TEST_DATABASE=postgres $(VENV)/bin/pytest -q -p no:cacheprovider $(PG_SERVER_TESTS)

notebooks:
	RAPIDATA_NB_CROWD_PACE=0 $(VENV)/bin/pytest -q -p no:cacheprovider --nbval notebooks --nbval-current-env \
		--nbval-sanitize-with notebooks/nbval_sanitize.cfg

docs:
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet -d site

# The widgets' node dependencies, exactly as locked (npm ci); reinstalled only when the lockfile changes, and
# from npm's cache when it holds them (--prefer-offline).
NODE_STAMP := widgets_js/node_modules/.installed

$(NODE_STAMP): widgets_js/package-lock.json
	cd widgets_js && npm ci --silent --prefer-offline --no-audit --no-fund
	touch $@

widgets: $(NODE_STAMP)
	cd widgets_js && node build.mjs

# Each widget's render({ model, el }) with a fake model in happy-dom (widgets_js/test/), in a few seconds.
widgets-test: $(NODE_STAMP)
	cd widgets_js && node --test test/

bench: install-test
	$(PY) bench/run_all.py

lint:
	$(VENV)/bin/ruff check rapidata_nb tests bench
	$(VENV)/bin/ruff format --check rapidata_nb tests bench

clean:
	rm -rf $(VENV) site tests/artifacts
