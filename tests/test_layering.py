"""Imports flow one way: ``ui -> client -> cps``; only ``ui`` imports Qt.

The check reads every module of every product package, and sees imports made by name as
well as import statements: ``importlib.import_module("x")``, ``__import__("x")`` and
``import_module(f"x.{name}")`` (the fixed prefix of an f-string counts).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

QT = {"PySide6", "shiboken6"}
NOT_PRODUCT = {"sandbox", "benchmarks", "tests", "fuzz"}

#: package -> top-level modules it must never import.
FORBIDDEN: dict[str, set[str]] = {
    "cps": QT | {"client", "ui", "gateway"} | NOT_PRODUCT,
    "client": QT | {"ui", "gateway"} | NOT_PRODUCT,
    "ui": {"gateway"} | NOT_PRODUCT,
    "gateway": QT | {"cps", "ui"} | NOT_PRODUCT,
    # The sandbox is test tooling: it may use the product's cps/client code, never Qt.
    "sandbox": QT | {"ui", "benchmarks", "tests"},
}

_BY_NAME_CALLS = {"import_module", "__import__"}


def _literal_prefix(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in _BY_NAME_CALLS:
                prefix = _literal_prefix(node.args[0])
                if prefix:
                    names.add(prefix.split(".")[0])
    return names


def _packages() -> list[str]:
    return sorted(name for name in FORBIDDEN if (ROOT / name).is_dir())


@pytest.mark.parametrize("package", _packages())
def test_package_does_not_import_upper_layers(package: str) -> None:
    forbidden = FORBIDDEN[package]
    sources = sorted((ROOT / package).rglob("*.py"))
    assert sources, f"no sources found under {package}/"
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_modules(path) & forbidden)
        for path in sources
    }
    offenders = {path: names for path, names in offenders.items() if names}
    assert offenders == {}


def test_every_product_package_is_checked() -> None:
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_PRODUCT
    }
    assert packages <= set(FORBIDDEN), f"add {sorted(packages - set(FORBIDDEN))} to FORBIDDEN"
    assert {"cps", "client", "ui"} <= packages


def test_the_check_sees_a_stray_qt_import(tmp_path: Path) -> None:
    stray = tmp_path / "stray.py"
    stray.write_text("from PySide6.QtCore import QObject\nimport os\n", encoding="utf-8")
    assert _imported_modules(stray) == {"PySide6", "os"}


def test_the_check_sees_imports_by_name(tmp_path: Path) -> None:
    stray = tmp_path / "stray.py"
    stray.write_text(
        "import importlib\n"
        "importlib.import_module('ui.app')\n"
        "__import__('sandbox')\n"
        "name = 'x'\n"
        "importlib.import_module(f'benchmarks.{name}')\n",
        encoding="utf-8",
    )
    assert _imported_modules(stray) == {"importlib", "ui", "sandbox", "benchmarks"}
