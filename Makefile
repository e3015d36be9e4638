# One task runner for developers and CI. Every target uses the active Python environment.
PYTHON ?= python

.PHONY: install proto sdk lint typecheck unit test micro check up bench screenshots

install:            ## install the project and its development tools (editable)
	$(PYTHON) -m pip install -e '.[dev]'

proto:              ## regenerate csms/ (stubs, typed stubs, Envoy descriptor set) from proto/
	$(PYTHON) -m launcher.protogen

sdk:                ## regenerate csms/ (gRPC SDK, OpenAPI) and the REST client into build/sdk
	$(PYTHON) -m launcher.cli sdk build/sdk

lint:               ## ruff lint and format check
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

typecheck:          ## mypy --strict over first-party code
	$(PYTHON) -m mypy

unit:               ## the fast unit layer only: no I/O, runs in seconds (tests marked unit)
	$(PYTHON) -m pytest -m unit

test:               ## the whole test suite (needs PostgreSQL and Redis; see README)
	$(PYTHON) -m pytest

micro:              ## print the edge's per-message cost per action (µs; printed, never asserted)
	$(PYTHON) -m bench.micro --iterations 200

check: lint typecheck test micro

bench:              ## the benchmark suite, quick run (minutes; see docs/performance.md)
	$(PYTHON) -m bench.run --quick

screenshots:        ## the console's browser tests, saving their screenshots into docs/screenshots (Debian's chromium)
	CSMS_CONSOLE_SCREENSHOTS=docs/screenshots $(PYTHON) -m pytest tests/console -m browser -q

up:                 ## run the whole system with embedded defaults
	csms up
