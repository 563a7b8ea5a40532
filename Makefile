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
	$(PY) -m pip install -q --require-hashes -r packaging/requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	$(PY) packaging/build_linux.py all --compression $(DEB_COMPRESSION)

package-smoke: package
	$(PY) packaging/smoke_deb.py

# Supply chain (README "Hardening"): packaging/requirements.lock pins every dependency of
# the installers' builds with its hashes, for Linux, Windows and macOS at once (uv's
# universal resolution); `make lock` refreshes it from pyproject.toml's ranges, `make audit`
# checks it against the advisories of PyPI/OSV with pip-audit: exit 0 clean, 1 a known
# vulnerability, 3 the advisory service unreachable (CI tells the two apart).
.PHONY: lock audit audit-ci
LOCK := packaging/requirements.lock
AUDIT_TOOLS := $(VENV)/.audit-tools

$(AUDIT_TOOLS): pyproject.toml
	$(PY) -m pip install -q -e '.[audit]'
	@touch $(AUDIT_TOOLS)

lock: venv $(AUDIT_TOOLS)
	$(VENV)/bin/uv pip compile pyproject.toml --extra packaging --universal \
		--generate-hashes --python-version 3.11 --no-header -o $(LOCK)

audit: venv $(AUDIT_TOOLS)
	$(PY) packaging/audit_lock.py $(LOCK)

# CI: a vulnerability fails the run; an unreachable (or advisory-less) index does not.
audit-ci: deps
	@$(PY) -m pip install -q -e '.[audit]' || { \
		echo "audit: pip-audit cannot be installed (no package index): not checked"; exit 0; }
	@$(PY) packaging/audit_lock.py $(LOCK); status=$$?; \
		if [ $$status -eq 3 ]; then echo "audit: not checked (see above); CI goes on"; exit 0; fi; \
		exit $$status

# Fuzzing as a habit (fuzz/__init__.py, README "Hardening"): the nightly run. Every atheris
# harness for FUZZ_SECONDS each (findings in fuzz/findings/: fix, then move the input to
# fuzz/regressions/<harness>/ so tests/fuzz/ replays it for good), then every hostile-input
# property with HOSTILE_EXAMPLES cases. Runs under nice; about 70 minutes with the defaults.
.PHONY: fuzz-long
FUZZ_SECONDS ?= 600
FUZZ_HOSTILE_EXAMPLES ?= 10000
fuzz-long: venv
	@mkdir -p fuzz/findings
	@status=0; for name in $$($(PY) -c "from fuzz.harnesses import HARNESSES; print(' '.join(sorted(HARNESSES)))"); do \
		echo "== fuzz $$name: $(FUZZ_SECONDS) s"; \
		nice -n 10 $(PY) -m fuzz $$name -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-artifact_prefix=fuzz/findings/$$name- -print_final_stats=1 || status=1; \
	done; \
	echo "== hostile-input properties: $(FUZZ_HOSTILE_EXAMPLES) cases each"; \
	HOSTILE_EXAMPLES=$(FUZZ_HOSTILE_EXAMPLES) nice -n 10 $(PY) -m pytest tests/hostile -q -p no:cacheprovider || status=1; \
	exit $$status
