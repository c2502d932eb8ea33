# Universal Tracking. `make run` serves on embedded stores; `make test` runs the whole suite.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench tracker clean help

help:
	@echo "make run    install and serve on embedded stores (http://127.0.0.1:8000)"
	@echo "make test   install what the suite needs (ClickHouse included) and run it"
	@echo "make lint   ruff + import contracts"
	@echo "make bench  ingest benchmark (prints events/s and latency percentiles)"
	@echo "make tracker  rebuild the browser tracker (tracker/src -> src/tracking/tracker_script/static)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/utrack serve

# The tracker's build tool (esbuild, exact versions from package-lock.json); the tests rebuild the
# tracker with it to prove the committed build is fresh.
TRACKER_DEPS := tracker/node_modules/.installed
$(TRACKER_DEPS): tracker/package.json tracker/package-lock.json
	npm ci --prefix tracker --no-audit --no-fund
	touch $(TRACKER_DEPS)

tracker: $(TRACKER_DEPS)
	node tracker/build.mjs

test: install $(TRACKER_DEPS)
	scripts/install-clickhouse.sh
	scripts/install-chromium.sh
	scripts/ensure-services.sh
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --config importlinter.ini

bench: install
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) data .pytest_cache
