"""The CI workflow that builds the three installers (not run here) points at real files."""

from __future__ import annotations

import re

from .conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "installers.yml"


def test_workflow_runs_the_build_scripts_of_each_platform() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    for command in (
        "make package",
        "packaging/smoke_deb.py",
        "packaging/windows/build.ps1",
        "packaging/macos/build.sh",
    ):
        assert command in text, command
    for path in set(re.findall(r"(?:packaging|sandbox)/[\w/.-]+\.(?:py|sh|ps1)", text)):
        assert (REPO / path).is_file(), path
    assert "\t" not in text  # YAML forbids tabs for indentation


def test_makefile_targets_exist() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^package:", makefile, re.M)
    assert re.search(r"^package-smoke:", makefile, re.M)
    assert "packaging/build_linux.py all" in makefile
    assert "packaging/smoke_deb.py" in makefile
