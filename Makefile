# PlantKPI — two commands on a fresh machine:
#   make run    set everything up and serve the demo plant on the embedded SQLite database
#   make test   set everything up and run every test (SQLite, PostgreSQL, headless Chromium)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# make run listens on this machine only (the demo accounts' password is public); ADDRESS=0.0.0.0 opens it to
# the network once the demo accounts are gone (docs/deployment.md).
ADDRESS ?= 127.0.0.1
SCALE ?= small
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export PLANTKPI_TEST_PG_URL ?= $(PG_URL)

.PHONY: run test bench install install-test system-deps app-deps debs postgres demo clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Debian packages, installed only when missing: the app needs a CJK font for Chinese charts and PDFs
# (APP_DEBS); the tests also need Chromium for browser tests and poppler for reading PDFs.
APP_DEBS := fonts-noto-cjk
TEST_DEBS := $(APP_DEBS) chromium poppler-utils

app-deps:
	@$(MAKE) --no-print-directory debs DEBS="$(APP_DEBS)"

system-deps:
	@$(MAKE) --no-print-directory debs DEBS="$(TEST_DEBS)"

debs:
	@missing=""; for p in $(DEBS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Start the machine's PostgreSQL if it is not answering (tests create and drop their own databases).
postgres:
	@pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || \
	  (pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && sleep 2) || true

run: install app-deps
	$(BIN)/plantkpi init --demo --scale $(SCALE) --if-empty
	$(BIN)/plantkpi serve --port $(PORT) --address $(ADDRESS)

test: install-test system-deps postgres
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --dist loadgroup --timeout 600 $(PYTEST_ARGS)

bench: install-test system-deps postgres
	$(BIN)/python -m tests.bench

clean:
	rm -rf $(VENV) data/*.db data/*.db-wal data/*.db-shm data/*.db.columns .pytest_cache
