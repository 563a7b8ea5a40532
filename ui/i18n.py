"""Interface language: French source strings, English translation from Qt Linguist files.

Sources are written in French with ``tr()``; ``resources/i18n/mssante_companion_<lang>.ts``
holds the translations (edited with Qt Linguist, refreshed with ``pyside6-lupdate``).
The compiled ``.qm`` files are built by the project, not committed: :func:`compiled_catalog`
runs ``pyside6-lrelease`` (shipped with PySide6-Essentials) when the ``.qm`` beside the
``.ts`` is missing or older, writing into the app cache when the install is read-only.
The language follows the system unless the user chose one in the settings.

French is the source language, yet it has a catalog too (``..._fr.ts``): the plural forms
of ``%n`` strings ("1 essai", "2 essais") and the few strings of Qt's own dialogs that
Qt's ``qtbase_fr`` lacks. A language switch applies to every open window at once:
:func:`retranslate_windows` maps each visible text back to its source through the
catalogs and translates it again.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import defusedxml.ElementTree as SafeET
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTabWidget,
    QTreeWidget,
    QWidget,
)

from client.paths import app_paths, private_dir

__all__ = [
    "CATALOG_PREFIX",
    "LANGUAGES",
    "compile_catalogs",
    "compiled_catalog",
    "i18n_dir",
    "install_language",
    "resolve_language",
    "retranslate_windows",
]

logger = logging.getLogger(__name__)

CATALOG_PREFIX = "mssante_companion"
#: Language code -> name shown in the settings (in that language).
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}
SOURCE_LANGUAGE = "fr"

_installed: list[QTranslator] = []
# The installed language and the one before it (for retranslate_windows).
_current: list[str] = [SOURCE_LANGUAGE]
_previous: list[str] = [SOURCE_LANGUAGE]


def i18n_dir() -> Path:
    """``resources/i18n`` of the source tree or of the installed bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources" / "i18n"
    return Path(__file__).resolve().parent.parent / "resources" / "i18n"


def _lrelease() -> str | None:
    beside = Path(sys.executable).with_name("pyside6-lrelease")
    if beside.exists():
        return str(beside)
    return shutil.which("pyside6-lrelease") or shutil.which("lrelease")


