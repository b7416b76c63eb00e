# slaforge: `make run` shows the product on the bundled examples, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SLAFORGE := $(VENV)/bin/slaforge
OUT ?= out

.PHONY: run test venv system-deps lint typecheck bench clean golden

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

# Debian's Prometheus (promtool + server), Alertmanager (amtool), blackbox_exporter (benchmark peer),
# nginx (benchmark target) and Chromium (screenshots), installed only when missing.
system-deps:
	@bash scripts/system-deps.sh

run: venv
	@bash scripts/run-demo.sh

test: venv system-deps
	$(VENV)/bin/ruff check slaforge tests bench
	$(VENV)/bin/mypy slaforge
	$(PY) -m pytest -q

lint: venv
	$(VENV)/bin/ruff check slaforge tests bench
	$(VENV)/bin/mypy slaforge

golden: venv
	UPDATE_GOLDEN=1 $(PY) -m pytest -q -k golden

bench: venv system-deps
	$(PY) -m bench

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
