# `make corpus` and `make test` work on a fresh clone: the venv is created and filled on demand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: corpus test bench venv lock clean

venv: $(STAMP)

# Rebuilt when the dependency pins change. requirements.lock pins the whole tree (constraints).
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $(STAMP)

corpus: $(STAMP)
	$(PY) -m pipeline build --raw corpus/raw --out corpus/build

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test,bench]'
	$(PY) -m bench

# Re-pin the whole dependency tree after changing pyproject.toml.
lock: $(STAMP)
	$(PY) -m pip freeze --exclude-editable --disable-pip-version-check | grep -v '^pipeline' > requirements.lock

clean:
	rm -rf $(VENV) corpus/build
