"""Printing a message (QtPrintSupport): the print dialog, and "Exporter en PDF".

The printed page is the message as the reading pane shows it: a header block (subject,
sender, recipients, date) and the body already sanitised by ``client.mail.reading``
(no script, no remote image: a QTextDocument fetches nothing from the network).
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from ui.backend import MessageView

__all__ = ["export_pdf", "message_document", "print_message"]

logger = logging.getLogger(__name__)


def message_document(view: MessageView) -> QTextDocument:
    """The message laid out for paper."""
    translate = QCoreApplication.translate
    rows = [(translate("printing", "De :"), view.sender), (translate("printing", "À :"), view.to)]
    if view.cc:
        rows.append((translate("printing", "Cc :"), view.cc))
    if view.date is not None:
        rows.append((translate("printing", "Date :"),
                     QLocale().toString(QDateTime(view.date.astimezone()),
                                        QLocale.FormatType.LongFormat)))
    if view.attachments:
        rows.append((translate("printing", "Pièces jointes :"),
                     ", ".join(a.filename for a in view.attachments)))
    header = "".join(
        f"<tr><td><b>{html.escape(name)}</b></td><td>{html.escape(value)}</td></tr>"
        for name, value in rows
    )
    body = view.html or f"<pre>{html.escape(view.text)}</pre>"
    document = QTextDocument()
    document.setHtml(
        f"<h2>{html.escape(view.subject)}</h2><table cellspacing='4'>{header}</table>"
        f"<hr/>{body}"
    )
    return document


def _a4(printer: QPrinter) -> None:
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)


def export_pdf(view: MessageView, target: Path) -> Path:
    """Write the message as a PDF file at ``target``."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    printer.setDocName(view.subject)
    _a4(printer)
    message_document(view).print_(printer)
    return target


def print_message(view: MessageView, parent: QWidget | None = None) -> QPrintDialog:
    """Open the print dialog (window-modal); the message prints when it is accepted."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(view.subject)
    _a4(printer)
    dialog = QPrintDialog(printer, parent)
    dialog.setObjectName("printDialog")
    document = message_document(view)

    def finished(result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            document.print_(printer)
        dialog.deleteLater()

    dialog.finished.connect(finished)
    # QPrintDialog.open() takes a receiver in PySide6; show() window-modal is the same.
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog
