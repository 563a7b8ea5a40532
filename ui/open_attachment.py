""""Ouvrir" on an attachment: in the app when it can, else the system's viewer, safely.

The bytes come from :meth:`ui.backend.MailService.attachment` on a worker; then
:func:`client.mail.opening.classify` decides:

- PDF, image, text, CDA, IHE XDM: a :class:`ui.document_viewer.DocumentViewer`, from
  memory; nothing is written;
- a program or a script (by name or by content): never launched; a dialog says why and
  offers "Enregistrer sous…";
- anything else: written to the private opening folder (0700/0600, emptied at start,
  at exit and when the app locks) and handed to the system's viewer; when the system
  has none, a dialog says so and offers "Enregistrer sous…".
"""

from __future__ import annotations

import atexit
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from client.mail.opening import OpeningFolder, OpenVerdict, classify, save_copy
from client.mail.reading import Attachment
from ui.backend import MailService
from ui.document_viewer import DocumentViewer
from ui.wording import describe_error
from ui.workers import WorkerPool

__all__ = ["AttachmentOpener", "refusal_text"]

logger = logging.getLogger(__name__)


def refusal_text(verdict: OpenVerdict) -> str:
    """Why a blocked attachment is not opened, for the user."""
    if verdict.detail.startswith("."):
        text = QCoreApplication.translate("AttachmentOpener",
                  "Cette pièce jointe n'est pas ouverte : les fichiers %1 peuvent lancer un "
                  "programme sur votre ordinateur.").replace("%1", verdict.detail)
    else:
        text = QCoreApplication.translate("AttachmentOpener",
                  "Cette pièce jointe n'est pas ouverte : son contenu est un programme ou "
                  "un script, quel que soit son nom.")
    return text + " " + QCoreApplication.translate("AttachmentOpener",
                           "Enregistrez-la seulement si vous l'attendiez de cet expéditeur.")


class AttachmentOpener(QObject):
    """Opens attachments for one window; owns the private opening folder."""

    status = Signal(str)
    error = Signal(str)
    #: ("viewer" | "blocked" | "external" | "no-viewer", the window or dialog shown)
    opened = Signal(str, object)

    def __init__(self, pool: WorkerPool, parent: QWidget,
                 folder: OpeningFolder | None = None) -> None:
        super().__init__(parent)
        self.pool = pool
        self.window = parent
        self.folder = folder or OpeningFolder()
        self.viewers: list[QWidget] = []
        self._generation = 0
        self.folder.purge()  # what an earlier run (or a crash) left behind
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.folder.purge)
        atexit.register(self.folder.purge)

    def open(self, mail: MailService, folder: str, uid: int, index: int) -> None:
        """Fetch and classify the attachment on a worker, then show or open it."""
        self.status.emit(self.tr("Ouverture de la pièce jointe…"))
        generation = self._generation

        def fetch() -> tuple[Attachment, OpenVerdict]:
            data = mail.attachment(folder, uid, index)
            return data, classify(data.filename, data.content_type, data.data)

        def done(result: tuple[Attachment, OpenVerdict]) -> None:
            if generation == self._generation:  # not after a lock
                self.show(result[0], index, result[1])

        self.pool.submit(fetch, on_result=done,
                         on_error=lambda exc: self.error.emit(describe_error(exc)),
                         owner=self.window)

    def close_all(self) -> None:
        """Close every viewer and dialog and remove what the system's viewer was given
        (the app locks or signs out: no patient data stays shown, nor on disk)."""
        self._generation += 1
        for window in list(self.viewers):
            window.close()
        self.viewers = []
        self.folder.purge_opened()

    def show(self, attachment: Attachment, index: int = 0,
             verdict: OpenVerdict | None = None) -> None:
        """Open ``attachment`` (already in memory) by the rules above."""
        if verdict is None:
            verdict = classify(attachment.filename, attachment.content_type, attachment.data)
        if verdict.in_app:
            viewer = DocumentViewer(attachment.filename, attachment.content_type,
                                    attachment.data, self.window)
            viewer.destroyed.connect(lambda _o=None, v=viewer: self._forget(v))
            self.viewers.append(viewer)
            viewer.show()
            self.opened.emit("viewer", viewer)
            return
        if verdict.kind == "blocked":
            logger.warning("an attachment was not opened: %s", verdict.detail)
            self.opened.emit("blocked", self._offer_save(attachment, refusal_text(verdict)))
            return
        path = self.folder.write(attachment.filename, attachment.data, index)
        if self.launch(path):
            self.opened.emit("external", path)
            return
        text = self.tr("Aucune application de cet ordinateur ne sait ouvrir « %1 ». "
                       "Vous pouvez l'enregistrer pour l'ouvrir plus tard.").replace(
                           "%1", path.name)
        self.opened.emit("no-viewer", self._offer_save(attachment, text))

    def launch(self, path: Path) -> bool:
        """Hand ``path`` to the system's viewer; False when it has none."""
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))

    def _offer_save(self, attachment: Attachment, text: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Pièce jointe non ouverte"),
                          text, QMessageBox.StandardButton.NoButton, self.window)
        box.setObjectName("attachmentNotOpened")
        save = box.addButton(self.tr("Enregistrer sous…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(self.tr("Fermer"), QMessageBox.ButtonRole.RejectRole)
        save.clicked.connect(lambda: self.save_as(attachment))
        box.open()
        self.viewers.append(box)
        box.finished.connect(lambda _r=0, b=box: self._forget(b))
        return box

    def save_as(self, attachment: Attachment) -> Path | None:
        """Ask where, then write the attachment (0600); never opened afterwards."""
        from client.mail.attachments import assess_filename

        # The name the command line would save it under: a program or script keeps a
        # neutral ".bloque" unless the user renames it knowingly.
        name = assess_filename(attachment.filename, attachment.index, attachment.data).name
        target, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Enregistrer la pièce jointe"), str(Path.home() / name))
        if not target:
            return None
        try:
            path = save_copy(Path(target), attachment.data)
        except OSError as exc:
            self.error.emit(describe_error(exc))
            return None
        self.status.emit(self.tr("Enregistré : %1").replace("%1", str(path)))
        return path

    def _forget(self, viewer: Any) -> None:
        self.viewers = [v for v in self.viewers if v is not viewer]
