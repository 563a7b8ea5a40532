"""The reading pane: a sanitised message, its attachments and its banners.

The HTML comes sanitised by ``client`` (nh3, remote content removed unless allowed for
this message). The pane adds a second barrier: :class:`_SafeBrowser` never loads a
resource itself (no network, no local file), so a stray remote image cannot phone home.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, QEvent, QLocale, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.backend import MessageView
from ui.icons import icon
from ui.message_model import display_subject
from ui.receipt_bar import ReceiptBar, ReceiptNotice

__all__ = ["ReadingPane"]

logger = logging.getLogger(__name__)


class _SafeBrowser(QTextBrowser):
    """A text browser that loads no external resource and opens links only on request."""

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        """Only inline ``data:`` images; nothing from the network or the disk."""
        target = url if isinstance(url, QUrl) else QUrl(url)
        if target.scheme() == "data":
            return super().loadResource(kind, target)
        return None


class _Banner(QFrame):
    """A coloured strip with a message and an optional button."""

    def __init__(self, name: str, button_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.icon = QLabel(self)
        layout.addWidget(self.icon)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.button: QPushButton | None = None
        if button_text:
            self.button = QPushButton(button_text, self)
            layout.addWidget(self.button)
        self.hide()


class ReadingPane(QWidget):
    """Shows one :class:`MessageView`."""

    allow_remote_requested = Signal(str, int)
    open_attachment_requested = Signal(str, int, int)
    save_attachment_requested = Signal(str, int, int)
    reply_requested = Signal()
    #: (folder, uid, send, confirmed_mismatch): the user answered a receipt request.
    receipt_answered = Signal(str, int, bool, bool)
    #: (folder, uid): show another message (a receipt's original).
    open_message_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingPane")
        self.view: MessageView | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.header = QLabel(self)
        self.header.setObjectName("messageHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.header.setAccessibleName(self.tr("En-tête du message"))
        layout.addWidget(self.header)

        self.receipt_bar = ReceiptBar(parent=self)
        self.receipt_bar.answered.connect(self._receipt_answered)
        layout.addWidget(self.receipt_bar)
        self.receipt_notice = ReceiptNotice(self)
        self.receipt_notice.open_original.connect(self.open_message_requested)
        layout.addWidget(self.receipt_notice)

        self.structured_banner = _Banner("structuredBanner",
                                         self.tr("Afficher le document"), self)
        self.structured_banner.icon.setPixmap(icon("structured").pixmap(16, 16))
        if self.structured_banner.button is not None:
            self.structured_banner.button.clicked.connect(self._open_structured)
        layout.addWidget(self.structured_banner)

        self.remote_bar = _Banner(
            "remoteContentBar", self.tr("Afficher le contenu distant"), self
        )
        self.remote_bar.label.setText(
            self.tr("Le contenu distant (images, suivi) de ce message a été bloqué "
                    "pour protéger votre confidentialité.")
        )
        if self.remote_bar.button is not None:
            self.remote_bar.button.clicked.connect(self._allow_remote)
        layout.addWidget(self.remote_bar)

        self.body = _SafeBrowser(self)
        self.body.setObjectName("messageBody")
        self.body.setOpenLinks(False)
        self.body.setAccessibleName(self.tr("Corps du message"))
        self.body.anchorClicked.connect(self._open_link)
        layout.addWidget(self.body, 1)

        self.attachments = QListWidget(self)
        self.attachments.setObjectName("attachmentList")
        self.attachments.setAccessibleName(self.tr("Pièces jointes"))
        self.attachments.setMaximumHeight(90)
        self.attachments.itemActivated.connect(lambda _item: self._open_selected())
        row = QHBoxLayout()
        row.addWidget(self.attachments, 1)
        buttons = QVBoxLayout()
        self.open_button = QPushButton(self.tr("Ouvrir"), self)
        self.open_button.clicked.connect(self._open_selected)
        self.save_button = QPushButton(self.tr("Enregistrer…"), self)
        self.save_button.clicked.connect(self._save_selected)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        self.attachment_row = QWidget(self)
        self.attachment_row.setLayout(row)
        layout.addWidget(self.attachment_row)
        self.clear()

    def clear(self) -> None:
        """Show nothing (no message selected, or locked)."""
        self.view = None
        self.header.setText("")
        self.body.clear()
        self.attachments.clear()
        self.attachment_row.hide()
        self.remote_bar.hide()
        self.structured_banner.hide()
        self.receipt_bar.show_request(None)
        self.receipt_notice.hide()

    def changeEvent(self, event: QEvent) -> None:
        """The language switch shows the open message again: its labels, date and sizes
        are built with the message's data, so the retranslation of widgets misses them."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange and self.view is not None:
            self.show_message(self.view)

    def show_message(self, view: MessageView) -> None:
        """Display ``view``."""
        self.view = view
        def esc(text: str) -> str:
            return html.escape(text, quote=False)

        from_label, to_label = self.tr("De"), self.tr("À")
        cc_label, date_label = self.tr("Cc"), self.tr("Date")
        # Shown in the user's time zone, like the message list (a Date header carries the
        # sender's offset).
        date = (QLocale().toString(QDateTime(view.date.astimezone()), "dddd d MMMM yyyy, HH:mm")
                if view.date else "")
        # French puts a space before the colon, English does not: the pattern is translated.
        field = self.tr("%1 : %2")

        def line(label: str, value: str) -> str:
            return field.replace("%1", esc(label)).replace("%2", esc(value))

        lines = [f"<b style='font-size:large'>{esc(display_subject(view.subject))}</b>",
                 line(from_label, view.sender)]
        if view.to:
            lines.append(line(to_label, view.to))
        if view.cc:
            lines.append(line(cc_label, view.cc))
        if date:
            lines.append(line(date_label, date))
        self.header.setText("<br>".join(lines))

        document = QTextDocument(self.body)
        if view.html:
            document.setHtml(view.html)
        else:
            document.setPlainText(view.text)
        self.body.setDocument(document)

        self.remote_bar.setVisible(view.remote_content_blocked)
        self.receipt_bar.show_request(view.receipt_request)
        if view.receipt is not None:
            self.receipt_notice.show_receipt(view.receipt)
        else:
            self.receipt_notice.show_read_by(view.read_by)
        if view.structured is not None:
            text = self.tr("Document structuré pour %1").replace("%1", view.structured.patient)
            if view.structured.ins:
                text += f" — INS {view.structured.ins}"
            if view.structured.title:
                text += f" — {view.structured.title}"
            self.structured_banner.label.setText(text)
            self.structured_banner.show()
        else:
            self.structured_banner.hide()

        from client.mail.attachments import safe_filename

        self.attachments.clear()
        for attachment in view.attachments:
            # The name saving and opening use: a format character (U+202E) would show
            # "ordonnance<RLO>fdp.exe" as "ordonnanceexe.pdf".
            name = safe_filename(attachment.filename, attachment.index)
            item = QListWidgetItem(icon("attachment"), f"{name} ({_size(attachment.size)})")
            item.setData(Qt.ItemDataRole.UserRole, attachment.index)
            self.attachments.addItem(item)
        self.attachment_row.setVisible(bool(view.attachments))
        if view.attachments:
            self.attachments.setCurrentRow(0)

    def body_text(self) -> str:
        """The message text as displayed (tests, accessibility)."""
        return self.body.toPlainText()

    def _selected_index(self) -> int | None:
        item = self.attachments.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _open_selected(self) -> None:
        index = self._selected_index()
        if self.view is not None and index is not None:
            self.open_attachment_requested.emit(self.view.folder, self.view.uid, index)

    def _save_selected(self) -> None:
        index = self._selected_index()
        if self.view is not None and index is not None:
            self.save_attachment_requested.emit(self.view.folder, self.view.uid, index)

    def _open_structured(self) -> None:
        # The structured document (IHE XDM) opens in the app's CDA view.
        view = self.view
        if view is not None and view.structured is not None \
                and view.structured.attachment_index is not None:
            self.open_attachment_requested.emit(view.folder, view.uid,
                                                view.structured.attachment_index)

    def _receipt_answered(self, send: bool, confirmed_mismatch: bool) -> None:
        if self.view is not None:
            self.receipt_answered.emit(self.view.folder, self.view.uid, send,
                                       confirmed_mismatch)

    def _allow_remote(self) -> None:
        if self.view is not None:
            self.allow_remote_requested.emit(self.view.folder, self.view.uid)

    def _open_link(self, url: QUrl) -> None:
        # Links open in the system browser, never inside the app; only web and mail links.
        if url.scheme() in {"http", "https", "mailto"}:
            QDesktopServices.openUrl(url)


def _size(size: int) -> str:
    if size < 1024:
        return QCoreApplication.translate("ReadingPane", "%1 o").replace("%1", str(size))
    if size < 1024 * 1024:
        kilo = f"{size / 1024:.0f}"
        return QCoreApplication.translate("ReadingPane", "%1 Ko").replace("%1", kilo)
    return QCoreApplication.translate("ReadingPane", "%1 Mo").replace(
        "%1", f"{size / (1024 * 1024):.1f}")
