# Relevé: `make run` serves the app with a demo campaign; `make test` runs the whole suite.
# Both install what is missing first (Debian packages when root, the virtualenv, npm files).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := postgresql postgresql-postgis
export RELEVE_DATA_DIR ?= var

.PHONY: run test setup system-deps lint typecheck clean-data

run: setup
	$(BIN)/releve serve --demo

test: setup lint typecheck
	$(BIN)/python -m pytest -q

setup: system-deps $(VENV)/.installed

# PostGIS (and PostgreSQL) from Debian when missing; as root we install, otherwise we say how.
system-deps:
	@if ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 \
	    && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing $(SYSTEM_PACKAGES) from Debian..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES); \
	else \
	  echo "PostgreSQL with PostGIS is missing. Install it with:"; \
	  echo "  sudo apt-get install -y $(SYSTEM_PACKAGES)"; \
	  exit 1; \
	fi

$(VENV)/.installed: pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

lint: setup
	$(BIN)/ruff check app tests migrations $(wildcard bench)
	$(BIN)/ruff format --check app tests migrations $(wildcard bench)

typecheck: setup
	$(BIN)/mypy

# Removes the embedded cluster of RELEVE_DATA_DIR (all local data).
clean-data: setup
	$(BIN)/python -c "from pathlib import Path; from app.db.embedded import EmbeddedPostgres; EmbeddedPostgres(Path('$(RELEVE_DATA_DIR)')).destroy()"
