# Universal Tracking. `make run` serves on embedded stores; `make test` runs the whole suite.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
# Two install levels: `make run` gets the runtime dependencies only, `make test`/`lint`/`bench`
# also the [dev] extra (pytest, ruff, import-linter, playwright...). The dev stamp implies the other.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install install-dev run test lint bench tracker dashboard clean help

help:
	@echo "make run    install and serve on embedded stores (http://127.0.0.1:8000)"
	@echo "make test   install what the suite needs (ClickHouse included) and run it"
	@echo "make lint   ruff + import contracts"
	@echo "make bench  ingest benchmark (prints events/s and latency percentiles)"
	@echo "make tracker  rebuild the browser tracker (tracker/src -> src/tracking/tracker_script/static)"
	@echo "make dashboard  rebuild the dashboard and the API docs' assets (dashboard/ -> src/tracking/dashboard/static)"

$(RUN_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(DEV_STAMP) $(RUN_STAMP)

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

# UT_ENV=development: the only place the public development UT_SECRET_KEY is accepted.
run: install
	UT_ENV=development $(BIN)/utrack serve

# The tracker's build tool (esbuild, exact versions from package-lock.json); the tests rebuild the
# tracker with it to prove the committed build is fresh.
TRACKER_DEPS := tracker/node_modules/.installed
$(TRACKER_DEPS): tracker/package.json tracker/package-lock.json
	npm ci --prefix tracker --no-audit --no-fund
	touch $(TRACKER_DEPS)

tracker: $(TRACKER_DEPS)
	node tracker/build.mjs

# The dashboard's build (esbuild, Preact, htm, uPlot, and the Swagger UI / ReDoc files served at
# /docs and /redoc), exact versions from dashboard/package-lock.json; the tests rebuild it too.
DASHBOARD_DEPS := dashboard/node_modules/.installed
$(DASHBOARD_DEPS): dashboard/package.json dashboard/package-lock.json
	npm ci --prefix dashboard --no-audit --no-fund
	touch $(DASHBOARD_DEPS)

dashboard: $(DASHBOARD_DEPS)
	node dashboard/build.mjs

test: install-dev $(TRACKER_DEPS) $(DASHBOARD_DEPS)
	scripts/install-clickhouse.sh
	scripts/install-chromium.sh
	scripts/ensure-services.sh
	$(BIN)/python -m pytest -q

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --config importlinter.ini

bench: install-dev
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) data .pytest_cache
