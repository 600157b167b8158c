# Two commands matter: `make run` (set up and serve the bundled catalogue) and `make test`.
# Each bootstraps .venv itself; system packages are installed by scripts/system-deps.sh.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint fmt bench venv system-deps test-postgres clean

$(STAMP): pyproject.toml
	sh scripts/ensure-python-venv.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

system-deps:
	sh scripts/system-deps.sh

run: venv
	$(BIN)/socialekaart init
	$(BIN)/socialekaart import data/catalogue/catalogue.hsds.json
	$(BIN)/socialekaart index rebuild
	$(BIN)/socialekaart run --host $(HOST) --port $(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: venv system-deps lint
	$(BIN)/pytest
	sh scripts/with-postgres.sh $(BIN)/pytest -q -m "not browser" tests/directory

test-postgres: venv system-deps
	sh scripts/with-postgres.sh $(BIN)/pytest -q -m "not browser" tests/directory

bench: venv
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/search_bench.py --sizes 1000,10000

clean:
	rm -rf $(VENV) instance .pytest_cache
