# Many Paths: `make run` sets up and serves the directory with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Local development only: DEBUG on, a throwaway key, SQLite unless DATABASE_URL is set.
DEV_ENV := DEBUG=true

# Production settings for `check --deploy` (a throwaway key of the length and variety Django asks for).
DEPLOY_ENV := DEBUG=false ALLOWED_HOSTS=meetings.example.org \
	SECRET_KEY=check-deploy-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ

.PHONY: run setup test test-sqlite test-postgres check-deploy lint migrations-check ci clean

# Every dependency is declared once, in pyproject.toml: the runtime ones ([project] dependencies, installed
# by installing the project, which has no modules of its own) and the dev group (tests, lint).
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# pip 25.1 is the first to read dependency groups (--group).
	$(PIP) install --quiet --upgrade "pip>=25.1"
	# --no-compile: Python compiles a module when it first imports it; compiling every installed one ahead took
	# 7 of the install's 20 s.
	$(PIP) install --quiet --no-compile --group dev .
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

# The runtime dependencies alone, in a fresh virtualenv (filled by the project's pip, which saves installing and
# upgrading one there: 22 s -> 11 s), in a production environment and nothing else: the
# URLconf (every view), the admin and every management command (cron runs some) must import, and Django's
# deployment checks pass. A module-level import of a dev-only package fails here.
check-deploy: $(VENV)/.installed
	@set -e; venv=$$(mktemp -d /tmp/manypaths-deploy.XXXXXX); trap 'rm -rf "$$venv"' EXIT; \
	echo "check-deploy: the runtime dependencies alone, in $$venv"; \
	$(PYTHON) -m venv --without-pip "$$venv"; \
	$(PIP) --python "$$venv/bin/python" install --quiet --no-compile .; \
	run="env -i PATH=$$PATH HOME=$$HOME $(DEPLOY_ENV) $$venv/bin/python manage.py"; \
	$$run check --deploy --fail-level WARNING; \
	$$run shell --no-imports -c "from django.core.management import get_commands, load_command_class as load; \
	  [load(app, name) for name, app in get_commands().items()]"; \
	echo "check-deploy: ok"

# The tests run on one process per core (pytest-xdist). Each process takes tests file by file and, when it has
# none left, takes over half of another's (worksteal), so both end together (fresh clones: SQLite 43-46 -> 37-38 s;
# the PostgreSQL run 6 min 13-18 s with whole files each, 5 min 49 s and 6 min 17 s). A module's fixtures may so
# be built in both processes.
# (Two processes per core was slower on a 2-core machine: 8 min 18 s against 6 min 31 s for the PostgreSQL run;
# the machine is busy with PostgreSQL and Chromium too.) TEST_WORKERS=4 make test to try another number.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal
# On the embedded SQLite too: the modules whose SQL differs by database, and the README's first command. That is
# the clock (generated columns, "now", "today", soonest first), the keyword search (FTS5 against tsvector), the
# distance (core.geo.Haversine's as_sqlite), the constraints, the migrations (SQLite rebuilds tables and their
# triggers), the importers' writes and per-record transactions with the real feeds, BMLT's paging, order and
# near queries, and the demo data a fresh checkout starts with. Everything else (views, forms, bad input, the
# admin, volunteers, places, feeds' parsing, the browser) runs once, on PostgreSQL, the production database.
SQLITE_TESTS := tests/demo \
	$(addprefix tests/meetings/test_,clock_migration.py type_ids_migration.py utc_start.py type_ids.py \
	  meeting_constraints.py location_constraints.py refresh_zone_offsets.py) \
	$(addprefix tests/search/test_,keyword.py keyword_meanings.py clock_without_zone_conditions.py \
	  near_or_online.py map.py paging_strategy.py soonest_start_order.py soonest_within.py time_filters.py \
	  today.py result_rows.py) \
	$(addprefix tests/interop/test_,meeting_guide_import.py bmlt_import.py csv.py real_feeds.py field_feeds.py \
	  round_trip.py unstorable_text.py import_cleanup.py sync_digests.py datasource_migration.py bmlt_api.py \
	  bmlt_near.py bmlt_paging.py bmlt_default_order.py bmlt_stream.py)
# The demo directory is seeded on SQLite, the README's first command; on PostgreSQL the browser tests seed it.
POSTGRES_TESTS := tests --ignore=tests/demo/test_seed_demo.py

test-sqlite: setup
	$(PYTEST) $(SQLITE_TESTS)

# The whole suite (but the demo seeding), browser tests included, on a real PostgreSQL started from the machine's binaries in a temp dir.
test-postgres: setup
	scripts/with-postgres $(PYTEST) $(POSTGRES_TESTS)

# The three checks are independent and mostly wait on files: run side by side (19.5 -> 14 s), each one's output
# kept together.
test:
	$(MAKE) --no-print-directory -j3 --output-sync=target lint migrations-check check-deploy
	$(MAKE) --no-print-directory test-sqlite test-postgres

ci: test

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 build *.egg-info
