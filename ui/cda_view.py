"""The reading view of a CDA document: header and narrative, from memory.

The HTML comes from :func:`client.xdm.cda_render.render_cda`, which writes only its own
fixed set of tags; the browser here adds a second barrier (no resource is ever loaded,
links are inert). A level 1 document's PDF opens in :class:`ui.pdf_view.PdfView`.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QUrl, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from client.xdm.cda_render import EmbeddedFile, RenderedCda, RenderLabels, render_cda
from client.xdm.errors import CdaRefused
from ui.wording import describe_error

__all__ = ["CdaView", "render_labels"]

logger = logging.getLogger(__name__)


def render_labels() -> RenderLabels:
    """The renderer's words in the interface language."""
    return RenderLabels(
        patient=QCoreApplication.translate("CdaView", "Patient"),
        ins=QCoreApplication.translate("CdaView", "INS"),
        birth=QCoreApplication.translate("CdaView", "Né(e) le"),
        author=QCoreApplication.translate("CdaView", "Auteur"),
        organization=QCoreApplication.translate("CdaView", "Organisation"),
        date=QCoreApplication.translate("CdaView", "Date"),
        document_type=QCoreApplication.translate("CdaView", "Type de document"),
        media=QCoreApplication.translate("CdaView", "[contenu multimédia non affiché]"),
        link=QCoreApplication.translate("CdaView", "lien"),
        test_identity=QCoreApplication.translate("CdaView", "identité de test"),
        embedded=QCoreApplication.translate(
            "CdaView", "Ce document contient un fichier joint ({media}) affiché à part."),
    )


class _InertBrowser(QTextBrowser):
    """Loads nothing (no network, no file, not even ``data:``) and follows no link."""

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        """Nothing is ever fetched."""
        return None


class CdaView(QWidget):
    """A CDA document, or the reason it is not shown."""

    #: The level 1 document's file, to show in the PDF view.
    embedded_requested = Signal(object)

    def __init__(self, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cdaView")
        self.rendered: RenderedCda | None = None
        self.error = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.browser = _InertBrowser(self)
        self.browser.setObjectName("cdaBody")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setAccessibleName(self.tr("Document CDA"))
        self.refusal = QLabel(self)
        self.refusal.setObjectName("cdaRefused")
        self.refusal.setWordWrap(True)
        self.embedded_button = QPushButton(self.tr("Afficher le PDF du document"), self)
        self.embedded_button.setObjectName("cdaEmbedded")
        self.embedded_button.hide()
        layout.addWidget(self.refusal)
        layout.addWidget(self.embedded_button)
        layout.addWidget(self.browser, 1)
        try:
            self.rendered = render_cda(data, render_labels())
        except CdaRefused as exc:
            logger.warning("a CDA document was refused (%s)", exc.reason)
            self.error = describe_error(exc)
            self.refusal.setText(self.error)
            self.browser.hide()
            return
        self.refusal.hide()
        document = QTextDocument(self.browser)
        document.setHtml(self.rendered.to_html())
        self.browser.setDocument(document)
        embedded = self.rendered.embedded
        if embedded is not None and embedded.media_type == "application/pdf":
            self.embedded_button.show()
            self.embedded_button.clicked.connect(
                lambda: self.embedded_requested.emit(embedded))

    @property
    def embedded(self) -> EmbeddedFile | None:
        """The level 1 document's file, if any."""
        return self.rendered.embedded if self.rendered is not None else None

    def text(self) -> str:
        """The document as displayed (tests, accessibility)."""
        return self.browser.toPlainText() if self.rendered is not None else self.error

    def print_to(self, printer: QPrinter) -> None:
        """Print the document as shown."""
        self.browser.document().print_(printer)
