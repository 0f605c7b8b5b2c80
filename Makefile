# Two commands matter: `make run` (local site with seed content) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
export PYTHONDONTWRITEBYTECODE := 1
# A bare `make` is `make run` (the venv rules come first in this file).
.DEFAULT_GOAL := run

.PHONY: run help test coverage lint format serve bench lighthouse pa11y clean messages compilemessages mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

## run: install, migrate the local SQLite database, load seed content, print the admin login, serve
# PORT=8001 make run serves elsewhere when 8000 is taken; emailed links follow it.
PORT ?= 8000
run: export WAGTAILADMIN_BASE_URL ?= http://127.0.0.1:$(PORT)
# Named, so that a SECRET_KEY exported for `make serve` does not turn this into production
# (bostonems_site/environment.py).
run: export DJANGO_SETTINGS_MODULE ?= bostonems_site.settings.dev
run: $(VENV)/.installed
	$(MANAGE) migrate --noinput
	$(MANAGE) load_seed_content
	$(MANAGE) ensure_local_admin
	@# The newsletter worker sends every email in the background while the site runs; it
	@# rides out database and mail server outages, and scripts/supervise.sh restarts it
	@# should it ever stop.
	scripts/supervise.sh $(MANAGE) run_newsletter_worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver 127.0.0.1:$(PORT)

## help: list the targets with what each does
help:
	@sed -n 's/^## \([a-zA-Z0-9_-]*\): \(.*\)/\1\t\2/p' $(MAKEFILE_LIST) | expand -t 18

# The checkers from the npm registry (package.json): the W3C HTML checker the test suite runs
# and the linters for static/. npm leaves old file times, hence the touch. Without npm the
# suite still runs and says the HTML was not validated, and lint skips static/; in CI both fail.
NODE_TOOLS := node_modules/.installed
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar
$(NODE_TOOLS): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: static/ is not linted and the HTML validation test will be skipped"; fi
$(VNU_JAR): $(NODE_TOOLS)

# The suite runs on two workers (pytest-xdist): much of it waits on browsers and servers, so
# two share a 2-core machine well. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

## test: lint, then the whole test suite (PostgreSQL, Chromium and coverage when CI=true); lists the 10 slowest
test: $(VENV)/.dev-installed lint $(VNU_JAR)
ifeq ($(CI),true)
	$(MAKE) --no-print-directory coverage
else ifeq ($(TEST_DB),postgres)
	scripts/with-postgres.sh $(PYTEST)
else
	$(PYTEST)
endif

## coverage: the whole suite on PostgreSQL with line and branch coverage, held to coverage-floor.json
# CI's `make test`. It fits CI's 15 minutes since the suite migrates once per session, starts
# each server stack once and restores database states from copies of the tables: a fresh-clone
# CI with it took 12 min 53 s to 13 min 39 s (993 tests) on a 2-core machine.
coverage: $(VENV)/.dev-installed $(VNU_JAR)
	scripts/with-postgres.sh $(PYTEST) --cov --cov-report=json:coverage.json --cov-report=
	$(BIN)/python scripts/coverage_check.py coverage.json

## lint: ruff, ruff format and djhtml for Python and templates; stylelint, prettier and eslint for static/
lint: $(VENV)/.dev-installed $(NODE_TOOLS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates
	@if test -f $(NODE_TOOLS); then \
		npx --no-install stylelint "static/**/*.css" && \
		npx --no-install prettier --check static && \
		npx --no-install eslint static/js; \
	elif test "$(CI)" = true; then echo "npm is needed to lint static/ in CI"; exit 1; fi

## format: fix what the linters can (ruff check --fix, ruff format, djhtml, stylelint --fix, prettier)
format: $(VENV)/.dev-installed $(NODE_TOOLS)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates
	npx --no-install stylelint --fix "static/**/*.css"
	npx --no-install prettier --write static

## serve: the production settings under gunicorn on 127.0.0.1:8000 (plain HTTP, local only)
serve: export DJANGO_SETTINGS_MODULE = bostonems_site.settings.production
serve: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: export SECURE_SSL_REDIRECT ?= False
serve: export TRUSTED_PROXIES ?= none
serve: export WAGTAILADMIN_BASE_URL ?= http://127.0.0.1:8000
serve: export DATABASE_URL ?= sqlite:///$(CURDIR)/db.sqlite3
serve: $(VENV)/.installed
	@test -n "$$SECRET_KEY" || { echo "Set SECRET_KEY (e.g. export SECRET_KEY=\$$(openssl rand -hex 32))"; exit 1; }
	$(MANAGE) check --deploy --fail-level WARNING
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) migrate --noinput
	$(BIN)/gunicorn bostonems_site.wsgi --bind 127.0.0.1:8000 --workers $${WEB_CONCURRENCY:-2}

## lighthouse: Lighthouse (mobile) on the main page types of the production setup; updates docs/performance.md
lighthouse: $(VENV)/.installed
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/lighthouse.py

## pa11y: pa11y (HTML_CodeSniffer and axe) on every page type of the production setup; updates docs/performance.md
pa11y: $(VENV)/.installed
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/pa11y.py

## clean: delete the venv, node_modules, collected static files and tool caches (keeps the database)
clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache

## mutation: mutmut on the modules that guard consent, limits and caching (not part of CI; docs/mutation.md)
mutation: $(VENV)/.dev-installed
	$(BIN)/python scripts/mutation.py $(MODULES)

# BENCH=surge, BENCH=nginx, or BENCH=compare REV=<commit> for one part (scripts/bench.py).
## bench: production setup (gunicorn alone, then nginx in front of two nodes; throwaway PostgreSQL) measured with wrk; a report
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || { test "$$(id -u)" = 0 && apt-get install -y -qq wrk redis-server >/dev/null; }
	@dpkg -s nginx libnginx-mod-http-cache-purge libnginx-mod-http-brotli-filter >/dev/null 2>&1 || { test "$$(id -u)" = 0 && apt-get install -y -qq nginx libnginx-mod-http-cache-purge libnginx-mod-http-brotli-filter >/dev/null; } || true
	$(BIN)/python scripts/bench.py $(BENCH) $(REV)

## messages: collect interface text from templates and code into locale/<lang>/LC_MESSAGES/django.po
MESSAGE_LANGUAGES := es ht zh_Hans vi kea pt ru ar fr so
messages: $(VENV)/.installed
	$(MANAGE) makemessages --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*' $(addprefix -l ,$(MESSAGE_LANGUAGES))

## compilemessages: compile the .po catalogues into the .mo files Django reads (committed)
compilemessages: $(VENV)/.installed
	$(MANAGE) compilemessages --ignore '.venv/*'
