"""A window that shows an attachment inside the app: PDF, image, text, CDA, IHE XDM.

Everything is shown from the bytes in memory; nothing is written unless the user picks
"Enregistrer sous…". An ``IHE_XDM.ZIP`` shows the patient and one tab per document (CDA
in the reading view, PDF in the PDF view, other files listed), plus the package's file
list; a package that cannot be read says why and can still be saved.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from client.mail.opening import classify, save_copy
from client.xdm import XdmError, read_xdm
from client.xdm.cda_render import EmbeddedFile
from ui.cda_view import CdaView
from ui.pdf_view import PdfUnreadable, PdfView
from ui.screen_fit import fit_to_screen
from ui.wording import describe_error

__all__ = ["DocumentViewer"]

logger = logging.getLogger(__name__)


class _ImageView(QScrollArea):
    def __init__(self, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageView")
        self.image = QImage.fromData(data)
        label = QLabel(self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if self.image.isNull():
            label.setText(self.tr("Cette image ne peut pas être affichée (format inconnu "
                                  "ou fichier endommagé)."))
        else:
            label.setPixmap(QPixmap.fromImage(self.image))
        self.setWidget(label)
        self.setWidgetResizable(True)


class _TextView(QPlainTextEdit):
    def __init__(self, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("textView")
        self.setReadOnly(True)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        self.setPlainText(text)


class DocumentViewer(QMainWindow):
    """One attachment shown in the app."""

    saved = Signal(object)  # Path

    def __init__(self, filename: str, content_type: str, data: bytes,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentViewer")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.filename = filename
        self.data = data
        self.kind = classify(filename, content_type, data).kind
        self.setWindowTitle(filename)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Enregistrer sous…"), central)
        self.save_button.setObjectName("viewerSave")
        self.save_button.clicked.connect(self.save_as)
        self.print_button = QPushButton(self.tr("Imprimer…"), central)
        self.print_button.setObjectName("viewerPrint")
        self.print_button.clicked.connect(self.print_dialog)
        row.addStretch(1)
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.content = self._content(filename, content_type, data, central)
        layout.addWidget(self.content, 1)
        self.setCentralWidget(central)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_dialog)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self, self.close)
        self.resize(860, 900)
        # A page's height is taller than a small laptop's screen: keep the frame on it.
        fit_to_screen(self, near=parent)

    # -- content -----------------------------------------------------------------------
    def _content(self, filename: str, content_type: str, data: bytes,
                 parent: QWidget) -> QWidget:
        kind = self.kind
        if kind == "pdf":
            return self._pdf(data, parent)
        if kind == "image":
            return _ImageView(data, parent)
        if kind == "text":
            return _TextView(data, parent)
        if kind == "cda":
            return self._cda(data, parent)
        if kind == "xdm":
            return self._xdm(data, parent)
        return self._message(self.tr("Ce fichier ne peut pas être affiché dans "
                                     "l'application."), parent)

    def _message(self, text: str, parent: QWidget) -> QWidget:
        label = QLabel(text, parent)
        label.setObjectName("viewerMessage")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label

    def _pdf(self, data: bytes, parent: QWidget) -> QWidget:
        try:
            return PdfView(data, parent)
        except PdfUnreadable:
            logger.warning("a PDF attachment could not be opened by PDFium")
            return self._message(self.tr("Ce PDF ne peut pas être affiché (fichier "
                                         "endommagé ou protégé). Vous pouvez "
                                         "l'enregistrer."), parent)

    def _cda(self, data: bytes, parent: QWidget) -> QWidget:
        view = CdaView(data, parent)
        view.embedded_requested.connect(self._show_embedded)
        return view

    def _show_embedded(self, embedded: EmbeddedFile) -> None:
        tabs = self.content if isinstance(self.content, QTabWidget) else None
        widget = self._pdf(embedded.data, self)
        if tabs is not None:
            tabs.setCurrentIndex(tabs.addTab(widget, self.tr("PDF du document")))
        else:
            viewer = DocumentViewer(Path(self.filename).stem + ".pdf", embedded.media_type,
                                    embedded.data, self)
            viewer.show()

    def _xdm(self, data: bytes, parent: QWidget) -> QWidget:
        try:
            package = read_xdm(data)
        except XdmError as exc:
            logger.warning("an XDM package could not be read (%s)", type(exc).__name__)
            return self._message(
                self.tr("Ce paquet IHE XDM ne peut pas être lu : %1 Vous pouvez "
                        "l'enregistrer.").replace("%1", describe_error(exc)), parent)
        tabs = QTabWidget(parent)
        tabs.setObjectName("xdmTabs")
        for document in package.documents:
            name = Path(document.entry.uri or "document").name
            title = document.title or name
            if document.cda is not None or classify(name, document.entry.mime_type,
                                                    document.data).kind == "cda":
                view = CdaView(document.data, tabs)
                view.embedded_requested.connect(self._show_embedded)
                tabs.addTab(view, title)
            elif classify(name, document.entry.mime_type, document.data).kind == "pdf":
                tabs.addTab(self._pdf(document.data, tabs), title)
            else:
                tabs.addTab(self._message(
                    self.tr("%1 : ce document ne peut pas être affiché dans "
                            "l'application.").replace("%1", name), tabs), title)
        contents = QWidget(tabs)
        box = QVBoxLayout(contents)
        patient = package.patient
        summary = QLabel(contents)
        summary.setObjectName("xdmPatient")
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        summary.setText(self.tr("Patient : %1 — INS %2").replace(
            "%1", patient.display_name).replace("%2", patient.ins))
        box.addWidget(summary)
        files = QListWidget(contents)
        files.setObjectName("xdmFiles")
        for name in package.members:
            files.addItem(name)
        box.addWidget(files, 1)
        tabs.addTab(contents, self.tr("Contenu du paquet"))
        return tabs

    # -- actions -----------------------------------------------------------------------
    def current_view(self) -> QWidget:
        """The widget the user sees (the current tab of a package)."""
        if isinstance(self.content, QTabWidget):
            return self.content.currentWidget() or self.content
        return self.content

    def save_as(self) -> Path | None:
        """Ask where, then write the attachment (0600)."""
        from client.mail.attachments import assess_filename

        name = assess_filename(self.filename, 0, self.data).name  # the sender's, made safe
        target, _ = QFileDialog.getSaveFileName(
            self, self.tr("Enregistrer la pièce jointe"), str(Path.home() / name))
        if not target:
            return None
        path = save_copy(Path(target), self.data)
        self.saved.emit(path)
        return path

    def print_dialog(self) -> None:
        """The print dialog, then print what is shown."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Print the current view on ``printer``."""
        view = self.current_view()
        if isinstance(view, PdfView | CdaView):
            view.print_to(printer)
        elif isinstance(view, QPlainTextEdit):
            view.document().print_(printer)
        elif isinstance(view, _ImageView) and not view.image.isNull():
            from PySide6.QtGui import QPainter

            painter = QPainter(printer)
            area = printer.pageRect(QPrinter.Unit.DevicePixel).size().toSize()
            painter.drawImage(0, 0, view.image.scaled(area, Qt.AspectRatioMode.KeepAspectRatio))
            painter.end()
