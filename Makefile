# TicketFlower — the two promises: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# `make run PORT=8001` serves on another port; the demo's action tasks follow it.
PORT ?= 8000
DEMO_ENV := DEMO_ACTION_BASE_URL=http://127.0.0.1:$(PORT)

.PHONY: run test test-fast install install-dev chromium lint format migrate demo check-deploy check-production clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# A development .env: DEBUG on, a fresh random secret, local action targets allowed.
.env:
	sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')|" \
	    -e "s|^ACTIONS_ALLOW_PRIVATE_TARGETS=.*|ACTIONS_ALLOW_PRIVATE_TARGETS=true|" .env.example > .env

migrate: install .env
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo

## Set everything up on SQLite and serve the app with its background worker (Ctrl-C stops both).
run: demo
	$(DEMO_ENV) PORT=$(PORT) scripts/run_dev.sh

# Browser tests drive Debian's Chromium; install it when we can (root), say how otherwise.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "Browser tests need Chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; }

## Install the dev requirements and run the whole suite (set DATABASE_URL for PostgreSQL).
test: install-dev chromium
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## The whole suite but the browser tests: no Chromium needed, quicker while you work.
test-fast: install-dev
	$(BIN)/python -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

## ruff, and the import contracts between and inside the apps (pyproject.toml).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-deploy: install
	DEBUG=false SECRET_KEY="$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  ALLOWED_HOSTS=tickets.example.com DATABASE_URL=sqlite:////tmp/ticketflower-deploy-check.sqlite3 \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

## Build static files and serve /login/ with gunicorn under production settings (DEBUG off).
check-production: install
	scripts/check_production.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
