"""Read receipts in the reading pane: the request bar, and what came back.

- :class:`ReceiptBar` sits above a received message that asks for a read receipt:
  "Claire DUBOIS demande un accusé de lecture : Envoyer / Ignorer". Nothing is sent
  without a click. When the receipt would go to another address than the message's
  Return-Path (RFC 8098 section 2.1), a first click only says so and asks again. The
  user's preference (:class:`ReceiptPreference`: always ask / never send) is offered on
  the bar itself; the answer is remembered on the message by the service (``$MDNSent``).
- :class:`ReceiptNotice` says, on a receipt message, "Accusé de lecture : Claire DUBOIS a
  lu « Demande d'avis » le 29/11/2026 à 15:26" with a link to the original; on a sent
  message, who read it and when.
"""

from __future__ import annotations

import html
import logging
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QSettings, Qt, QTime, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from client.paths import app_paths
from ui.backend import ReadReceipt, ReceiptRequest
from ui.icons import icon

__all__ = ["RECEIPT_POLICIES", "ReceiptBar", "ReceiptNotice", "ReceiptPreference",
           "receipt_sentence"]

logger = logging.getLogger(__name__)

#: "ask": the bar asks for each message; "never": no receipt is ever sent.
RECEIPT_POLICIES = ("ask", "never")
_KEY = "mail/read_receipts"


class ReceiptPreference:
    """The user's read-receipt policy, in the desktop preferences file."""

    def __init__(self, settings: QSettings | None = None) -> None:
        if settings is None:
            path = app_paths().ensure().config / "desktop.ini"
            settings = QSettings(str(path), QSettings.Format.IniFormat)
        self._settings = settings

    @property
    def policy(self) -> str:
        """One of :data:`RECEIPT_POLICIES` (default ``ask``)."""
        value = str(self._settings.value(_KEY, "ask") or "ask")
        return value if value in RECEIPT_POLICIES else "ask"

    @policy.setter
    def policy(self, value: str) -> None:
        if value not in RECEIPT_POLICIES:
            raise ValueError(f"read receipt policy must be one of {RECEIPT_POLICIES}")
        self._settings.setValue(_KEY, value)
        self._settings.sync()


def _when(moment: datetime | None) -> tuple[str, str]:
    """Day and time in the user's time zone and language ("29/11/2026", "15:26")."""
    if moment is None:
        return "", ""
    local = moment.astimezone()
    day = QDate(local.year, local.month, local.day)
    hour = QTime(local.hour, local.minute)
    locale = QLocale()
    if locale.language() == QLocale.Language.C:  # no language set: the French form
        return day.toString("dd/MM/yyyy"), hour.toString("HH:mm")
    # A four-digit year, whatever the language's short format says.
    day_format = locale.dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in day_format:
        day_format = day_format.replace("yy", "yyyy")
    return (locale.toString(day, day_format),
            locale.toString(hour, QLocale.FormatType.ShortFormat))


def receipt_sentence(receipt: ReadReceipt) -> str:
    """"Claire DUBOIS a lu « Demande d'avis » le 29/11/2026 à 15:26" (plain text)."""
    day, hour = _when(receipt.read_at)
    if not receipt.read:
        text = QCoreApplication.translate(
            "ReceiptNotice", "%1 a répondu à « %2 » sans confirmer la lecture")
        text = text.replace("%1", receipt.reader).replace("%2", receipt.original_subject)
        return text + (f" ({receipt.error})" if receipt.error else "")
    if day:
        text = QCoreApplication.translate("ReceiptNotice", "%1 a lu « %2 » le %3 à %4")
        return (text.replace("%1", receipt.reader).replace("%2", receipt.original_subject)
                .replace("%3", day).replace("%4", hour))
    text = QCoreApplication.translate("ReceiptNotice", "%1 a lu « %2 »")
    return text.replace("%1", receipt.reader).replace("%2", receipt.original_subject)


def _receipt_frame(frame: QFrame, name: str,
                   text_format: Qt.TextFormat) -> tuple[QHBoxLayout, QLabel]:
    """Lay ``frame`` out as a receipt panel: the receipt badge, then its wrapping text
    (object name ``<name>Text``); return the layout, for the widgets that follow."""
    frame.setObjectName(name)
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setAutoFillBackground(True)
    layout = QHBoxLayout(frame)
    layout.setContentsMargins(8, 4, 8, 4)
    badge = QLabel(frame)
    badge.setPixmap(icon("receipt").pixmap(16, 16))
    layout.addWidget(badge)
    label = QLabel(frame)
    label.setObjectName(f"{name}Text")
    label.setWordWrap(True)
    label.setTextFormat(text_format)
    layout.addWidget(label, 1)
    return layout, label


