# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: demo test docs lint format bench mutation clean data

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
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site

# The documentation site, from mkdocs.yml and docs/ into site/ (warnings are errors);
# open site/index.html in a browser.
$(VENV)/.installed-docs: pyproject.toml | $(PY)
	$(PIP) --editable ".[docs]"
	touch $@ $(VENV)/.installed

docs: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site

# Rebuild data/unit_costs.csv from its sources in data/sources/ (the Unit Cost Database
# v1.4 workbook and the hand-curated rows); the tests check the committed file is what this makes.
data: $(VENV)/.installed-test
	$(PY) data/sources/build_unit_costs.py

lint: $(VENV)/.installed-test
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: $(VENV)/.installed-test
	$(PY) benchmarks/bench_evaluate.py
	$(PY) benchmarks/bench_simulate.py
	$(PY) benchmarks/bench_portfolio.py
	$(PY) benchmarks/bench_switching.py

# Mutation testing of sroi/engine.py and sroi/adjustments/ (configured in pyproject.toml,
# [tool.mutmut]); not part of `make test`. See docs/quality.md.
MUTMUT_VERSION := 3.8.1

mutation: $(VENV)/.installed-test
	$(PIP) "mutmut==$(MUTMUT_VERSION)"
	rm -rf mutants
	$(VENV)/bin/mutmut run
	@echo "Mutants not killed:"
	@$(VENV)/bin/mutmut results
	@echo "Score (killed / all mutants):"
	@$(VENV)/bin/mutmut results --all true | awk '{ split($$1, name, "."); \
		area = (name[2] == "adjustments") ? "sroi/adjustments/" : "sroi/engine.py"; \
		all[area]++; if ($$2 == "killed") killed[area]++ } \
		END { for (a in all) printf "  %-18s %4d / %4d\n", a, killed[a], all[a] }'

clean:
	rm -rf $(VENV) dist build site .pytest_cache .ruff_cache .hypothesis mutants
