# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: demo test lint format bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) --editable .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) --editable ".[test]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(PY) -m sroi evaluate examples/council_contract.yaml
	@echo
	$(PY) -m sroi evaluate examples/housing_community_investment.yaml

test: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

lint: $(VENV)/.installed-test
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: $(VENV)/.installed-test
	$(PY) benchmarks/bench_evaluate.py
	$(PY) benchmarks/bench_simulate.py

clean:
	rm -rf $(VENV) dist build .pytest_cache .ruff_cache .hypothesis
