"""Windows open inside the screen: a saved geometry from a larger or absent monitor, or a
default size bigger than a small laptop screen, is brought back within the available
area (the screen minus task bars)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

__all__ = ["fit_rect", "fit_to_screen"]

logger = logging.getLogger(__name__)


def fit_rect(window: QRect, available: QRect) -> QRect:
    """``window`` shrunk to ``available`` if larger, then moved inside it."""
    width = min(window.width(), available.width())
    height = min(window.height(), available.height())
    x = min(max(window.x(), available.x()), available.x() + available.width() - width)
    y = min(max(window.y(), available.y()), available.y() + available.height() - height)
    return QRect(x, y, width, height)


def fit_to_screen(widget: QWidget, near: QWidget | None = None) -> None:
    """Keep ``widget``'s frame inside the screen it is on (or ``near``'s, or the
    primary screen); call before ``show()`` or right after a geometry restore."""
    screen = None
    if near is not None:
        screen = near.screen()
    if screen is None:
        screen = QGuiApplication.screenAt(widget.geometry().center())
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    if screen is None:
        return
    available = screen.availableGeometry()
    frame = widget.frameGeometry()
    margins_w = frame.width() - widget.width()
    margins_h = frame.height() - widget.height()
    fitted = fit_rect(frame, available)
    if fitted != frame:
        widget.resize(max(fitted.width() - margins_w, 200), max(fitted.height() - margins_h, 150))
        widget.move(fitted.topLeft())
