# Many Paths: `make run` sets up and serves the directory with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Local development only: DEBUG on, a throwaway key, SQLite unless DATABASE_URL is set.
DEV_ENV := DEBUG=true

.PHONY: run setup test test-sqlite test-postgres lint migrations-check ci clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
	# Translations: locale/**/*.po (committed) compiled to .mo (ignored by git) with polib, no gettext needed.
	$(PY) scripts/compile_messages.py
	# The ZIP code and city lookup of "near" searches, as a small file (core/places.py).
	$(DEV_ENV) $(PY) manage.py build_places

run: setup
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

migrations-check: setup
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

# The suite on the embedded SQLite database (the browser tests run once, in the PostgreSQL pass).
test-sqlite: setup
	$(PY) -m pytest --ignore=tests/browser

# The whole suite, browser tests included, on a real PostgreSQL started from the machine's binaries in a temp dir.
test-postgres: setup
	scripts/with-postgres $(PY) -m pytest

test: lint migrations-check test-sqlite test-postgres

ci: test

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
