# Two entry points for a newcomer: `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: bootstrap demo test unit lint docker seed clean-standins mutation

bootstrap: $(STAMP) docker seed

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

docker:
	@bash scripts/ensure-docker.sh

# Pulls each base image the example names, and redis:7 for its dependencies; builds a labelled
# stand-in only where the pull fails (Redis: about a minute the first time, debootstrap included).
seed: $(STAMP) docker
	@bash tests/seed_images.sh

# Removes every stand-in `seed` built (images built FROM one stay).
clean-standins:
	@bash tests/seed_images.sh --clean

demo: bootstrap
	cd example_project && ../$(VENV)/bin/pytest --goimage -v

# tests/unit needs no Docker engine; tests/acceptance drives pytest --goimage on a real one.
test: bootstrap lint
	cd example_project && go test ./...
	$(VENV)/bin/pytest -n 2 --dist loadgroup -v tests/unit tests/acceptance

unit: $(STAMP)
	$(VENV)/bin/pytest tests/unit

lint: $(STAMP)
	$(VENV)/bin/ruff check pytest_goimage tests bench
	$(VENV)/bin/ruff format --check pytest_goimage tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --strict --python-version 3.11 bench

# Mutation testing of the pure readers (gofacts/ and the report renderers), not part of `make
# test`: it takes about an hour on 2 cores. Starts over each time (mutmut's cached verdicts
# would outlive the tests that made them), prints the score per module and fails below 90%.
MUTATION_STAMP := $(VENV)/.mutation-installed
MUTATION_JOBS ?= 2

$(MUTATION_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[test,mutation]'
	@touch $@

mutation: $(MUTATION_STAMP)
	rm -rf mutants
	env -u PYTHONDONTWRITEBYTECODE nice -n 10 $(VENV)/bin/mutmut run --max-children $(MUTATION_JOBS)
	nice -n 10 $(PY) -m tests.mutation.recheck --jobs $(MUTATION_JOBS)
	$(PY) -m tests.mutation.score
