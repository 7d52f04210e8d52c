# Ambassador — the commands that matter. `make run` serves the demo; `make test` runs everything.
# Development targets (run, test, dev-setup, lint, format, bench) create a local .env with
# DEBUG=1 (SQLite, eager Celery, console email). `make setup` is for operators: it never
# creates that file and refuses to run on top of it, so production settings apply.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_EMPLOYEES ?= 300
PORT ?= 8000
PYTEST_ARGS ?= -n 2 --durations=25
# Coverage of the whole suite, held at the floor in pyproject.toml ([tool.coverage.report]
# fail_under). Running a subset? `make test PYTEST_ARGS="-k foo" COVERAGE=`.
COVERAGE ?= --cov --cov-report=term:skip-covered
DEV_ENV_MARKER := Local development settings (created by make

# The interface's translation catalogues, compiled with polib (no system package needed).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

.PHONY: help python-check port-free serve install dev-install setup dev-setup operator-env-check run test lint format worker beat bench bench-install bench-pages bench-load bench-load-smoke clean messages

help:
	@echo "make run     set up a demo on SQLite and serve it on http://127.0.0.1:8000"
	@echo "make test    create/update .venv and run lint, the traps check, migration checks and the whole suite (with a coverage floor)"
	@echo "make dev-setup  everything 'make run' does but serving (honours DATABASE_URL)"
	@echo "make setup   operators: migrate, load the curriculum, collect static files (production settings)"
	@echo "make serve   the production stack (gunicorn, Celery worker and beat via honcho; PORT=8000)"
	@echo "make worker  a Celery worker (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0)"
	@echo "make beat    the Celery beat scheduler (same)"
	@echo "make bench   the benchmarks in bench/"
	@echo "make bench-pages       page cost against a bare view (gunicorn, PostgreSQL, wrk)"
	@echo "make bench-load        200 simulated employees for 60 s (locust), nothing lost"
	@echo "make bench-load-smoke  the same, 20 users for 10 s (CI)"
	@echo "make messages  regenerate the translation catalogues in locale/ (needs GNU gettext; LOCALE=xx adds a language)"

# Python 3.11 only: the interpreter make would use, and the one inside an existing .venv.
python-check:
	@$(PYTHON) -c '' >/dev/null 2>&1 || { echo "Ambassador needs Python 3.11, and '$(PYTHON)' does not run. Install python3.11, or run make PYTHON=/path/to/python3.11." >&2; exit 1; }
	@$(PYTHON) ambassador/preflight.py python
	@if [ -x $(BIN)/python ]; then $(BIN)/python ambassador/preflight.py python; fi

$(BIN)/python: | python-check
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.requirements: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Development only: a local .env with DEBUG=1, so `manage.py` works in this checkout
# without a prefix. Variables set in the environment always win over .env.
.env:
	@printf '%s\n' '# Local development settings (created by make; see .env.example).' 'DEBUG=1' > $@
	@echo "Created .env with DEBUG=1 for local development."

# A catalogue is compiled when its .po is newer than its .mo (the .mo files are not committed).
locale/%.mo: locale/%.po $(VENV)/.requirements
	$(BIN)/python ambassador/catalogues.py compile $<

install: python-check $(VENV)/.requirements node_modules/.package-lock.json $(CATALOGUES)

dev-install: install .env

# An operator's `make setup` must not pick up the development .env silently.
operator-env-check:
	@if [ -z "$${DEBUG+set}" ] && [ -f .env ] && grep -qF '$(DEV_ENV_MARKER)' .env; then \
	  echo "This checkout has the development .env (DEBUG=1) that 'make run'/'make test' create."; \
	  echo "For production, delete it and set the variables of .env.example (DEBUG=0);"; \
	  echo "for a development database, run 'make dev-setup'."; \
	  exit 1; \
	fi

setup: operator-env-check install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_curriculum
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

dev-setup: dev-install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_curriculum
	$(BIN)/python manage.py seed_demo --employees $(DEMO_EMPLOYEES)

# Before the (long) setup: say at once when PORT is taken.
port-free: python-check
	@$(PYTHON) ambassador/preflight.py port $(PORT)

run: port-free dev-setup
	@echo "Serving on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production stack on this machine (Procfile): gunicorn on PORT, a Celery worker and
# beat, against the configured PostgreSQL, Redis and SMTP. Production settings only.
serve: operator-env-check install
	@$(BIN)/python ambassador/preflight.py serve
	@$(BIN)/python ambassador/preflight.py port $(PORT)
	$(BIN)/honcho start --procfile Procfile --port $(PORT)

lint: dev-install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python ambassador/traps.py .

format: dev-install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	@! ls */migrations/*_auto_*.py 2>/dev/null || (echo "Name your migrations: makemigrations --name <what_changed>"; exit 1)
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/python ambassador/catalogues.py check
	$(BIN)/pytest $(PYTEST_ARGS) $(COVERAGE)

# Regenerate every catalogue in locale/ from the code and templates (then translate the new
# entries: `make test` fails while one is missing, untranslated or fuzzy). LOCALE=de starts
# a new language. Needs GNU gettext (apt-get install gettext).
messages: dev-install
	$(BIN)/python manage.py makemessages $(if $(LOCALE),--locale $(LOCALE),--all) --no-obsolete
	$(BIN)/python manage.py makemessages --domain djangojs $(if $(LOCALE),--locale $(LOCALE),--all) --no-obsolete
	$(BIN)/python ambassador/catalogues.py compile

worker: install
	$(BIN)/celery -A ambassador worker --loglevel INFO

beat: install
	$(BIN)/celery -A ambassador beat --loglevel INFO

bench: dev-install
	$(BIN)/python bench/import_employees.py --rows 10000
	$(BIN)/python bench/seed_demo.py 1000 10000 50000

# The HTTP benchmarks (bench/README.md): gunicorn with production settings on loopback,
# against a throwaway PostgreSQL database (BENCH_DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/amb_load; dropped and re-created) and a Redis
# database (BENCH_REDIS_URL, default redis://127.0.0.1:6379/9; flushed).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/amb_load
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/9
BENCH_ARGS ?=

$(VENV)/.bench-requirements: bench/requirements.txt $(VENV)/.requirements
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	@touch $@

bench-install: install $(VENV)/.bench-requirements

bench-pages: bench-install
	$(BIN)/python bench/page_cost.py --database-url $(BENCH_DATABASE_URL)_pages --redis-url $(BENCH_REDIS_URL) $(BENCH_ARGS)

bench-load: bench-install
	$(BIN)/python bench/load.py --users 200 --duration 60 --database-url $(BENCH_DATABASE_URL) --redis-url $(BENCH_REDIS_URL) $(BENCH_ARGS)

bench-load-smoke: bench-install
	$(BIN)/python bench/load.py --users 20 --duration 10 --employees 300 --max-p95 0 --spawn-rate 10 --database-url $(BENCH_DATABASE_URL)_smoke --redis-url $(BENCH_REDIS_URL) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles
