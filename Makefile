# Two commands set everything up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
export DAGSTER_HOME := $(CURDIR)/data/dagster
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := False
# uv trusts the platform's certificate store (a registry reached through a TLS-inspecting proxy works too)
export UV_SYSTEM_CERTS := 1
DEMO_DAYS ?= 182
DEMO_SCALE ?= 1

.PHONY: dbt-parse install system-deps demo build serve stop test test-fast benchmark clean pseudonym-key

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.8

# Python deps from the lock file only (uv sync --frozen fails rather than re-resolve).
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --extra dev --python $(BIN)/python
	touch $@

install: $(VENV)/.synced

# Debian packages: Chromium for the browser tests and the reports' PDFs (Playwright drives the system browser;
# nothing downloaded), fonts for text and emoji in screenshots and PDFs, poppler-utils to look at a PDF.
DEBIAN_PACKAGES := chromium fonts-dejavu-core fonts-noto-color-emoji poppler-utils
system-deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

dbt-parse: install
	$(BIN)/python -c "from pipelines.defs.transformation.project import ensure_manifest; ensure_manifest()"

# The key of the members' pseudonyms (README "Privacy"): kept in the git-ignored .env, written once with a random
# value when neither the environment nor .env sets it. Keep it: a new key changes every member_key.
pseudonym-key:
	@if [ -z "$$ANIMATEUR_PSEUDONYM_KEY" ] && ! grep -qs '^ANIMATEUR_PSEUDONYM_KEY=.' .env; then \
		echo "ANIMATEUR_PSEUDONYM_KEY=$$(python3 -c 'import secrets; print(secrets.token_hex(32))')" >> .env; \
		chmod 600 .env; \
		echo "wrote a random ANIMATEUR_PSEUDONYM_KEY to .env: keep it (a new key changes every member_key)"; \
	fi

# Demo: generate the embedded community, build every asset, serve Dagster UI (:3000) and Streamlit (:8501).
demo: install system-deps dbt-parse pseudonym-key
	$(BIN)/animateur demo generate --out data/inbox/demo --days $(DEMO_DAYS) --scale $(DEMO_SCALE)
	$(BIN)/animateur build
	$(BIN)/animateur serve start

build: install dbt-parse pseudonym-key
	$(BIN)/animateur build

serve: install
	$(BIN)/animateur serve start

stop:
	$(BIN)/animateur serve stop

test: install system-deps dbt-parse
	$(BIN)/pytest

# Without the browser tests (no Chromium needed).
test-fast: install dbt-parse
	$(BIN)/pytest -m "not browser"

benchmark: install dbt-parse
	$(BIN)/python benchmarks/build_warehouse.py --days 182 --scale 100
	$(BIN)/python benchmarks/import_exports.py --records 100000
	$(BIN)/python benchmarks/sentiment_quality.py

# Generated data only: the Dagster instance's history (runs, pool slots, schedules) goes too, its config stays.
clean: stop
	rm -rf data/inbox data/warehouse data/published data/run data/reports data/alerts dbt_project/target
	rm -rf data/dagster/storage data/dagster/history data/dagster/logs data/dagster/schedules
