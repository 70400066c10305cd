# mi-etl: `make build` regenerates out/ from raw/; `make test` checks the code and the data.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN    := $(VENV)/.installed-run
DEV    := $(VENV)/.installed-dev
OUT    ?= out

.PHONY: build test check lint bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(RUN)

## build: set up .venv, install mi-etl, run the pipeline on raw/ into out/
build: $(RUN)
	$(BIN)/mi-etl build raw --out $(OUT)

## check: exit non-zero if the built tables do not reconcile
check: $(RUN)
	$(BIN)/mi-etl check --out $(OUT)

## lint: ruff and mypy on the code
lint: $(DEV)
	$(BIN)/ruff check etl schemas tests
	$(BIN)/mypy

## test: lint, unit and golden tests, then build raw/ and check that it reconciles
test: $(DEV)
	$(BIN)/ruff check etl schemas tests
	$(BIN)/mypy
	$(BIN)/pytest
	$(BIN)/mi-etl build raw --out $(OUT)
	$(BIN)/mi-etl check --out $(OUT)

## bench: time the pipeline against its floor (README: Performance)
bench: $(DEV)
	$(BIN)/python -m tests.bench

## fuzz: 10,000 mutated excerpts of the report through the pipeline, 10,000 mutated PDFs through the PDF reader (README: Bad input)
fuzz: $(DEV)
	FUZZ_EXAMPLES=10000 $(BIN)/pytest -q tests/test_fuzz.py tests/test_fuzz_pdf.py -p no:cacheprovider

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
