# Amparo: the same targets serve people and CI.
# `make run` and `make test` are the two commands a newcomer needs (see README.md).

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCALES := src/amparo/locale

# Django 6.1 needs Python 3.12 or newer. Look on PATH first, then in pyenv.
PYTHON ?= $(shell for c in python3.13 python3.12 python3 \
	$$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3; do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo $$p; break; }; \
	done)

.PHONY: run test test-fast lint fmt types messages compile-messages bench browser-deps java-deps python clean

python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Amparo needs Python 3.12 or newer (Django 6.1 requires it)." >&2; \
	  echo "None was found on PATH or in ~/.pyenv/versions. Install one (e.g. 'pyenv install 3.12')" >&2; \
	  echo "or point to it: make PYTHON=/path/to/python3.12 run" >&2; exit 1; fi

$(STAMP): pyproject.toml | python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

compile-messages: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d $(LOCALES) -D django 2>&1 | grep -v '^compiling' || true
	@for l in es en fr ht pt; do test -f $(LOCALES)/$$l/LC_MESSAGES/django.po || continue; \
	  test -f $(LOCALES)/$$l/LC_MESSAGES/django.mo || { echo "could not compile $$l" >&2; exit 1; }; done

run: $(STAMP) compile-messages
	$(BIN)/amparo demo

# The browser tests drive Debian's Chromium; never a downloaded browser.
browser-deps:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium' (the browser tests need /usr/bin/chromium)" >&2; exit 1; fi; }

# `amparo dedup link --engine spark` (and its test) runs Spark, which needs Java 17 or newer.
java-deps:
	@command -v java >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	  else echo "Java is missing: run 'sudo apt-get install openjdk-17-jre-headless' (the Spark engine's test needs it)" >&2; exit 1; fi; }

test: $(STAMP) compile-messages browser-deps java-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: $(STAMP) compile-messages
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not browser"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

types: $(STAMP)
	$(BIN)/mypy

# Extraction needs GNU gettext (xgettext); compilation does not.
messages: $(STAMP)
	cd src/amparo && ../../$(BIN)/amparo makemessages --no-location --no-obsolete -l es -l en -l fr

bench: $(STAMP)
	$(BIN)/python bench/crypto_bench.py
	$(BIN)/python bench/case_read_bench.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
