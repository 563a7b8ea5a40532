"""Every input that once found a bug (``fuzz/regressions/<harness>/``) is replayed: its
harness must return or raise one of the parser's documented errors, and fast."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fuzz.harnesses import HARNESSES

REGRESSIONS = Path(__file__).resolve().parents[2] / "fuzz" / "regressions"
SEEDS = sorted(p for p in REGRESSIONS.glob("*/*") if p.is_file())


def test_every_regression_seed_belongs_to_a_harness() -> None:
    assert SEEDS, "fuzz/regressions/ holds no seed"
    for path in SEEDS:
        assert path.parent.name in HARNESSES, f"{path}: no harness {path.parent.name!r}"


@pytest.mark.parametrize("path", SEEDS, ids=[f"{p.parent.name}/{p.name}" for p in SEEDS])
def test_regression_seed_is_handled(path: Path) -> None:
    harness = HARNESSES[path.parent.name]
    start = time.perf_counter()
    try:
        harness.target(path.read_bytes())
    except harness.allowed:
        pass
    # A parser that once hung (or went quadratic) on a seed would show here.
    assert time.perf_counter() - start < 10
