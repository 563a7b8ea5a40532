"""Icons of the app, from ``resources/icons/*.svg`` (Qt's SVG plugin renders them)."""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

from PySide6.QtGui import QIcon

__all__ = ["APP_ICON", "icon", "icons_dir"]

logger = logging.getLogger(__name__)

APP_ICON = "mssante-companion"


def icons_dir() -> Path:
    """``resources/icons`` of the source tree or of the installed bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources" / "icons"
    return Path(__file__).resolve().parent.parent / "resources" / "icons"


@functools.cache
def icon(name: str) -> QIcon:
    """The icon ``name`` (file stem); an empty icon when the file is missing."""
    path = icons_dir() / f"{name}.svg"
    if not path.exists():
        logger.debug("icon %s missing", name)
        return QIcon()
    return QIcon(str(path))
