# TAQ-News. Two entry points: `make dataset` and `make test`. Both install what they need.
PYTHON ?= python3.11
VENV := .venv
VENV_DS3 := .venv-ds3
VENV_DS4 := .venv-ds4
VENV_DS2 := .venv-ds2
VENV_CFF := .venv-cff
BIN := $(VENV)/bin
PIP_FLAGS := --quiet --disable-pip-version-check
export HF_DATASETS_OFFLINE := 1
export HF_HUB_OFFLINE := 1
export PYTHONHASHSEED := 0

.PHONY: dataset test lint install install-ds2 install-ds3 install-ds4 install-cff build check constraints clean

## install: the main environment (pinned by requirements/constraints.txt)
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) -c requirements/constraints.txt -e ".[test,lint]"
	touch $@

## install-ds3: a second environment with datasets 3.6.0, the last release that runs loading scripts
install-ds3: $(VENV_DS3)/.installed
$(VENV_DS3)/.installed: requirements/datasets3.txt
	test -x $(VENV_DS3)/bin/python || $(PYTHON) -m venv $(VENV_DS3)
	$(VENV_DS3)/bin/python -m pip install $(PIP_FLAGS) -r requirements/datasets3.txt
	touch $@

## install-ds4, install-ds2: datasets 4.x and 2.x, each in its own environment (2.x needs numpy<2, pyarrow 17)
install-ds4: $(VENV_DS4)/.installed
$(VENV_DS4)/.installed: requirements/datasets4.txt
	test -x $(VENV_DS4)/bin/python || $(PYTHON) -m venv $(VENV_DS4)
	$(VENV_DS4)/bin/python -m pip install $(PIP_FLAGS) -r requirements/datasets4.txt
	touch $@

install-ds2: $(VENV_DS2)/.installed
$(VENV_DS2)/.installed: requirements/datasets2.txt
	test -x $(VENV_DS2)/bin/python || $(PYTHON) -m venv $(VENV_DS2)
	$(VENV_DS2)/bin/python -m pip install $(PIP_FLAGS) -r requirements/datasets2.txt
	touch $@

## install-cff: cffconvert in its own environment (it pins jsonschema 3.2.0, older than ours)
install-cff: $(VENV_CFF)/.installed
$(VENV_CFF)/.installed: requirements/cffconvert.txt
	test -x $(VENV_CFF)/bin/python || $(PYTHON) -m venv $(VENV_CFF)
	$(VENV_CFF)/bin/python -m pip install $(PIP_FLAGS) -r requirements/cffconvert.txt
	touch $@

## dataset: install, build the dataset from raw + annotations, then validate what was built (L1-L5)
dataset: install
	$(BIN)/taq-news build
	$(BIN)/taq-news validate dataset/

## lint: ruff, mypy and the stage layering (import-linter's contract in pyproject.toml)
lint: install
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

## test: install both environments, lint, then run the whole test suite
test: install install-ds2 install-ds3 install-ds4 install-cff lint
	$(BIN)/taq-news validate dataset/
	TAQ_DS2_PYTHON=$(abspath $(VENV_DS2))/bin/python TAQ_DS3_PYTHON=$(abspath $(VENV_DS3))/bin/python TAQ_DS4_PYTHON=$(abspath $(VENV_DS4))/bin/python \
	TAQ_CFFCONVERT=$(abspath $(VENV_CFF))/bin/cffconvert $(BIN)/python -m pytest

## constraints: re-pin the main environment after an intended upgrade
constraints: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^taq-news' > requirements/constraints.tmp
	mv requirements/constraints.tmp requirements/constraints.txt

clean:
	rm -rf $(VENV) $(VENV_DS2) $(VENV_DS3) $(VENV_DS4) $(VENV_CFF) .pytest_cache .hypothesis
