# Newsroom: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do command -v $$p >/dev/null 2>&1 && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1
# Links the app writes (feeds, enclosures, one-time embargo links, the login it prints) follow
# the port it is served on, unless SITE_URL says otherwise.
run staff: export SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: help install messages migrate demo staff run test lint check bench screenshots clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Newsroom needs Python >= 3.12; set PYTHON=/path/to/python3.12+")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

NPM := $(shell command -v npm 2>/dev/null)
NODE_STAMP := node_modules/.installed

# axe-core and the Nu Html Checker for the browser checks (the tests skip without them).
# --ignore-scripts: vnu-jar's postinstall would fetch a Java runtime when none is found.
$(NODE_STAMP): package.json $(wildcard package-lock.json)
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --ignore-scripts; else npm install --no-audit --no-fund --ignore-scripts; fi
	touch $(NODE_STAMP)

ifeq ($(NPM),)
install: $(STAMP) messages ## Create .venv, install the project, compile translations
	@echo "Note: npm not found; skipping axe-core and vnu-jar (the browser checks will skip)"
else
install: $(STAMP) $(NODE_STAMP) messages
endif

messages: $(STAMP) ## Compile the gettext catalogues (locale/*.po -> .mo)
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

migrate: install ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate ## Load the demo content (idempotent)
	$(BIN)/python manage.py load_demo

staff: migrate ## Make sure a staff login exists and print it
	$(BIN)/python manage.py ensure_staff

run: demo staff ## Install, migrate, load the demo content and serve on http://127.0.0.1:8000
	@echo "Serving on http://$(HOST):$(PORT)/ with the background worker beside it (Ctrl-C stops both)"
	$(BIN)/python manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install ## Run the whole test suite
	DEBUG= $(BIN)/python -m pytest

screenshots: install ## Screenshots of the index, the seed release, the positions editor and the dashboard at 390 and 1280 px into screenshots/
	DEBUG= $(BIN)/python tests/browser/screenshots.py

bench: install ## Benchmark: in-process per page, then over HTTP (gunicorn + wrk, uncached and cached) beside the Wagtail peer, then pitches and alerts through SMTP
	@tmp=$$(mktemp -d); \
	DJANGO_SETTINGS_MODULE=tests.settings DATA_DIR=$$tmp MEDIA_ROOT=$$tmp/media DEBUG= PAGE_CACHE=0 \
	$(BIN)/python manage.py bench; status=$$?; rm -rf $$tmp; exit $$status
	bash bench/http.sh
	bash bench/mail.sh

lint: install ## Ruff, migrations check, the app-dependency contract, translations' placeholders
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	for po in locale/*/LC_MESSAGES/django.po; do msgfmt --check-format -o /dev/null $$po || exit 1; done

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var
