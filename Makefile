# Two commands do everything: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run install test test-sqlite test-postgres lint bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_content
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py makemigrations --check --dry-run

# The whole suite on SQLite (with the browser tests), then again on PostgreSQL.
test: lint test-sqlite test-postgres

test-sqlite: $(VENV)/.installed-test
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-test
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "Running the suite on PostgreSQL ($$TEST_DATABASE_URL)"; \
		DATABASE_URL="$$TEST_DATABASE_URL" $(PY) -m pytest -m "not browser" $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true but TEST_DATABASE_URL is not set: the PostgreSQL run may not be skipped in CI." >&2; \
		exit 1; \
	else \
		echo "SKIPPED the PostgreSQL run: TEST_DATABASE_URL is not set (see README, 'PostgreSQL')."; \
	fi

# On SQLite, or on PostgreSQL when TEST_DATABASE_URL is set (as for `make test`).
bench: $(VENV)/.installed-test
	env -u DATABASE_URL $${TEST_DATABASE_URL:+DATABASE_URL="$$TEST_DATABASE_URL"} \
		$(PY) -m pytest tests/benchmarks -p no:randomly -s -q

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info
