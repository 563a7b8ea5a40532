"""An in-app PDF viewer: pages, zoom, print, from memory.

Rendering is pypdfium2 (PDFium, the engine of Chromium's viewer): a 4 MB wheel per
platform under a permissive licence, fast, and built without PDFium's JavaScript and
XFA engines, so a PDF's scripts never run. QtPdf would need PySide6-Addons (hundreds of
MB). The document is opened from bytes: it never touches the disk. PDFium is not
thread-safe and renders a page in tens of milliseconds: it runs on the GUI thread, one
page at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

__all__ = ["PdfUnreadable", "PdfView", "render_page", "render_pixmap"]

logger = logging.getLogger(__name__)
T = TypeVar("T")

ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
#: Screen pixels per PDF point at 100 % (PDF points are 1/72 inch; screens ~96 dpi).
SCREEN_SCALE = 96 / 72
PRINT_DPI = 200


class PdfUnreadable(Exception):
    """The bytes are not a PDF PDFium can open (damaged, encrypted, not a PDF)."""


def _rendered(document: pdfium.PdfDocument, index: int, scale: float,
              convert: Callable[[QImage], T]) -> T:
    page = document[index]
    try:
        bitmap = page.render(scale=scale, prefer_bgrx=True, may_draw_forms=False)
        try:
            # A view on PDFium's buffer (no copy); ``convert`` makes what outlives it.
            image = QImage(memoryview(bitmap.buffer).cast("B"), bitmap.width, bitmap.height,
                           bitmap.stride, QImage.Format.Format_RGB32)
            return convert(image)
        finally:
            bitmap.close()
    finally:
        page.close()


def render_page(document: pdfium.PdfDocument, index: int, scale: float) -> QImage:
    """Page ``index`` of ``document`` as a QImage (owning its pixels) at ``scale`` pixels
    per point."""
    return _rendered(document, index, scale, QImage.copy)


def render_pixmap(document: pdfium.PdfDocument, index: int, scale: float) -> QPixmap:
    """Page ``index`` as the pixmap the viewer shows (one conversion, no extra copy)."""
    return _rendered(document, index, scale, QPixmap.fromImage)


class PdfView(QWidget):
    """One PDF: previous/next, page number, zoom, and printing."""

    page_changed = Signal(int)

    def __init__(self, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfView")
        try:
            self.document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise PdfUnreadable(str(exc)) from exc
        self.page_count = len(self.document)
        if self.page_count == 0:
            self.document.close()
            raise PdfUnreadable("no page")
        self.page = 0
        self.zoom = 1.0

        bar = QHBoxLayout()
        self.previous_button = QPushButton(self.tr("Page précédente"), self)
        self.previous_button.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next_button = QPushButton(self.tr("Page suivante"), self)
        self.next_button.clicked.connect(lambda: self.show_page(self.page + 1))
        self.page_box = QSpinBox(self)
        self.page_box.setObjectName("pdfPage")
        self.page_box.setRange(1, self.page_count)
        self.page_box.setAccessibleName(self.tr("Numéro de page"))
        self.page_box.valueChanged.connect(lambda n: self.show_page(n - 1))
        self.count_label = QLabel(self.tr("sur %1").replace("%1", str(self.page_count)), self)
        self.zoom_out_button = QPushButton(self.tr("Zoom −"), self)
        self.zoom_out_button.clicked.connect(lambda: self.step_zoom(-1))
        self.zoom_label = QLabel(self)
        self.zoom_label.setObjectName("pdfZoom")
        self.zoom_in_button = QPushButton(self.tr("Zoom +"), self)
        self.zoom_in_button.clicked.connect(lambda: self.step_zoom(1))
        for widget in (self.previous_button, self.page_box, self.count_label,
                       self.next_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.zoom_out_button, self.zoom_label, self.zoom_in_button):
            bar.addWidget(widget)

        self.canvas = QLabel(self)
        self.canvas.setObjectName("pdfCanvas")
        self.canvas.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.canvas.setAccessibleName(self.tr("Page du document PDF"))
        self.scroller = QScrollArea(self)
        self.scroller.setWidget(self.canvas)
        self.scroller.setWidgetResizable(True)
        self.scroller.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.scroller, 1)
        self.show_page(0)

    def show_page(self, index: int) -> None:
        """Render page ``index`` (clamped) at the current zoom."""
        index = max(0, min(index, self.page_count - 1))
        self.page = index
        self.canvas.setPixmap(render_pixmap(self.document, index, self.zoom * SCREEN_SCALE))
        self.page_box.blockSignals(True)
        self.page_box.setValue(index + 1)
        self.page_box.blockSignals(False)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < self.page_count - 1)
        self.zoom_label.setText(f"{round(self.zoom * 100)} %")
        self.page_changed.emit(index)

    def set_zoom(self, zoom: float) -> None:
        """Zoom to ``zoom`` (1.0 = 100 %)."""
        self.zoom = max(ZOOMS[0], min(zoom, ZOOMS[-1]))
        self.show_page(self.page)

    def step_zoom(self, direction: int) -> None:
        """The next zoom step up (1) or down (-1)."""
        steps = [z for z in ZOOMS if (z > self.zoom if direction > 0 else z < self.zoom)]
        if steps:
            self.set_zoom(steps[0] if direction > 0 else steps[-1])

    def current_image(self) -> QImage:
        """The page as shown (tests, screenshots)."""
        return self.canvas.pixmap().toImage()

    def print_to(self, printer: QPrinter) -> None:
        """Print every page, each scaled to the printable area."""
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError("the printer could not be opened")
        try:
            area = printer.pageRect(QPrinter.Unit.DevicePixel)
            for index in range(self.page_count):
                if index:
                    printer.newPage()
                image = render_page(self.document, index, PRINT_DPI / 72)
                size = image.size().scaled(int(area.width()), int(area.height()),
                                           Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRectF(0, 0, size.width(), size.height()), image)
        finally:
            painter.end()
