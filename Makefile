# Two entry points for a fresh machine (see README): `make demo` and `make test`.
# Both create .venv, install torch first and then the package, and run.
#
# torch is installed on its own first so that the project's `torch>=2.1`
# requirement is already met: on this project's machines `torch==2.13.0` is a
# CPU wheel on local disk. Elsewhere, pick the build you want, e.g.
#   make test PIP_TORCH_ARGS="--index-url <your PyTorch CPU wheel index>"
PYTHON ?= python3
VENV ?= .venv
TORCH_SPEC ?= torch==2.13.0
PIP_TORCH_ARGS ?=
BIN := $(VENV)/bin
# numba compiles the motif tools' kernels on first use; the install step does
# it once, in two processes (TOMTOM, the longest, on a core of its own; FIMO and
# TF-MoDISco, niced, beside pip installing the test tools), and again, alone,
# should that pip pull the rug from under it.
WARM_UP = $(BIN)/python -m sklearn_demo.warmup

.PHONY: demo test test-fast benchmark browser docs clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(PIP_TORCH_ARGS) "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@echo "compiling the motif tools (numba, once per installation; 1-2 minutes) while the test tools install"
	$(WARM_UP) tomtom & tomtom=$$!; nice $(WARM_UP) fimo modisco & others=$$!; \
	  nice $(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"; pip=$$?; \
	  { wait $$tomtom && wait $$others; } || $(WARM_UP); test $$pip = 0
	touch $@

# The main job: the report on the embedded planted-motif data (built once),
# then the interactive app over it until Ctrl-C. The networks train and are
# explained side by side, one process per core, on a demo's budget (2 minutes on
# 2 cores; benchmarks/RESULTS.md "Suite and demo times"): 12 epochs, not 20 (the
# RNN learns slowest, and how fast depends on the CPU: on one machine 8 epochs
# gave its test AUC 0.980, on another 0.896, and 12 epochs 0.960, 15 0.972;
# CNN and CNN-RNN 0.994 / 0.996 either way), class optimisation in 500 steps
# (the RNN's and the CNN-RNN's restarts reach p(bound) 0.97 or more; of the CNN's
# eight, all on one machine, five on the other, where the report marks the three
# at 0.25 failed) and the attribution maps scored against the planted sites on 50
# test positives.
DEMO_BUDGET = --epochs 12 --class-iterations 500 --site-auroc-sequences 50
results/index.html: $(BIN)/.installed
	$(BIN)/sklearn-demo dashboard --out results --n-jobs -1 $(DEMO_BUDGET)

demo: results/index.html
	@echo "the static report: results/index.html; the app (Ctrl-C stops it):"
	$(BIN)/sklearn-demo serve results

# The report's browser test drives Debian's chromium (Playwright's own browser
# download is not used). Installed here when we are root with apt-get;
# elsewhere the test is skipped (it fails on CI, where CI=true).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends chromium >/dev/null; \
	  else echo "chromium is not installed (needs root and apt-get): browser test skipped"; fi; }

# One pytest-xdist worker per core, one thread each (tests/conftest.py), whole
# modules per worker so that a module's fitted models are trained once.
XDIST = -n auto --dist loadfile --no-loadscope-reorder

test: $(BIN)/.installed browser
	$(BIN)/python -m pytest $(XDIST)

# The developer's lane: everything but the tests marked slow (training for more
# than a few seconds, the session's report, processes), browser, docs and
# integration (the real-data mirror). make test and CI run everything.
test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest $(XDIST) -m "not slow and not browser and not docs and not integration"

# The documentation site (docs/_build/html): the user guide, the API reference
# and the example gallery with every example executed; warnings are errors.
# The examples on real data read DeepBind's ENCODE files from the offline
# mirror SKLEARN_DEMO_MIRROR (default ../shared/data/deepbind_encode); set it
# empty to download them instead.
SKLEARN_DEMO_MIRROR ?= $(abspath ../shared/data/deepbind_encode)
docs: $(BIN)/.installed
	@if [ -n "$(SKLEARN_DEMO_MIRROR)" ] && [ ! -f "$(SKLEARN_DEMO_MIRROR)/SHA256SUMS" ]; then \
	  echo "make docs: no DeepBind ENCODE mirror at SKLEARN_DEMO_MIRROR=$(SKLEARN_DEMO_MIRROR)" \
	       "(its SHA256SUMS is missing); the gallery's examples on real data need it to build" \
	       "offline. Point SKLEARN_DEMO_MIRROR at the folder of .seq.gz files and SHA256SUMS," \
	       "or set SKLEARN_DEMO_MIRROR= to download them." >&2; exit 2; fi
	SKLEARN_DEMO_MIRROR="$(SKLEARN_DEMO_MIRROR)" $(BIN)/sphinx-build -W -b html docs docs/_build/html
	@echo "open docs/_build/html/index.html in a browser"

benchmark: $(BIN)/.installed
	$(BIN)/python benchmarks/deepbind_accuracy.py

clean:
	rm -rf $(VENV) results .pytest_cache .hypothesis docs/_build docs/generated docs/auto_examples
