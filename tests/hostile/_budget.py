"""Shared hypothesis budget of the hostile-input suite and a case counter.

``HOSTILE_EXAMPLES`` (default 200) bounds each property so CI stays fast; raise it
for a longer local run. Every property counts its cases in :data:`CASES`, printed at
the end of the session by ``tests/hostile/conftest.py`` ("hostile input: N cases").
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings

__all__ = ["CASES", "HOSTILE", "count"]

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "200"))

HOSTILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
    database=None,
)

CASES: Counter[str] = Counter()


def count(name: str) -> None:
    """One more case run by the property ``name``."""
    CASES[name] += 1
