# Two entry points for a newcomer: `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: bootstrap demo test lint docker seed clean-docker

bootstrap: $(STAMP) docker seed

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

docker:
	@bash scripts/ensure-docker.sh

seed: $(STAMP) docker
	@bash tests/seed_images.sh

demo: bootstrap
	cd example_project && ../$(VENV)/bin/pytest --goimage -v

test: bootstrap lint
	cd example_project && go test ./...
	$(VENV)/bin/pytest -n 2 -v

lint: $(STAMP)
	$(VENV)/bin/ruff check pytest_goimage tests bench
	$(VENV)/bin/ruff format --check pytest_goimage tests bench
	$(VENV)/bin/mypy
