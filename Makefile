# The two commands of the README: `make demo` and `make test`.
# Both set up what the service needs: the system packages (.ci/system-deps)
# and a virtual environment with the project installed.

VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: demo test setup system clean

demo: setup
	$(PY) service.py demo --reset
	$(PY) service.py serve

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

setup: system $(VENV)/.installed

system:
	@bash .ci/system-deps

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

clean:
	rm -rf $(VENV) var .pytest_cache
