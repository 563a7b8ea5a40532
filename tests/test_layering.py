"""Imports flow one way: ``ui -> client -> cps``; only ``ui`` imports Qt."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("cps", {"PySide6", "shiboken6", "client", "ui"}),
        ("client", {"PySide6", "shiboken6", "ui"}),
        ("sandbox", {"PySide6", "shiboken6", "ui"}),
    ],
)
def test_package_does_not_import_upper_layers(package: str, forbidden: set[str]) -> None:
    sources = sorted((ROOT / package).rglob("*.py"))
    assert sources, f"no sources found under {package}/"
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_modules(path) & forbidden)
        for path in sources
    }
    offenders = {path: names for path, names in offenders.items() if names}
    assert offenders == {}


def test_the_check_sees_a_stray_qt_import(tmp_path: Path) -> None:
    stray = tmp_path / "stray.py"
    stray.write_text("from PySide6.QtCore import QObject\nimport os\n", encoding="utf-8")
    assert _imported_modules(stray) == {"PySide6", "os"}
