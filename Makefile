# Two entry points for a fresh machine: `make run` and `make test`.
# Each creates the virtual environment on first use and installs the package into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test test-fast clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# The main job: the reform study on the built-in scenario, which lever gives how much, then the report.
run: $(VENV)/.installed
	$(PY) -m sim --multirun +experiment=reform_study
	$(PY) -m sim --multirun +experiment=attribution
	$(PY) -m sim.analysis.report results/reform_study/restaurant

# Both lanes, as CI runs them, on every core (pytest-xdist; a test file stays on one worker, so
# its module fixtures run once); `$(PY) -m pytest` alone is the fast lane, serial, for one test.
test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -m "slow or not slow" -n auto --dist loadfile

test-fast: $(VENV)/.installed
	$(PY) -m pytest -n auto --dist loadfile

clean:
	rm -rf $(VENV) results/runs results/multirun
