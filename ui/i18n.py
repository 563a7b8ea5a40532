"""Interface language: French source strings, English translation from Qt Linguist files.

Sources are written in French with ``tr()``; ``resources/i18n/mssante_companion_<lang>.ts``
holds the translations (edited with Qt Linguist, refreshed with ``pyside6-lupdate``).
The compiled ``.qm`` files are built by the project, not committed: :func:`compiled_catalog`
runs ``pyside6-lrelease`` (shipped with PySide6-Essentials) when the ``.qm`` beside the
``.ts`` is missing or older, writing into the app cache when the install is read-only.
The language follows the system unless the user chose one in the settings.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from client.paths import app_paths

__all__ = [
    "CATALOG_PREFIX",
    "LANGUAGES",
    "compile_catalogs",
    "compiled_catalog",
    "i18n_dir",
    "install_language",
    "resolve_language",
]

logger = logging.getLogger(__name__)

CATALOG_PREFIX = "mssante_companion"
#: Language code -> name shown in the settings (in that language).
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}
SOURCE_LANGUAGE = "fr"

_installed: list[QTranslator] = []


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
    for target in (qm, app_paths().cache / "i18n" / qm.name):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
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
    if language == SOURCE_LANGUAGE:
        qt_catalog_language = "fr"
    else:
        qt_catalog_language = language
        qm = compiled_catalog(language)
        translator = QTranslator(app)
        if qm is not None and translator.load(str(qm)):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            logger.warning("no catalog for %s: interface stays in French", language)
    # Qt's own strings (standard buttons, context menus).
    qt_translator = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_translator.load(f"qtbase_{qt_catalog_language}", qt_dir):
        app.installTranslator(qt_translator)
        _installed.append(qt_translator)
    return language