def compiled_catalog(language: str) -> Path | None:
    """Path of an up-to-date ``.qm`` for ``language``, compiling it if needed."""
    ts = i18n_dir() / f"{CATALOG_PREFIX}_{language}.ts"
    qm = ts.with_suffix(".qm")
    if not ts.exists():
        return qm if qm.exists() else None
    if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
        return qm
    tool = _lrelease()
    if tool is None:
        logger.warning("pyside6-lrelease not found: interface stays in French")
        return qm if qm.exists() else None
    cache = app_paths().cache / "i18n" / qm.name
    for target in (qm, cache):
        try:
            if target is cache:
                private_dir(target.parent)  # the app's cache: owner-only, parents too
            subprocess.run(  # noqa: S603 - fixed tool, our own files
                [tool, "-silent", str(ts), "-qm", str(target)],
                check=True, capture_output=True, timeout=60,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            logger.debug("cannot compile %s into %s: %s", ts, target, exc)
            continue
        if target.exists():
            return target
    return None


def compile_catalogs() -> list[Path]:
    """Compile every ``.ts`` (the project's build step); return the ``.qm`` paths."""
    built = []
    for ts in sorted(i18n_dir().glob(f"{CATALOG_PREFIX}_*.ts")):
        language = ts.stem.removeprefix(f"{CATALOG_PREFIX}_")
        qm = compiled_catalog(language)
        if qm is not None:
            built.append(qm)
    return built


def resolve_language(preference: str | None) -> str:
    """The language to use: the user's choice, else the system's when we have it."""
    if preference in LANGUAGES:
        return preference
    system = QLocale.system().name().split("_")[0]
    return system if system in LANGUAGES else SOURCE_LANGUAGE


def install_language(preference: str | None = None) -> str:
    """Install the translators for ``preference`` (None: system); return the language."""
    app = QCoreApplication.instance()
    language = resolve_language(preference)
    # Dates and numbers follow the interface language (French dates in French).
    QLocale.setDefault(QLocale(language))
    if app is None:
        return language
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    qt_catalog_language = language
    qm = compiled_catalog(language)
    translator = QTranslator(app)
    if qm is not None and translator.load(str(qm)):
        app.installTranslator(translator)
        _installed.append(translator)
    elif language != SOURCE_LANGUAGE:
        logger.warning("no catalog for %s: interface stays in French", language)
    # Qt's own strings (standard buttons, context menus).
    qt_translator = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_translator.load(f"qtbase_{qt_catalog_language}", qt_dir):
        app.installTranslator(qt_translator)
        _installed.append(qt_translator)
    _previous[0], _current[0] = _current[0], language
    return language


# -- switching the language of open windows ------------------------------------------------
@cache
def _catalog(language: str) -> tuple[dict[str, str], dict[str, str]]:
    """``(translation -> source, source -> context)`` of a ``.ts`` catalog."""
    back: dict[str, str] = {}
    contexts: dict[str, str] = {}
    ts = i18n_dir() / f"{CATALOG_PREFIX}_{language}.ts"
    if not ts.exists():
        return back, contexts
    for context in SafeET.parse(ts).iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            contexts.setdefault(source, name)
            node = message.find("translation")
            if node is None or message.get("numerus") == "yes":
                continue  # plural strings carry a number: their widgets refresh themselves
            if node.text:
                back.setdefault(node.text, source)
    return back, contexts


def _retranslated(text: str, previous: str) -> str | None:
    """``text`` shown in ``previous`` language, in the installed language (None: unknown)."""
    if not text:
        return None
    back = _catalog(previous)[0] if previous != SOURCE_LANGUAGE else {}
    source = back.get(text, text)
    context = None
    for language in ("en", *(code for code in LANGUAGES if code != "en")):
        context = _catalog(language)[1].get(source)
        if context is not None:
            break
    if context is None:
        return None
    return QCoreApplication.translate(context, source)


def _retranslate_object(item: QObject, previous: str) -> int:
    changed = 0

    def swap(getter: object, setter: object) -> None:
        nonlocal changed
        old = getter() if callable(getter) else ""
        new = _retranslated(str(old), previous)
        if new is not None and new != old and callable(setter):
            setter(new)
            changed += 1

    if isinstance(item, QWidget):
        swap(item.windowTitle, item.setWindowTitle)
        swap(item.toolTip, item.setToolTip)
        swap(item.accessibleName, item.setAccessibleName)
        if isinstance(item, QLabel | QAbstractButton):
            swap(item.text, item.setText)
        if isinstance(item, QLineEdit):
            swap(item.placeholderText, item.setPlaceholderText)
        if isinstance(item, QGroupBox):
            swap(item.title, item.setTitle)
        if isinstance(item, QMenu):
            swap(item.title, item.setTitle)
        if isinstance(item, QTabWidget):
            for index in range(item.count()):
                swap(lambda i=index: item.tabText(i),
                     lambda text, i=index: item.setTabText(i, text))
        if isinstance(item, QComboBox):
            for index in range(item.count()):
                swap(lambda i=index: item.itemText(i),
                     lambda text, i=index: item.setItemText(i, text))
        if isinstance(item, QTreeWidget):
            # Column titles (the outbox, the security log): items, not widgets.
            header = item.headerItem()
            for column in range(header.columnCount()):
                swap(lambda c=column: header.text(c),
                     lambda text, c=column: header.setText(c, text))
    elif isinstance(item, QAction):
        swap(item.text, item.setText)
        swap(item.iconText, item.setIconText)  # a toolbar's shorter label, when it has one
        swap(item.toolTip, item.setToolTip)
    return changed


def retranslate_windows(previous: str | None = None) -> int:
    """Translate again every open window's texts after :func:`install_language`.

    The windows build their texts once with ``tr()``; each text is mapped back to its
    French source through the catalog of the ``previous`` language (default: the one
    before the last switch) and translated into the installed one. Texts built from
    data (a name, a count) are not in the catalogs and refresh with their data.
    Returns how many texts changed.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return 0
    before = previous if previous is not None else _previous[0]
    changed = 0
    for window in app.topLevelWidgets():
        for item in [window, *window.findChildren(QObject)]:
            changed += _retranslate_object(item, before)
    return changed
