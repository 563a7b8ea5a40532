"""Follow the system's light or dark appearance (Qt 6.5+ ``QStyleHints.colorScheme``).

Native styles (Windows 11, macOS) already follow it; with Fusion (Linux, offscreen) the
app sets a matching palette and switches when the system does.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

__all__ = ["apply_system_palette", "dark_palette", "follow_system_palette"]

logger = logging.getLogger(__name__)


def dark_palette() -> QPalette:
    """A readable dark palette for Fusion."""
    palette = QPalette()
    role = QPalette.ColorRole
    base, window, text = QColor(30, 31, 34), QColor(43, 45, 48), QColor(230, 230, 230)
    for r, color in (
        (role.Window, window), (role.WindowText, text), (role.Base, base),
        (role.AlternateBase, QColor(37, 38, 41)), (role.ToolTipBase, window),
        (role.ToolTipText, text), (role.Text, text), (role.Button, window),
        (role.ButtonText, text), (role.BrightText, QColor(255, 120, 120)),
        (role.Link, QColor(138, 180, 248)), (role.Highlight, QColor(26, 115, 232)),
        (role.HighlightedText, QColor(255, 255, 255)),
        (role.PlaceholderText, QColor(150, 150, 150)),
    ):
        palette.setColor(r, color)
    palette.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(120, 120, 120))
    palette.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor(120, 120, 120))
    palette.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor(120, 120, 120))
    return palette


def apply_system_palette(app: QApplication) -> str:
    """Apply the palette for the current scheme; return ``"dark"`` or ``"light"``."""
    scheme = QGuiApplication.styleHints().colorScheme()
    dark = scheme == Qt.ColorScheme.Dark
    if app.style().name().lower() == "fusion":
        app.setPalette(dark_palette() if dark else app.style().standardPalette())
    return "dark" if dark else "light"


def follow_system_palette(app: QApplication) -> None:
    """Apply now and on every system change."""
    apply_system_palette(app)
    QGuiApplication.styleHints().colorSchemeChanged.connect(
        lambda _scheme: apply_system_palette(app))
