"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from client.bridge import Bridge
    from sandbox.operator import Sandbox


@pytest.fixture()
def sandbox_bridge(sandbox_operator: Sandbox, tmp_path: Path) -> Iterator[Bridge]:
    """The companion's bridge on free ports, signing in to the sandbox with the card."""
    from tests.helpers.thunderbird import running_bridge

    with running_bridge(sandbox_operator, tmp_path) as running:
        yield running
