# Two entry points (see README): `make run` and `make test`. Both create .venv when needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy bot handlers storage jobs
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/summary_bench.py
	$(BIN)/python bench/reminder_bench.py
	$(BIN)/python bench/replay_bench.py
	$(BIN)/python bench/hostile_bench.py
	$(BIN)/python bench/crash_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
