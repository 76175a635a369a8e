# Harbour — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HARBOUR_DATA_DIR ?= $(CURDIR)/data
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# pyspark 4 (harbour link --engine spark, and its test) needs Java 17 or later:
# use Debian's Java 17 unless JAVA_HOME already names one.
JAVA17 := $(firstword $(wildcard /usr/lib/jvm/java-17-openjdk-*))
ifneq ($(JAVA17),)
export JAVA_HOME ?= $(JAVA17)
endif

.DEFAULT_GOAL := help
.PHONY: help install run test lint audit system-packages messages bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Harbour needs $(PYTHON) (Python 3.11)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create the virtual environment and install pinned dependencies

run: install ## Create keys, migrate SQLite, load demo data once, serve at http://127.0.0.1:8000
	HARBOUR_DEMO=true $(BIN)/harbour serve

lint: install ## ruff (with security rules) and mypy
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

SBOM ?= test-artifacts/sbom.cdx.json
audit: install ## Write a CycloneDX SBOM (test-artifacts/sbom.cdx.json) and pip-audit the environment (says if advisories cannot be reached)
	$(BIN)/python scripts/audit.py $(SBOM)

# Apps with a locale/ folder of their own keep their own catalogue (the public site has eight
# languages); the main catalogue leaves them out.
OWN_CATALOGUES := reports public
PUBLIC_LANGUAGES := fr es tl pa zh_Hans vi ar
messages: install ## Rebuild the translation catalogues after changing strings (French; the public site's languages)
	cd src/harbour && ../../$(BIN)/django-admin makemessages -l fr --no-obsolete --no-location $(foreach app,$(OWN_CATALOGUES),--ignore '$(app)/*')
	cd src/harbour/reports && ../../../$(BIN)/django-admin makemessages -l fr --no-obsolete --no-location
	cd src/harbour/public && ../../../$(BIN)/django-admin makemessages $(foreach lang,$(PUBLIC_LANGUAGES),-l $(lang)) --no-obsolete --no-location
	cd src/harbour && ../../$(BIN)/django-admin compilemessages

system-packages: ## Install Debian's chromium and gettext for the tests (needs root)
	@bash scripts/ensure-system-packages.sh

test: install system-packages lint ## Everything CI checks: lint, types, tests on SQLite and PostgreSQL, browser tests
	@bash scripts/test.sh

bench: install ## Benchmarks: engines (screening, pathways, disclosure), linkage, 100k cases, imports, reports on 1M people, public-site load (record in docs/benchmarks.md)
	$(BIN)/python bench/bench_screening.py
	$(BIN)/python bench/bench_pathways.py
	$(BIN)/python bench/bench_disclosure.py
	$(BIN)/python bench/bench_linkage.py
	$(BIN)/python bench/bench_linkage_independent.py
	$(BIN)/python bench/bench_incremental.py --mentions 100000 --additions 200
	$(BIN)/python bench/run.py
	$(BIN)/python bench/bench_import.py --rows 50000
	$(BIN)/python bench/bench_reports.py --people 1000000
	$(BIN)/python bench/bench_public.py

clean: ## Remove the virtual environment and test artefacts (keeps data/)
	rm -rf $(VENV) test-artifacts .pytest_cache .mypy_cache .ruff_cache
