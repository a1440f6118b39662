# dockyard.swarm developer entry points. A fresh Debian/Ubuntu machine needs only:  make demo  /  make test
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-stamp
COLLECTION_LINK := $(VENV)/collections/ansible_collections/dockyard/swarm
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(VENV)/collections
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help deps venv demo test lint sanity unit integration molecule lab-up lab-down lab-status bench clean

help:
	@echo "make demo   - install what is missing, start the local lab and show the cluster"
	@echo "make test   - lint, ansible-test sanity, unit, integration (against the real lab)"
	@echo "make lab-up | lab-down | lab-status | bench | clean"

deps:  ## system packages (apt, as root) and consul from Debian bullseye
	@bash scripts/install-system-deps.sh

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(COLLECTION_LINK):
	@mkdir -p $(dir $@)
	@ln -sfn ../../../.. $@

venv: $(STAMP) $(COLLECTION_LINK)

lab-up: deps venv
	$(PY) -m tests.lab up

lab-down: venv
	$(PY) -m tests.lab down

lab-status: venv
	$(PY) -m tests.lab status

demo: deps venv
	$(PY) -m tests.lab up
	@bash scripts/demo.sh

lint: venv
	rm -rf "$${HOME:-/root}/.ansible/collections/ansible_collections/dockyard/swarm"  # a stale copy (molecule) shadows the checkout
	ansible-lint --profile production

sanity: venv
	@bash scripts/sanity.sh

unit: venv
	$(PY) -m pytest tests/unit -q -p no:cacheprovider

integration: deps venv
	$(PY) -m pytest tests/integration -q -p no:cacheprovider

molecule: deps venv
	@bash scripts/molecule.sh

# The whole suite: the lab is started once and always stopped at the end (if this run started it).
test: deps venv
	@bash scripts/test.sh

bench: deps venv
	$(PY) -m tests.lab up
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b --quick || exit 1; done

clean:
	-$(PY) -m tests.lab down
	rm -rf $(VENV) .cache tests/output
