# Expert bank: `make demo` runs the site with demo data, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: demo test bench audit lint format messages compilemessages run clean user-guide

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet ".[dev]"
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py seed_demo
	PORT=$(PORT) PY=$(PY) bash bin/run-demo

test: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit --quiet -c pyproject.toml -r .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# The daily pages at national scale on PostgreSQL under gunicorn; writes docs/PERFORMANCE.md.
# BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/expertbank_bench) is seeded with
# seed_scale when empty; BENCH_ARGS e.g. "--scale 0.1 --seconds 30 --make-test-seconds 900".
# The load is made by wrk, installed here from Debian when missing (root), else by a Python
# generator (benchmarks/bench.py --load python).
bench: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) || \
		echo "wrk could not be installed: the Python load generator is used"
	$(PY) benchmarks/bench.py $(BENCH_ARGS)

# The user guide's pictures (docs/user-guide/img), taken by the journeys (tests/e2e/journeys) in
# Chromium against PostgreSQL with a real Celery worker, then shrunk to 256 colours. Needs
# PostgreSQL at USER_GUIDE_DATABASE_URL and Chromium; see docs/user-guide/README.md.
USER_GUIDE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/expertbank_guide
user-guide: $(VENV)/.installed-dev
	mkdir -p docs/user-guide/img
	DATABASE_URL=$(USER_GUIDE_DATABASE_URL) REQUIRE_BROWSER=1 \
		USER_GUIDE_SCREENSHOTS=$(CURDIR)/docs/user-guide/img \
		$(PY) -m pytest -p no:cacheprovider tests/e2e/journeys $(PYTEST_ARGS)
	$(PY) bin/shrink-png docs/user-guide/img/*.png

# Known vulnerabilities in the pinned dependencies (needs the OSV or PyPI vulnerability service).
audit: $(VENV)/.installed-dev
	$(VENV)/bin/pip-audit --strict --progress-spinner off

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Needs GNU gettext (developers only); the compiled catalogues are committed.
messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages --all --no-obsolete --no-location --ignore=.venv --ignore=var
	$(PY) manage.py compilecatalogues

compilemessages: $(VENV)/.installed
	$(PY) manage.py compilecatalogues

clean:
	rm -rf var/ .pytest_cache
