"""The PyInstaller spec: entry script, resources by directory, used Qt modules only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import REPO, SpecRun

pytestmark = pytest.mark.usefixtures("spec_runner")


def test_entry_script_and_search_path_exist(spec_runner: Callable[[str], SpecRun]) -> None:
    run = spec_runner("linux")
    scripts = [Path(s) for s in run.analysis["scripts"]]
    assert scripts == [REPO / "packaging" / "launcher.py"]
    assert scripts[0].is_file()
    assert [Path(p) for p in run.analysis["pathex"]] == [REPO]


def test_every_resource_file_ships_at_its_repository_place(
    spec_runner: Callable[[str], SpecRun],
) -> None:
    run = spec_runner("linux")
    datas = run.analysis["datas"]
    for source, _dest in datas:
        assert Path(source).is_file(), source
    shipped = {
        Path(source).relative_to(REPO)
        for source, dest in datas
        if Path(source).is_relative_to(REPO / "resources")
    }
    for source, dest in datas:
        if Path(source).is_relative_to(REPO / "resources"):
            assert Path(REPO / dest) == Path(source).parent
    on_disk = {
        p.relative_to(REPO)
        for p in (REPO / "resources").rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.suffix not in (".ts", ".qm")
    }
    assert shipped == on_disk
    # What the app needs at run time, whoever adds more to resources/ later.
    assert Path("resources/igc-sante/AC_RACINE_IGC-SANTE_ELEMENTAIRE.pem") in shipped
    assert Path("resources/icons/mssante-companion.svg") in shipped


def test_translations_ship_compiled_and_without_their_sources(
    spec_runner: Callable[[str], SpecRun],
) -> None:
    # ui/i18n.py compiles a .ts that sits beside its .qm: the bundle has no compiler, so it
    # must carry fresh .qm files only.
    run = spec_runner("linux")
    i18n = [(Path(src), dest) for src, dest in run.analysis["datas"] if dest == "resources/i18n"]
    sources = sorted((REPO / "resources" / "i18n").glob("*.ts"))
    assert sorted(src.name for src, _dest in i18n) == sorted(f"{ts.stem}.qm" for ts in sources)
    for qm, _dest in i18n:
        assert qm.read_bytes()[:4] == bytes.fromhex("3cb86418")  # Qt .qm magic


def test_command_and_desktop_modules_are_bundled_but_not_the_sandbox(
    spec_runner: Callable[[str], SpecRun],
) -> None:
    run = spec_runner("linux")
    hidden = set(run.analysis["hiddenimports"])
    # Loaded by name (importlib) by client.cli.main, invisible to PyInstaller's analysis.
    assert {"client.cli", "client.cli._common", "ui.app", "cps"} <= hidden
    assert not any(name == "sandbox" or name.startswith("sandbox.") for name in hidden)
    assert "sandbox" in run.analysis["excludes"]


def test_only_qt_modules_that_ui_imports_are_kept(
    spec_runner: Callable[[str], SpecRun],
) -> None:
    run = spec_runner("linux")
    excluded = set(run.analysis["excludes"])
    used = run.namespace["qt_modules_used"](REPO / "ui")
    assert {"QtCore", "QtGui", "QtWidgets"} <= used
    for name in used:
        assert f"PySide6.{name}" not in excluded
    for heavy in ("QtQml", "QtQuick", "QtDesigner", "QtSql", "QtTest"):
        assert f"PySide6.{heavy}" in excluded
    if "QtNetwork" not in used:
        assert "PySide6.QtNetwork" in excluded


def test_qt_import_scan_sees_every_import_form(
    spec_runner: Callable[[str], SpecRun], tmp_path: Path
) -> None:
    run = spec_runner("linux")
    (tmp_path / "a.py").write_text("from PySide6.QtSvg import QSvgRenderer\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("from PySide6 import (QtNetwork,\n  QtCore)\n", "utf-8")
    (tmp_path / "c.py").write_text("import PySide6.QtPrintSupport\n", encoding="utf-8")
    used = run.namespace["qt_modules_used"](tmp_path)
    assert used == {"QtCore", "QtGui", "QtWidgets", "QtSvg", "QtNetwork", "QtPrintSupport"}


@pytest.mark.parametrize(
    ("dest", "unwanted"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6/Qt/plugins/platforms/qwindows.dll", False),
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", True),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", True),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", False),
        ("PySide6/Qt/plugins/generic/libqevdevmouseplugin.so", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
         False),
        ("PySide6/Qt/lib/libQt6Gui.so.6", False),
    ],
)
def test_plugin_pruning(
    spec_runner: Callable[[str], SpecRun], dest: str, unwanted: bool
) -> None:
    run = spec_runner("linux")
    assert run.namespace["_unwanted_plugin"](dest) is unwanted


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/translations/qtbase_fr.qm", True),
        ("PySide6/Qt/translations/qt_en.qm", True),
        ("PySide6/Qt/translations/qt_help_pt_BR.qm", False),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/translations/qtbase_de.qm", False),  # Windows layout
        ("PySide6/translations/qtbase_fr.qm", True),
        ("resources/i18n/mssante-companion_de.qm", True),
        ("resources/igc-sante/AC_RACINE_IGC-SANTE_ELEMENTAIRE.pem", True),
    ],
)
def test_qt_translations_only_for_the_app_languages(
    spec_runner: Callable[[str], SpecRun], dest: str, kept: bool
) -> None:
    run = spec_runner("linux")
    languages = run.namespace["_APP_LANGS"]
    if "de" in languages:  # the app ships German: Qt's German then ships too
        kept = kept or dest.endswith("_de.qm")
    assert run.namespace["_wanted_data"]((dest, "src", "DATA")) is kept


def test_linux_has_one_console_executable(spec_runner: Callable[[str], SpecRun]) -> None:
    run = spec_runner("linux")
    assert [(e["name"], e["console"]) for e in run.exes] == [("mssante-companion", True)]
    assert run.bundle is None


def test_windows_has_console_and_windowed_executables(
    spec_runner: Callable[[str], SpecRun],
) -> None:
    run = spec_runner("win32")
    assert [(e["name"], e["console"]) for e in run.exes] == [
        ("mssante-companion", True),
        ("mssante-companion-app", False),
    ]
    assert run.collect["name"] == "mssante-companion"


def test_pruning_drops_a_plugin_with_the_libraries_only_it_needs(
    spec_runner: Callable[[str], SpecRun],
) -> None:
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    entries = [
        ("PySide6/Qt/plugins/platforms/libqvnc.so", qt / "plugins/platforms/libqvnc.so"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", qt / "plugins/platforms/libqxcb.so"),
        ("PySide6/Qt/lib/libQt6Network.so.6", qt / "lib/libQt6Network.so.6"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", qt / "lib/libQt6Gui.so.6"),
        ("PySide6/Qt/lib/libQt6Core.so.6", qt / "lib/libQt6Core.so.6"),
    ]
    for _dest, source in entries:
        assert source.is_file(), source
    run = spec_runner("linux")
    kept = run.namespace["_prune_binaries"]([(d, str(s), "BINARY") for d, s in entries])
    # vnc needs QtNetwork, which nothing else kept needs; xcb needs QtGui and QtCore.
    assert [d.rsplit("/", 1)[-1] for d, _s, _t in kept] == [
        "libqxcb.so",
        "libQt6Gui.so.6",
        "libQt6Core.so.6",
    ]
