# Two set-up commands (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test deps system-packages venv lint typecheck pytest sandbox-start sandbox-stop bench clean

demo: deps sandbox-start
	@bash sandbox/run-demo-app.sh

test: deps lint typecheck pytest

deps: system-packages venv

system-packages:
	@bash sandbox/install-system-packages.sh

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

lint:
	$(VENV)/bin/ruff check .

typecheck:
	$(VENV)/bin/mypy

pytest:
	$(PY) -m pytest $(PYTEST_ARGS)

sandbox-start: deps
	$(PY) -m sandbox start --dir .sandbox

sandbox-stop:
	$(PY) -m sandbox stop --dir .sandbox

bench: deps
	$(PY) -m benchmarks

clean: sandbox-stop
	rm -rf $(VENV) .sandbox

# Installers (packaging/README.md): the Linux bundle, .deb and .tar.gz into dist/, then the
# .deb smoke test (dpkg -i, --version, offscreen run, Xvfb screenshot, dpkg -r; needs root).
# DEB_COMPRESSION=xz for a release (any dpkg, 20% smaller, 5x slower to build).
DEB_COMPRESSION ?= zstd
.PHONY: package package-smoke
package: deps
	$(PY) -m pip install -q -e '.[packaging]'
	$(PY) packaging/build_linux.py all --compression $(DEB_COMPRESSION)

package-smoke: package
	$(PY) packaging/smoke_deb.py
