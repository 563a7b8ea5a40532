"""Every atheris harness of ``fuzz/`` runs briefly in CI: a few hundred
coverage-guided inputs each, from the seed corpus; a crash fails with the input."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fuzz.harnesses import HARNESSES

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("FUZZ_RUNS", "400"))


@pytest.mark.parametrize("name", sorted(HARNESSES))
def test_harness_runs_clean(name: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fuzz", name, f"-runs={RUNS}", "-seed=1",
         f"-artifact_prefix={tmp_path}/", "-max_len=65536"],
        cwd=ROOT, env={**os.environ, "FUZZ_CORPUS": str(tmp_path / "corpus"),
                       "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=240, check=False,
    )
    log = done.stderr[-4000:]
    assert done.returncode == 0, log
    match = re.search(r"Done (\d+) runs", done.stderr)
    assert match and int(match.group(1)) >= RUNS, log
    print(f"atheris {name}: {match.group(1)} runs")
    assert not list(tmp_path.glob("crash-*"))
