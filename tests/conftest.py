"""Shared fixtures: an isolated application home for every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.helpers.sandbox_fixtures", "tests.helpers.reader_fixtures"]


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own ``MSSANTE_COMPANION_HOME``: no test reads the user's state."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("MSSANTE_COMPANION_HOME", str(home))
    yield home
    # A profile loaded by the test chose the process's audit key source: not the next one's.
    from client.audit_key import use_profile_secrets

    use_profile_secrets(None)
