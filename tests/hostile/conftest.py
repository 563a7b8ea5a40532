"""Prints how many hostile cases each property ran (a count says
how much a pass means)."""

from __future__ import annotations

import pytest

from tests.hostile._budget import CASES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per property and the total, after the run."""
    if not CASES:
        return
    terminalreporter.section("hostile input cases")
    for name, number in sorted(CASES.items()):
        terminalreporter.write_line(f"{name}: {number}")
    terminalreporter.write_line(f"hostile input: {sum(CASES.values())} cases in total")
