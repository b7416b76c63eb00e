# slaforge: `make run` shows the product on the bundled examples, `make test` runs every test.
# Python packages come from requirements.lock (exact versions, hashes checked); `make lock` refreshes it.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= out
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
# pytest workers, two per core: the suite's servers use free ports and private folders, so test files run in
# parallel, and the long end-to-end files mostly wait on real time (Prometheus, vmalert), so they need not hold a core
JOBS ?= $(shell echo $$(( 2 * $$(nproc) )))
# pip: no version nag, no progress bars; what is installed is named by our own echo lines. A machine whose pip
# configuration names local package folders that do not exist makes pip warn once per package: those lines go.
PIP := PIP_DISABLE_PIP_VERSION_CHECK=1 $(PY) -m pip --quiet
QUIET_PIP := 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)

.PHONY: run test check test-latest lock venv system-deps lint typecheck bench clean golden

$(VENV)/.installed: pyproject.toml $(DEV_LOCK)
	@echo "== setting up $(VENV): the Python packages pinned in $(DEV_LOCK) (exact versions, hashes checked)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --require-hashes --no-deps -r $(DEV_LOCK) $(QUIET_PIP)
	@echo "== installing slaforge into $(VENV) (editable)"
	@$(PIP) install --no-deps --no-build-isolation -e . $(QUIET_PIP)
	@touch $@

venv: $(VENV)/.installed

# Debian's Prometheus (promtool + server), Alertmanager (amtool), blackbox_exporter (benchmark peer),
# VictoriaMetrics (vmalert), nginx (benchmark target) and Chromium (screenshots), installed only when missing.
system-deps:
	@bash scripts/system-deps.sh

run: venv
	@bash scripts/run-demo.sh

# The whole suite, as CI runs it: lint, types, then every test against the real tools (about 5 minutes).
test: venv system-deps lint
	$(PY) -m pytest -n $(JOBS) --dist loadfile -v --durations=15

# The edit loop: lint, types and the tests that start no server and run no promtool evaluation (about a minute).
check: venv lint
	$(PY) -m pytest -n $(JOBS) --dist loadfile -m "not e2e and not browser and not server and not slow and not promtool"

lint: venv
	$(VENV)/bin/ruff check slaforge tests bench
	$(VENV)/bin/mypy slaforge

typecheck: lint

# The suite against the newest releases pyproject's ranges allow, in a venv of its own: drift shows here
# before a user's `pip install slaforge` meets it. Not part of CI (the registries change under it).
test-latest: system-deps
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip --quiet install --upgrade pip
	.venv-latest/bin/python -m pip --quiet install --upgrade -e '.[dev]'
	.venv-latest/bin/python -m pip freeze --all --exclude-editable | sed -E 's/^([^=]+)/\L\1/; s/_/-/g' \
	  | grep -v '^pip==' | sort > .venv-latest/versions.txt
	@echo "== versions that differ from $(DEV_LOCK) (< locked, > newest):"
	@diff <(grep -E '^[A-Za-z]' $(DEV_LOCK) | sed -E 's/ .*//; s/^([^=]+)/\L\1/; s/_/-/g' | sort) .venv-latest/versions.txt \
	  && echo "   none" || true
	.venv-latest/bin/ruff check slaforge tests bench
	.venv-latest/bin/mypy slaforge
	.venv-latest/bin/python -m pytest -n $(JOBS) --dist loadfile

# Refresh the locks from pyproject's ranges (newest versions that fit, from PyPI only, hashes of every file):
# requirements.lock is what the Docker image installs, requirements-dev.lock adds the tools `make` uses.
# pip-tools lives in a venv of its own, so that it never changes what the tests run with.
COMPILE := PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= .venv-lock/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --all-build-deps --no-emit-index-url --no-emit-find-links --strip-extras
lock:
	@test -x .venv-lock/bin/pip-compile || { $(PYTHON) -m venv .venv-lock && .venv-lock/bin/python -m pip --quiet install pip-tools; }
	$(COMPILE) --upgrade --output-file $(LOCK) pyproject.toml
	$(COMPILE) --upgrade --extra dev --constraint $(LOCK) --output-file $(DEV_LOCK) pyproject.toml
	@echo "== $(LOCK) and $(DEV_LOCK) refreshed; run make test before committing them"

golden: venv
	UPDATE_GOLDEN=1 $(PY) -m pytest -q -k golden

bench: venv system-deps
	$(PY) -m bench

# OUT may come from the environment: it is removed only when the demo made it (its .slaforge-demo mark).
clean:
	rm -rf $(VENV) .venv-latest .venv-lock .pytest_cache
	@if [ -e "$(OUT)/.slaforge-demo" ]; then rm -rf "$(OUT)"; fi
