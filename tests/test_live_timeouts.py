"""The bound of live waits scales with MSSANTE_TEST_TIMEOUT_SCALE and refuses nonsense."""

from __future__ import annotations

import importlib

import pytest

from tests.helpers import timeouts


def test_default_scale_is_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MSSANTE_TEST_TIMEOUT_SCALE", raising=False)
    assert timeouts._scale() == 1.0
    monkeypatch.setenv("MSSANTE_TEST_TIMEOUT_SCALE", " ")
    assert timeouts._scale() == 1.0


def test_scale_multiplies_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSSANTE_TEST_TIMEOUT_SCALE", "2.5")
    try:
        scaled = importlib.reload(timeouts)
        assert (scaled.TIMEOUT_SCALE, scaled.LIVE_TIMEOUT, scaled.LIVE_TIMEOUT_MS) == (
            2.5, 75.0, 75_000)
    finally:
        monkeypatch.undo()
        importlib.reload(timeouts)


@pytest.mark.parametrize("raw", ["0", "-1", "fast", "nan"])
def test_a_scale_that_is_not_a_positive_number_is_refused(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("MSSANTE_TEST_TIMEOUT_SCALE", raw)
    with pytest.raises(ValueError, match="MSSANTE_TEST_TIMEOUT_SCALE must be a positive number"):
        timeouts._scale()
