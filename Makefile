# Two commands do all set-up on a fresh machine:
#   make translate   install what is missing, then translate the sample article
#   make test        install what is missing, then run the tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE ?= $(firstword $(wildcard ../shared/samples/alasr-soleimani-putin.ar.txt) tests/data/alasr-soleimani-putin.ar.txt)
MODEL ?= Helsinki-NLP/opus-mt-ar-en
ENGINE ?=
DB ?= .tm/demo.db
PYTEST_ARGS ?=
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu

.PHONY: install translate test lint bench clean

install: $(STAMP)

# torch (torch==2.13.0 in constraints.txt) comes first, alone, from PyTorch's CPU index: PyPI's Linux wheel of
# the same version is the CUDA build (527 MB, plus cuda-toolkit and nvidia-* packages of several GB). Where that
# index cannot be reached pip warns and falls back to the indexes and find-links it is configured with;
# TORCH_INDEX= (empty) skips the step and takes torch from those.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(if $(TORCH_INDEX),$(BIN)/python -m pip install --quiet --retries 1 --no-deps -c constraints.txt --index-url $(TORCH_INDEX) torch)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

translate: install
	@mkdir -p $(dir $(DB))
	$(BIN)/tm translate "$(SAMPLE)" --db $(DB) --model "$(MODEL)" $(if $(ENGINE),--engine $(ENGINE))

test: install
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check tm tests bench
	$(BIN)/mypy tm

# Short runs of every benchmark (each script without --quick gives the README's figures).
bench: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[bench]"
	$(BIN)/python bench/bench_memory.py --quick
	$(BIN)/python bench/bench_terms.py --quick
	$(BIN)/python bench/term_testset.py
	$(BIN)/python bench/bench_score.py --quick
	$(BIN)/python bench/bench_scale.py --quick
	$(BIN)/python bench/bench_batching.py --quick
	$(BIN)/python bench/bench_enforce.py --quick
	$(BIN)/python bench/bench_engines.py --quick

clean:
	rm -rf $(VENV) .tm .pytest_cache .ruff_cache .mypy_cache
