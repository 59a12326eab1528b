# Developer commands. Newcomers need two: `make run` and `make test`.
#
# Everything runs from the virtual environment in .venv, created on first use
# with Python 3.11. The install step re-runs only when pyproject.toml changes
# (a stamp file in .venv remembers the last install).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
BENCH_ARGS ?=

# `make run` is the embedded mode: SQLite in the repository folder, tasks run in
# the web process, e-mail printed to the console. Whatever the caller's shell
# exports for a production set-up must not leak into it.
EMBEDDED := env -u DATABASE_URL -u REDIS_URL -u EMAIL_URL -u EMAIL_URL_FILE -u DEBUG \
	-u SECRET_KEY -u SECRET_KEY_FILE -u SITE_URL -u ALLOWED_HOSTS -u CSRF_TRUSTED_ORIGINS \
	DJANGO_SETTINGS_MODULE=bsc.settings

.PHONY: help install run test check lint format migrations-check bench clean clean-db

help:  ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: no python3.11 or python3 on PATH; install Python 3.11." >&2; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
		echo "error: $(PYTHON) is Python $$($(PYTHON) -c 'import platform; print(platform.python_version())'), but this project needs Python 3.11." >&2; \
		echo "       Install Python 3.11, or run: make PYTHON=/path/to/python3.11 ..." >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
		echo "error: $(VENV) was made with another Python than 3.11: run 'make clean' first." >&2; \
		exit 1; }
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(STAMP)  ## Create .venv and install the project with its dev tools

run: $(STAMP)  ## Serve the demo on http://127.0.0.1:8000 (SQLite, no services needed)
	$(EMBEDDED) $(BIN)/python manage.py migrate --noinput
	$(EMBEDDED) $(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ - stop with Ctrl-C."
	$(EMBEDDED) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)  ## Run the test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
	$(BIN)/pytest $(PYTEST_ARGS)

check: lint migrations-check test  ## Lint, migrations check and tests: what CI runs

lint: $(STAMP)  ## ruff check and ruff format --check
	@status=0; \
	$(BIN)/ruff check . || status=1; \
	$(BIN)/ruff format --check . || status=1; \
	exit $$status

format: $(STAMP)  ## Let ruff fix what it can and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(STAMP)  ## Fail if a model change has no migration
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: $(STAMP)  ## Run the benchmarks in tests/bench (not part of make test)
	$(BIN)/pytest tests/bench -m bench -p no:cacheprovider -s $(BENCH_ARGS)

clean:  ## Remove .venv, caches and collected static files (keeps db.sqlite3)
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles build *.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +

clean-db:  ## Remove the local SQLite database (make run seeds a new one)
	rm -f db.sqlite3 db.sqlite3-journal
