# Two entry points (see README): `make run` and `make test`. Both create .venv when needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean lock

# what is installed is the lock file (every package pinned, with its hashes); the project itself on top
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

# after a change of pyproject.toml's dependencies: pin them again (pip-tools in a throwaway venv)
lock:
	$(PY) -m venv /tmp/cchc-lock-venv && /tmp/cchc-lock-venv/bin/pip install -q pip-tools
	/tmp/cchc-lock-venv/bin/pip-compile -q --generate-hashes --extra dev --strip-extras -o requirements.lock pyproject.toml

run: $(STAMP)
	$(BIN)/python -m bot run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy bot handlers storage jobs
	$(BIN)/mypy --strict bot/core bot/services
	rm -f .coverage .coverage.*
	$(BIN)/python -m coverage run -m pytest
	$(BIN)/python -m coverage combine -q
	$(BIN)/python -m coverage report

bench: $(STAMP)
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/fuzzy_bench.py
	$(BIN)/python bench/summary_bench.py
	$(BIN)/python bench/reminder_bench.py
	$(BIN)/python bench/replay_bench.py
	$(BIN)/python bench/hostile_bench.py
	$(BIN)/python bench/crash_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
