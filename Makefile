# Relevé: `make run` serves the app with a demo campaign; `make test` runs the whole suite.
# Both install what is missing first (Debian packages when root, the virtualenv, npm files).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := postgresql postgresql-postgis chromium gdal-bin fonts-dejavu-core
export RELEVE_DATA_DIR ?= var

.PHONY: run test setup system-deps vendor basemaps lint typecheck clean-data

run: setup
	$(BIN)/releve serve --demo

test: setup lint typecheck
	$(BIN)/python -m pytest -q

setup: system-deps $(VENV)/.installed vendor basemaps

# PostGIS (and PostgreSQL), Chromium for the browser tests and GDAL's command line tools
# (gdal-bin: the OGC API and export tests run ogrinfo/ogr2ogr as QGIS users would) and the
# DejaVu fonts the basemaps' labels are drawn with, from Debian when missing; as root we
# install, otherwise we say how.
system-deps:
	@if ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 \
	    && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	    && [ -x /usr/bin/chromium ] \
	    && command -v ogrinfo >/dev/null 2>&1 \
	    && [ -f $(FONTS)/DejaVuSans-Bold.ttf ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing $(SYSTEM_PACKAGES) from Debian..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES); \
	else \
	  echo "PostgreSQL with PostGIS is missing. Install it with:"; \
	  echo "  sudo apt-get install -y $(SYSTEM_PACKAGES)"; \
	  exit 1; \
	fi
	@# npm comes with Node.js; Debian's npm only where there is none (it would clash with others).
	@if command -v npm >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; \
	else \
	  echo "npm is missing. Install Node.js and npm, e.g.: sudo apt-get install -y npm"; exit 1; \
	fi

$(VENV)/.installed: pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

# Browser libraries pinned in package-lock.json, copied into pwa/vendor/ (git-ignored) so the
# app serves them itself: no CDN at run time. Redone only when the lock file changes.
MAPLIBRE_FILES := maplibre-gl.mjs maplibre-gl-worker.mjs maplibre-gl-shared.mjs maplibre-gl.css
VENDOR_MAPLIBRE := pwa/vendor/maplibre

# The console's libraries: Terra Draw (drawing on the MapLibre map) and uPlot (charts).
VENDOR_CONSOLE := pwa/vendor/console

# The field app's form logic: openrosa-xpath-evaluator (CommonJS) bundled by esbuild into one
# ES module; its digest() would need node-forge, left out (digest() then fails, caught).
VENDOR_XPATH := pwa/vendor/xpath

vendor: $(VENDOR_MAPLIBRE)/.installed $(VENDOR_CONSOLE)/.installed $(VENDOR_XPATH)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENDOR_MAPLIBRE)/.installed: node_modules/.installed
	@mkdir -p $(VENDOR_MAPLIBRE)
	cp $(addprefix node_modules/maplibre-gl/dist/,$(MAPLIBRE_FILES)) \
	   node_modules/maplibre-gl/LICENSE.txt $(VENDOR_MAPLIBRE)/
	@touch $@

$(VENDOR_CONSOLE)/.installed: node_modules/.installed
	@mkdir -p $(VENDOR_CONSOLE)
	cp node_modules/terra-draw/dist/terra-draw.modern.js $(VENDOR_CONSOLE)/terra-draw.js
	cp node_modules/terra-draw-maplibre-gl-adapter/dist/terra-draw-maplibre-gl-adapter.modern.js \
	   $(VENDOR_CONSOLE)/terra-draw-maplibre-gl-adapter.js
	cp node_modules/uplot/dist/uPlot.esm.js $(VENDOR_CONSOLE)/uplot.js
	cp node_modules/uplot/dist/uPlot.min.css $(VENDOR_CONSOLE)/uplot.css
	cp node_modules/uplot/LICENSE $(VENDOR_CONSOLE)/uplot.LICENSE
	@touch $@

$(VENDOR_XPATH)/.installed: node_modules/.installed
	@mkdir -p $(VENDOR_XPATH)
	node_modules/.bin/esbuild node_modules/openrosa-xpath-evaluator/src/openrosa-xpath.js \
	   --bundle --format=esm --minify --legal-comments=none --external:node-forge \
	   --outfile=$(VENDOR_XPATH)/openrosa-xpath.js
	cp node_modules/openrosa-xpath-evaluator/LICENSE $(VENDOR_XPATH)/openrosa-xpath.LICENSE
	@touch $@

# The demo basemaps (app/basemaps/demo.py: tippecanoe over the demo's open data) and the
# glyphs of their labels (fontnik, from npm: signed distance fields of the DejaVu fonts).
BASEMAPS := build/basemaps
FONTS := /usr/share/fonts/truetype/dejavu

basemaps: $(BASEMAPS)/fonts/.installed $(VENV)/.installed
	$(BIN)/python -m app.basemaps.demo $(BASEMAPS)

$(BASEMAPS)/fonts/.installed: node_modules/.installed
	@mkdir -p "$(BASEMAPS)/fonts/DejaVu Sans Book" "$(BASEMAPS)/fonts/DejaVu Sans Bold"
	node node_modules/fontnik/bin/build-glyphs $(FONTS)/DejaVuSans.ttf "$(BASEMAPS)/fonts/DejaVu Sans Book"
	node node_modules/fontnik/bin/build-glyphs $(FONTS)/DejaVuSans-Bold.ttf "$(BASEMAPS)/fonts/DejaVu Sans Bold"
	@touch $@

lint: setup
	$(BIN)/ruff check app tests migrations $(wildcard bench)
	$(BIN)/ruff format --check app tests migrations $(wildcard bench)

typecheck: setup
	$(BIN)/mypy

# Removes the embedded cluster of RELEVE_DATA_DIR (all local data).
clean-data: setup
	$(BIN)/python -c "from pathlib import Path; from app.db.embedded import EmbeddedPostgres; EmbeddedPostgres(Path('$(RELEVE_DATA_DIR)')).destroy()"
