# Two commands do all set-up on a fresh machine with only Python: `make run` and `make test`.
# They bootstrap uv into .tools/, find Python 3.12 (pyenv or PATH), and create .venv from uv.lock.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
PYTHON312 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12) python3.12)
UV := .tools/bin/uv
UV_VERSION := 0.13.9
# The bootstrap installs this uv and no other, so every machine resolves and installs the same way.
UV_STAMP := .tools/.uv-$(UV_VERSION)
RUN := $(UV) run --frozen

.PHONY: run test bench screenshots clean

$(UV_STAMP):
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	touch $@

.venv/.synced: $(UV_STAMP) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON312)
	touch $@

run: .venv/.synced  ## the main job: one story on syria-2016, then every US strategy compared
	$(RUN) ceasefire run --scenario syria-2016 --seed 1
	$(RUN) ceasefire compare --scenario syria-2016 --runs 2000 --seed 1 --out out/compare-syria-2016

test: .venv/.synced  ## the whole test suite
	$(RUN) pytest

screenshots: .venv/.synced  ## regenerate docs/screenshots/ from the page (the tests write theirs to a temporary folder)
	BROWSER_SCREENSHOT_DIR=docs/screenshots $(RUN) pytest tests/browser/test_app.py

bench: .venv/.synced  ## engine speed and memory (not part of the tests)
	$(RUN) python bench/engines.py

clean:
	rm -rf .venv .tools
