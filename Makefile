# Two entry points for a fresh machine with Python 3.11+: `make demo` and `make test`.
# Each creates its own virtual environment (.venv) and checks the system libraries it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck syscheck clean benchmark

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "lednet needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

syscheck:
	@$(PYTHON) scripts/syscheck.py

demo: syscheck $(STAMP)
	$(BIN)/python scripts/demo.py

test: syscheck $(STAMP)
	$(BIN)/ruff check lednet tests scripts benchmarks
	$(BIN)/mypy lednet
	$(BIN)/pytest -q

benchmark: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) demo-workspace .pytest_cache .mypy_cache .ruff_cache
