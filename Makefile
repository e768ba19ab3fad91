# okr-assistant: `make demo` runs the main job end to end, `make test` runs the tests.
# Both set everything up from scratch (virtualenv, pinned packages, local model, Chromium for browser tests).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OKR := $(VENV)/bin/okr
STAMP := $(VENV)/.installed
DEMO_DIR ?= .demo-data
export ORT_DISABLE_TELEMETRY := 1
export ANONYMIZED_TELEMETRY := False

# The parser, the key-result reader and the reviewer compiled with mypyc (assistant/native.py): about 1.5 minutes,
# redone when one of their sources changes. OKR_NATIVE=0 skips it (plain Python: the same findings, slower).
NATIVE := assistant/_native/manifest.json
NATIVE_SOURCES := assistant/krparse.py assistant/parse.py \
  $(filter-out %/__init__.py,$(wildcard assistant/krtext/*.py assistant/parsing/*.py assistant/review/*.py))
ifeq ($(OKR_NATIVE),0)
NATIVE_BUILD :=
else
NATIVE_BUILD := $(NATIVE)
endif

.PHONY: setup native model system-deps test test-fast demo lint eval bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -c constraints.txt -e '.[local,dev]'
	touch $(STAMP)

# A failed build (no C compiler or Python headers) is reported and the rest goes on in plain Python.
$(NATIVE): $(STAMP) $(NATIVE_SOURCES) assistant/native.py assistant/build_native.py
	@$(PY) -m assistant.build_native || echo "okr native: no compiled build; plain Python runs (the same findings, slower)" >&2

native: $(NATIVE)

setup: $(STAMP) $(NATIVE_BUILD)

model: setup
	$(OKR) model install

# Debian packages the browser and terminal tests drive (installed only when missing; needs root).
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v tmux >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver tmux wrk; \
	  else echo "Install chromium, chromium-driver and tmux (apt-get) for the browser and terminal tests" >&2; exit 1; fi; \
	fi

test: setup model system-deps
	$(PY) -m pytest -q -p no:cacheprovider

test-fast: setup
	$(PY) -m pytest -q -m "not slow and not browser"

demo: setup model
	rm -rf $(DEMO_DIR)
	$(OKR) ingest --data-dir $(DEMO_DIR) knowledge/examples/quill/strategy
	$(OKR) parents import --data-dir $(DEMO_DIR) knowledge/examples/quill/company-okrs.yaml
	$(OKR) parents import --data-dir $(DEMO_DIR) knowledge/examples/quill/department-okrs.yaml
	$(PY) -m assistant.demo --data-dir $(DEMO_DIR)

lint: setup
	$(VENV)/bin/ruff check assistant evals tests benchmarks
	$(VENV)/bin/mypy

eval: setup model
	$(OKR) eval review --out reports/
	$(OKR) eval retrieval --out reports/
	$(OKR) eval draft --backend local --timeout 900 --out reports/

bench: setup model system-deps
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) $(DEMO_DIR) reports/ dist/ build/ assistant/_native/
