# The two commands of the README: `make demo` and `make test`.
# Both set up what the service needs: the system packages (.ci/system-deps)
# and a virtual environment with the project installed.

VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# Where `make demo` serves: `make demo PORT=8001`, or HOST=0.0.0.0 for other machines on the network.
# Set on the command line only: some shells (tcsh) export HOST as the machine's name.
# The guides' and papers' QR codes point at the address served (service.py serve works it out, a
# wildcard HOST giving this machine's name), unless ONEVISIT_PUBLIC_BASE_URL names another.
HOST = 127.0.0.1
PORT = 8000

.PHONY: demo test setup system clean docs bench-deps

demo: setup
	$(PY) service.py demo --reset --host $(HOST) --port $(PORT)
	$(PY) service.py serve --host $(HOST) --port $(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

setup: system $(VENV)/.installed

system:
	@bash .ci/system-deps

# pip shows what it collects and installs (with a progress bar on a terminal): the first run
# takes a few minutes, which a silent screen made look like a hang.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@echo "Installing the project and its test tools into $(VENV) (a few minutes the first time)"
	$(PY) -m pip install --progress-bar on -e '.[test]'
	@touch $@

# What the benchmarks (bench/) need beyond `setup`: wrk for bench/http.py, PostgreSQL for the
# engine and audit benchmarks' second database.
bench-deps: setup
	@bash .ci/bench-deps

# The definition field reference and JSON Schema, generated from workflows/definition.py (the tests
# fail when the committed copies are stale).
docs: setup
	$(PY) service.py schema --markdown --output docs/definition-reference.md
	$(PY) service.py schema --output docs/matter-definition.schema.json

clean:
	rm -rf $(VENV) var .pytest_cache
