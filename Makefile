# The README's two set-up commands: `make codegen` and `make test`.
# Each creates .venv when it is missing and installs the project with its extras.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CODE_DIRS := runtime codegen generated apps

.PHONY: codegen test static lint typecheck pytest check-generated bench clean

# The suite starts dozens of Python processes; with bytecode writes off (a common shell
# setting) each one recompiles qsmith and pytest re-rewrites every test module (~6 s a process).
unexport PYTHONDONTWRITEBYTECODE

# Two distributions: qsmith-runtime (runtime/) and qsmith, which requires it; both editable.
$(STAMP): pyproject.toml runtime/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e ./runtime -e '.[codegen,dev]'
	touch $(STAMP)

TELEMETRY_DEFS := apps/qsmith/telemetry/definitions.json
TELEMETRY_OUT := apps/qsmith/telemetry/metrics.py

codegen: $(STAMP)
	$(BIN)/qsmith codegen --all --models models --out generated
	$(BIN)/qsmith codegen telemetry $(TELEMETRY_DEFS) --out $(TELEMETRY_OUT)

lint: $(STAMP)
	$(BIN)/ruff check $(CODE_DIRS) tests benchmarks tools noxfile.py
	$(BIN)/black --check --quiet $(filter-out generated,$(CODE_DIRS)) tests benchmarks tools noxfile.py

typecheck: $(STAMP)
	$(BIN)/mypy --strict runtime/qsmith codegen/qsmith generated/qsmith apps/qsmith

# generated/ is black's output by construction, so this byte-for-byte comparison is its
# formatting check too (black --check above leaves it out rather than format it twice).
check-generated: $(STAMP)
	$(BIN)/qsmith codegen --all --models models --out generated --check
	$(BIN)/qsmith codegen telemetry $(TELEMETRY_DEFS) --out $(TELEMETRY_OUT) --check

# pytest-xdist with one worker more than there are cores, so that a worker waiting on a
# server or a timeout leaves no core idle. A module's tests stay on one worker, so its
# module-scoped fixtures (generated scratch clients, served gateways) are built once; modules
# are handed out in collection order, slowest first (tests/conftest.py). PYTEST_WORKERS=0: serial.
PYTEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print((os.cpu_count() or 1) + 1)')
pytest: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadscope --no-loadscope-reorder --durations=10

# The static checks are independent: run side by side (output kept per check), then pytest.
static: lint typecheck check-generated

test:
	$(MAKE) --no-print-directory -j3 --output-sync=target static
	$(MAKE) --no-print-directory pytest

bench: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .nox .mypy_cache .pytest_cache .ruff_cache