class ReceiptBar(QFrame):
    """The request bar: Envoyer / Ignorer, a second question on a mismatch, the policy."""

    #: (send, confirmed_mismatch)
    answered = Signal(bool, bool)

    def __init__(self, preference: ReceiptPreference | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preference = preference or ReceiptPreference()
        self.request: ReceiptRequest | None = None
        self._confirming = False
        layout, self.label = _receipt_frame(self, "receiptBar", Qt.TextFormat.PlainText)
        self.send_button = QPushButton(self.tr("Envoyer"), self)
        self.send_button.setObjectName("receiptSend")
        self.send_button.clicked.connect(self._send_clicked)
        self.ignore_button = QPushButton(self.tr("Ignorer"), self)
        self.ignore_button.setObjectName("receiptIgnore")
        self.ignore_button.clicked.connect(self._ignore_clicked)
        self.options = QToolButton(self)
        self.options.setObjectName("receiptOptions")
        self.options.setText(self.tr("Préférences"))
        self.options.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.options)
        self.ask_action = QAction(self.ask_text(), menu)
        self.never_action = QAction(self.never_text(), menu)
        for action, value in ((self.ask_action, "ask"), (self.never_action, "never")):
            action.setCheckable(True)
            action.triggered.connect(lambda _c=False, v=value: self._set_policy(v))
            menu.addAction(action)
        self.options.setMenu(menu)
        for widget in (self.send_button, self.ignore_button, self.options):
            layout.addWidget(widget)
        self.hide()

    @staticmethod
    def ask_text() -> str:
        """The "ask" policy in words (this menu and the settings dialog)."""
        return QCoreApplication.translate("ReceiptBar", "Toujours demander")

    @staticmethod
    def never_text() -> str:
        """The "never" policy in words (this menu and the settings dialog)."""
        return QCoreApplication.translate("ReceiptBar", "Ne jamais envoyer d'accusé de lecture")

    def show_request(self, request: ReceiptRequest | None) -> None:
        """Show the bar for ``request`` (None, or already answered: hidden)."""
        self.request = request
        self._confirming = False
        if request is None or request.answered:
            self.hide()
            return
        self._refresh()
        self.show()

    def _refresh(self) -> None:
        request = self.request
        if request is None:
            return
        never = self.preference.policy == "never"
        self.ask_action.setChecked(not never)
        self.never_action.setChecked(never)
        self.send_button.setVisible(not never)
        self.ignore_button.setVisible(not never)
        if never:
            self.label.setText(self.tr(
                "%1 demande un accusé de lecture. Selon vos préférences, aucun accusé "
                "n'est envoyé.").replace("%1", request.requester))
        elif self._confirming:
            self.label.setText(self.tr(
                "Attention : l'accusé de lecture irait à %1, une autre adresse que celle "
                "qui a envoyé le message. L'envoyer quand même ?").replace(
                    "%1", request.address))
            self.send_button.setText(self.tr("Envoyer quand même"))
        else:
            text = self.tr("%1 demande un accusé de lecture.").replace(
                "%1", request.requester)
            if request.mismatch:
                text += " " + self.tr("L'accusé irait à une autre adresse (%1).").replace(
                    "%1", request.address)
            self.label.setText(text)
            self.send_button.setText(self.tr("Envoyer"))

    def _send_clicked(self) -> None:
        request = self.request
        if request is None:
            return
        if request.mismatch and not self._confirming:
            # RFC 8098 section 2.1: ask again, naming the other address.
            self._confirming = True
            self._refresh()
            return
        self.answered.emit(True, request.mismatch)
        self.hide()

    def _ignore_clicked(self) -> None:
        self.answered.emit(False, False)
        self.hide()

    def _set_policy(self, value: str) -> None:
        self.preference.policy = value
        self._confirming = False
        self._refresh()


class ReceiptNotice(QFrame):
    """A returned receipt: on the receipt message (with a link) or on the sent message."""

    open_original = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _, self.label = _receipt_frame(self, "receiptNotice", Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.label.setOpenExternalLinks(False)
        self.label.linkActivated.connect(self._link)
        self._original: tuple[str, int] | None = None
        self.hide()

    def show_receipt(self, receipt: ReadReceipt) -> None:
        """On a receipt message: the sentence, and a link to the original when found."""
        text = html.escape(self.tr("Accusé de lecture : %1").replace(
            "%1", receipt_sentence(receipt)), quote=False)
        self._original = None
        if receipt.original_folder and receipt.original_uid is not None:
            self._original = (receipt.original_folder, receipt.original_uid)
            text += " — <a href='original'>" + html.escape(
                self.tr("Ouvrir le message d'origine"), quote=False) + "</a>"
        self.label.setText(text)
        self.show()

    def show_read_by(self, receipts: tuple[ReadReceipt, ...]) -> None:
        """On a sent message: "Lu par Claire DUBOIS le 29/11/2026 à 15:26" per reader."""
        self._original = None
        lines = []
        for receipt in receipts:
            day, hour = _when(receipt.read_at)
            if receipt.read and day:
                line = self.tr("Lu par %1 le %2 à %3").replace("%1", receipt.reader) \
                    .replace("%2", day).replace("%3", hour)
            elif receipt.read:
                line = self.tr("Lu par %1").replace("%1", receipt.reader)
            else:
                line = receipt_sentence(receipt)
            lines.append(html.escape(line, quote=False))
        if not lines:
            self.hide()
            return
        self.label.setText("<br>".join(lines))
        self.show()

    def text(self) -> str:
        """The notice as plain text (tests, accessibility)."""
        return _plain(self.label.text())

    def _link(self, _href: str) -> None:
        if self._original is not None:
            self.open_original.emit(*self._original)


def _plain(markup: str) -> str:
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(markup)
    return document.toPlainText()
