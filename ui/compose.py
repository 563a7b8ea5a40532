"""The compose window: recipients, body, attachments, receipt, drafts, send.

Drafts are saved automatically a few seconds after the user stops typing, and handed to
the session controller when the card is removed (nothing typed is lost). Sending is
refused here, with the reason, while a recipient is outside the trust space; ``client``
checks again (policy) before anything leaves.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from client.mail.attachments import safe_filename
from client.mail.compose import AttachmentSource, Draft
from client.paths import app_paths
from ui.attachments import AttachmentList
from ui.backend import MailService, Services
from ui.icons import icon
from ui.recipients import RecipientField
from ui.structured_dialog import StructuredDocumentDialog
from ui.wording import describe_error
from ui.workers import WorkerPool

__all__ = ["ComposeWindow"]

logger = logging.getLogger(__name__)

AUTOSAVE_MS = 3000


class ComposeWindow(QMainWindow):
    """Writes one message."""

    sent = Signal(str)  # Message-ID
    draft_saved = Signal(object)
    closed = Signal(object)

    def __init__(
        self,
        services: Services,
        pool: WorkerPool,
        mail: Callable[[], MailService | None],
        draft: Draft | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("composeWindow")
        self.setWindowTitle(self.tr("Nouveau message"))
        self.services = services
        self.pool = pool
        self._mail = mail
        self.draft_id = draft.draft_id if draft else uuid.uuid4().hex
        self.in_reply_to = draft.in_reply_to if draft else ""
        self.references = list(draft.references) if draft else []
        # Forwarded or reopened attachments stay in memory: health documents are not
        # written to disk in clear to be attached again.
        self.carried: list[AttachmentSource] = list(draft.attachments) if draft else []
        self.forwarded: bytes | None = draft.forwarded if draft else None
        self.xdm_path: Path | None = draft.xdm_file if draft else None
        self._sending = False
        self._discarded = False

        central = QWidget(self)
        layout = QVBoxLayout(central)
        form = QFormLayout()
        self.to = RecipientField(self.tr("Destinataires"), pool, services.directory,
                                 services.trust, central)
        self.to.setObjectName("composeTo")
        self.cc = RecipientField(self.tr("Copie"), pool, services.directory,
                                 services.trust, central)
        self.cc.setObjectName("composeCc")
        self.subject = QLineEdit(central)
        self.subject.setObjectName("composeSubject")
        self.subject.setAccessibleName(self.tr("Objet"))
        form.addRow(self.tr("À :"), self.to)
        form.addRow(self.tr("Cc :"), self.cc)
        form.addRow(self.tr("Objet :"), self.subject)
        layout.addLayout(form)

        self.body = QPlainTextEdit(central)
        self.body.setObjectName("composeBody")
        self.body.setAccessibleName(self.tr("Texte du message"))
        layout.addWidget(self.body, 1)

        self.attachments = AttachmentList(central)
        self.attachments.hide()  # shown once something is attached (drops work anywhere)
        self.attachments.changed.connect(
            lambda: self.attachments.setVisible(self.attachments.count() > 0))
        layout.addWidget(self.attachments)
        self.carried_list = QListWidget(central)
        self.carried_list.setObjectName("carriedAttachments")
        self.carried_list.setAccessibleName(self.tr("Pièces jointes transférées"))
        self.carried_list.setMaximumHeight(80)
        self.carried_list.hide()
        remove = QAction(self.tr("Retirer la pièce jointe"), self.carried_list)
        remove.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self._remove_carried)
        self.carried_list.addAction(remove)
        self.carried_list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        layout.addWidget(self.carried_list)
        self.structured_label = QLabel(central)
        self.structured_label.setObjectName("structuredAttached")
        self.structured_label.hide()
        layout.addWidget(self.structured_label)

        row = QHBoxLayout()
        attach = QPushButton(icon("attachment"), self.tr("Joindre un fichier…"), central)
        attach.clicked.connect(self._choose_attachments)
        structured = QPushButton(icon("structured"),
                                 self.tr("Joindre un document structuré…"), central)
        structured.setObjectName("attachStructured")
        structured.clicked.connect(self.open_structured_dialog)
        self.receipt = QCheckBox(self.tr("Demander un accusé de lecture"), central)
        self.receipt.setObjectName("composeReceipt")
        row.addWidget(attach)
        row.addWidget(structured)
        row.addWidget(self.receipt)
        row.addStretch(1)
        self.discard_button = QPushButton(icon("trash"), self.tr("Abandonner"), central)
        self.discard_button.setObjectName("composeDiscard")
        self.discard_button.setToolTip(self.tr("Fermer sans envoyer et supprimer le brouillon"))
        self.discard_button.clicked.connect(self.discard)
        row.addWidget(self.discard_button)
        self.send_button = QPushButton(icon("send"), self.tr("Envoyer"), central)
        self.send_button.setObjectName("composeSend")
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        row.addWidget(self.send_button)
        layout.addLayout(row)

        self.status = QLabel(central)
        self.status.setObjectName("composeStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.setCentralWidget(central)

        send_action = QAction(self.tr("Envoyer"), self)
        send_action.setShortcut(QKeySequence("Ctrl+Return"))
        send_action.triggered.connect(self.send)
        self.addAction(send_action)
        close_action = QAction(self.tr("Fermer"), self)
        close_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Close))
        close_action.triggered.connect(self.close)
        self.addAction(close_action)
        self.setAcceptDrops(True)

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_draft)
        for signal in (self.subject.textEdited, self.to.edit.textEdited,
                       self.cc.edit.textEdited):
            signal.connect(lambda _t: self._autosave.start())
        self.body.textChanged.connect(self._autosave.start)
        self.attachments.changed.connect(self._autosave.start)
        self.receipt.toggled.connect(lambda _c: self._autosave.start())

        if draft is not None:
            self.load(draft)
        self.resize(720, 560)

    # -- draft -------------------------------------------------------------------------
    def load(self, draft: Draft) -> None:
        """Fill the window from ``draft``."""
        self.to.set_addresses(draft.to)
        self.cc.set_addresses(draft.cc)
        self.subject.setText(draft.subject)
        self.body.setPlainText(draft.body)
        self.attachments.add_paths(list(draft.files))
        self.receipt.setChecked(draft.receipt)
        self._show_structured()
        self._show_carried()
        if draft.subject:
            self.setWindowTitle(draft.subject)
        self._autosave.stop()

    def draft(self) -> Draft:
        """What is typed, as a :class:`Draft`."""
        return Draft(
            draft_id=self.draft_id,
            to=tuple(self.to.addresses()),
            cc=tuple(self.cc.addresses()),
            subject=self.subject.text(),
            body=self.body.toPlainText(),
            files=tuple(self.attachments.paths()),
            receipt=self.receipt.isChecked(),
            xdm_file=self.xdm_path,
            in_reply_to=self.in_reply_to,
            references=tuple(self.references),
            attachments=tuple(self.carried),
            forwarded=self.forwarded,
        )

    def _show_carried(self) -> None:
        self.carried_list.clear()
        for item in self.carried:
            self.carried_list.addItem(QListWidgetItem(
                icon("attachment"), safe_filename(item.filename)))  # as saving shows it
        if self.forwarded is not None:
            self.carried_list.addItem(QListWidgetItem(
                icon("attachment"), self.tr("Message transféré (pièce jointe)")))
        self.carried_list.setVisible(self.carried_list.count() > 0)

    def _remove_carried(self) -> None:
        row = self.carried_list.currentRow()
        if 0 <= row < len(self.carried):
            del self.carried[row]
        elif row == len(self.carried) and self.forwarded is not None:
            self.forwarded = None
        else:
            return
        self._show_carried()
        self._autosave.start()

    def save_draft(self) -> None:
        """Save now (autosave, or the user closing the window)."""
        self._autosave.stop()
        mail = self._mail()
        draft = self.draft()
        if mail is None or draft.is_empty():
            return
        self.pool.submit(mail.save_draft, draft,
                         on_result=lambda _r: self._draft_saved(draft),
                         on_error=lambda exc: self.status.setText(describe_error(exc)), owner=self)

    def _draft_saved(self, draft: Draft) -> None:
        self.status.setText(self.tr("Brouillon enregistré."))
        self.draft_saved.emit(draft)

    # -- attachments -------------------------------------------------------------------
    def _choose_attachments(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Joindre des fichiers"),
                                                str(Path.home()))
        self.attachments.add_paths([Path(f) for f in files])

    def open_structured_dialog(self) -> StructuredDocumentDialog:
        """Patient form -> IHE XDM package attached to this message."""
        base = app_paths().ensure().cache
        target = Path(tempfile.mkdtemp(prefix="xdm-", dir=base))
        dialog = StructuredDocumentDialog(self.pool, self.services.xdm, target, self)
        dialog.packed.connect(self._structured_packed)
        dialog.open()
        return dialog

    def _structured_packed(self, path: Path) -> None:
        self.xdm_path = path
        self._show_structured()
        self._autosave.start()

    def _show_structured(self) -> None:
        if self.xdm_path is not None:
            self.structured_label.setText(
                self.tr("Document structuré joint : %1").replace("%1", self.xdm_path.name))
            self.structured_label.show()
        else:
            self.structured_label.hide()

    def dragEnterEvent(self, event):  # type: ignore[no-untyped-def]
        """Files dropped anywhere on the window are attached."""
        self.attachments.dragEnterEvent(event)

    def dropEvent(self, event):  # type: ignore[no-untyped-def]
        """Attach dropped files."""
        self.attachments.dropEvent(event)

    # -- send --------------------------------------------------------------------------
    def problems(self) -> list[str]:
        """Why the message cannot be sent now (empty when it can)."""
        problems = []
        if not self.to.addresses():
            problems.append(self.tr("Ajoutez au moins un destinataire."))
        for field in (self.to, self.cc):
            for verdict in field.refused():
                reason = verdict.reason or self.tr("domaine absent de la liste blanche MSSanté")
                problems.append(
                    self.tr("Envoi refusé : %1 est hors de l'espace de confiance MSSanté (%2).")
                    .replace("%1", verdict.address).replace("%2", reason))
            for address in field.invalid():
                problems.append(self.tr("« %1 » n'est pas une adresse valide.")
                                .replace("%1", address))
        return problems

    def send(self) -> None:
        """Refuse with the reason, or hand the message to the outbox."""
        if self._sending:
            return
        problems = self.problems()
        if problems:
            self.status.setText("\n".join(problems))
            return
        mail = self._mail()
        if mail is None:
            self.status.setText(self.tr("Session verrouillée : réinsérez votre carte CPS "
                                        "pour envoyer. Le brouillon est conservé."))
            return
        self._sending = True
        self.send_button.setEnabled(False)
        self.status.setText(self.tr("Envoi en cours…"))
        self._autosave.stop()
        self.pool.submit(mail.send, self.draft(), on_result=self._sent,
                         on_error=self._send_failed, owner=self)

    def _sent(self, message_id: str) -> None:
        self._sending = False
        self._discarded = True
        self.status.setText(self.tr("Message envoyé."))
        mail = self._mail()
        if mail is not None:
            self.pool.submit(mail.delete_draft, self.draft_id, owner=self)
        self.sent.emit(message_id)
        self.close()

    def _send_failed(self, exc: BaseException) -> None:
        self._sending = False
        self.send_button.setEnabled(True)
        self.status.setText(describe_error(exc))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Keep what was typed: a closed, unsent message stays a draft."""
        if not self._discarded and not self.draft().is_empty():
            self.save_draft()
        self.closed.emit(self)
        super().closeEvent(event)

    def discard(self) -> QMessageBox | None:
        """Close without keeping a draft (asks first when something was typed)."""
        if self.draft().is_empty():
            self._discard_now()
            return None
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Abandonner le message"),
                          self.tr("Supprimer ce brouillon ?"),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmDiscard")
        box.accepted.connect(self._discard_now)
        self.discard_box = box
        box.open()
        return box

    def _discard_now(self) -> None:
        self._discarded = True
        self._autosave.stop()
        mail = self._mail()
        if mail is not None:
            # The pool outlives this window: the deletion finishes after it closed.
            self.pool.submit(mail.delete_draft, self.draft_id)
        self.close()
