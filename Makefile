# Two commands do everything: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
# Recipes run in bash with pipefail, so a run whose output goes through `sed` still fails.
SHELL := bash
.SHELLFLAGS := -o pipefail -c

.PHONY: run install test test-sqlite test-postgres lint bench stack-load clean lock

# Installs the exact versions in the lock files (the ones CI tested), then the project itself;
# `pip check` fails when pyproject.toml asks for something the lock does not have (`make lock`).
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m pip check
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(PY) -m pip install --quiet --no-deps -r requirements-test.lock
	$(PY) -m pip check
	touch $@

# After changing the dependencies in pyproject.toml: resolve them in a fresh virtualenv, keeping
# every locked version that still fits (delete a line from a lock file to let that package move).
LOCKENV := var/lockenv
lock:
	rm -rf $(LOCKENV) && $(PYTHON) -m venv $(LOCKENV)
	$(LOCKENV)/bin/pip install --quiet --upgrade pip
	grep -hv '^#' requirements.lock requirements-test.lock > $(LOCKENV)/constraints.txt || true
	$(LOCKENV)/bin/pip install --quiet -c $(LOCKENV)/constraints.txt -e '.[production]'
	head -n 3 requirements.lock > $(LOCKENV)/header.txt
	cat $(LOCKENV)/header.txt > requirements.lock
	$(LOCKENV)/bin/pip freeze --exclude-editable >> requirements.lock
	$(LOCKENV)/bin/pip install --quiet -c $(LOCKENV)/constraints.txt -e '.[test]'
	head -n 1 requirements-test.lock > $(LOCKENV)/header.txt
	cat $(LOCKENV)/header.txt > requirements-test.lock
	$(LOCKENV)/bin/pip freeze --exclude-editable | grep -vxF -f requirements.lock >> requirements-test.lock
	rm -rf $(LOCKENV)

install: $(VENV)/.installed

run: $(VENV)/.installed
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_content
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed-test
	mkdir -p var
	$(PY) -m ruff check .
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py makemigrations --check --dry-run

# The whole suite on SQLite (with the browser tests) and again on PostgreSQL, the two runs side
# by side (one per core: together about half the time of one after the other). Their lines
# interleave as they come, each begun with its run's name; either failing fails the test.
test: lint
	$(MAKE) --no-print-directory -j2 test-sqlite test-postgres TAG_LINES=yes

# With TAG_LINES set, every line a run prints begins "sqlite | " or "postgres | ".
tag = $(if $(TAG_LINES),2>&1 | sed -u 's/^/$(1) | /')

test-sqlite: $(VENV)/.installed-test
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS) $(call tag,sqlite)

test-postgres: $(VENV)/.installed-test
	@{ if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "Running the suite on PostgreSQL ($$TEST_DATABASE_URL)"; \
		DATABASE_URL="$$TEST_DATABASE_URL" $(PY) -m pytest -m "not browser and not own_sqlite" $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true but TEST_DATABASE_URL is not set: the PostgreSQL run may not be skipped in CI." >&2; \
		exit 1; \
	else \
		echo "SKIPPED the PostgreSQL run: TEST_DATABASE_URL is not set (see README, 'PostgreSQL')."; \
	fi; } $(call tag,postgres)

# On SQLite, or on PostgreSQL when TEST_DATABASE_URL is set (as for `make test`).
bench: $(VENV)/.installed-test
	env -u DATABASE_URL $${TEST_DATABASE_URL:+DATABASE_URL="$$TEST_DATABASE_URL"} \
		$(PY) -m pytest tests/benchmarks -p no:randomly -s -q

# The production stack on this machine (a new PostgreSQL database at STACK_DATABASE_URL, Redis,
# two gunicorn processes behind a small proxy, a task worker), then a load test through the proxy
# for STACK_SECONDS; prints the figures, stops everything, fails on any error (README: "The
# production stack, measured").
STACK_SECONDS ?= 60
stack-load: $(VENV)/.installed-test
	$(PY) -m deploy.stack --seconds $(STACK_SECONDS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info
