# Two entry points for a fresh machine: `make run` and `make test`.
# Each creates the virtual environment on first use and installs the package into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(PY) -m sim --multirun design=single,bundled

test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m pytest

clean:
	rm -rf $(VENV) results/runs results/multirun
