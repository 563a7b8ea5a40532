"""Load the build scripts of ``packaging/`` (plain scripts, not a package: the name
``packaging`` belongs to the PyPI library that pip and pytest import) and run the
PyInstaller spec with recording stand-ins for PyInstaller's build classes."""

from __future__ import annotations

import importlib.util
import pkgutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"
SPEC = PACKAGING / "mssante-companion.spec"


def load_script(name: str) -> ModuleType:
    """Import ``packaging/<name>.py`` as module ``mssante_packaging_<name>``."""
    if str(PACKAGING) not in sys.path:
        sys.path.insert(0, str(PACKAGING))
    spec = importlib.util.spec_from_file_location(
        f"mssante_packaging_{name}", PACKAGING / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class SpecRun:
    """What the spec handed to PyInstaller's Analysis, EXE, COLLECT and BUNDLE."""

    def __init__(self) -> None:
        self.analysis: dict[str, Any] = {}
        self.exes: list[dict[str, Any]] = []
        self.collect: dict[str, Any] = {}
        self.bundle: dict[str, Any] | None = None
        self.namespace: dict[str, Any] = {}


def _walk_submodules(package: str) -> list[str]:
    # A stand-in for PyInstaller's collect_submodules, which imports each package in a
    # subprocess (seconds each); the .deb smoke test runs the real one.
    root = REPO / package
    names = [package]
    for info in pkgutil.walk_packages([str(root)], prefix=f"{package}."):
        names.append(info.name)
    return names


def run_spec(platform: str, monkeypatch: pytest.MonkeyPatch) -> SpecRun:
    """Execute the spec as PyInstaller would on ``platform``; return what it built."""
    import PyInstaller.utils.hooks as hooks
    import PySide6  # imported for real first: its __init__ branches on sys.platform

    assert PySide6.__file__
    run = SpecRun()

    class Analysis:
        def __init__(self, scripts: list[str], **kwargs: Any) -> None:
            run.analysis = {"scripts": scripts, **kwargs}
            self.pure: list[Any] = []
            self.scripts: list[Any] = []
            self.binaries: list[Any] = []
            self.datas = list(kwargs["datas"])

    def pyz(*args: Any, **kwargs: Any) -> object:
        return object()

    def exe(*args: Any, **kwargs: Any) -> dict[str, Any]:
        run.exes.append(kwargs)
        return kwargs

    def collect(*args: Any, **kwargs: Any) -> dict[str, Any]:
        run.collect = {"args": args, **kwargs}
        return run.collect

    def bundle(*args: Any, **kwargs: Any) -> None:
        run.bundle = kwargs

    monkeypatch.setattr(hooks, "collect_submodules", _walk_submodules)
    monkeypatch.setattr(sys, "platform", platform)
    namespace: dict[str, Any] = {
        "__name__": "__main__",
        "__file__": str(SPEC),
        "SPECPATH": str(PACKAGING),
        "Analysis": Analysis,
        "PYZ": pyz,
        "EXE": exe,
        "COLLECT": collect,
        "BUNDLE": bundle,
    }
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)  # noqa: S102
    run.namespace = namespace
    return run


@pytest.fixture
def spec_runner(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], SpecRun]]:
    """Run the spec for a platform name (``linux``, ``win32``, ``darwin``)."""
    saved_path = list(sys.path)
    yield lambda platform: run_spec(platform, monkeypatch)
    sys.path[:] = saved_path
