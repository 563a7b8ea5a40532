"""The outbox: queued, sending, sent and failed messages, with the reason and retry."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client.mail.outbox import OutboxEntry, reason_kind

__all__ = ["OutboxView", "state_label"]

logger = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole + 4


def state_label(widget: QWidget, state: str) -> str:
    """The state in words."""
    return {
        "queued": QCoreApplication.translate("OutboxView", "En attente"),
        "sending": QCoreApplication.translate("OutboxView", "Envoi en cours"),
        "submitted": QCoreApplication.translate("OutboxView", "Envoyé"),
        "failed": QCoreApplication.translate("OutboxView", "Échec"),
    }.get(state, state)


class OutboxView(QWidget):
    """Lists :class:`OutboxEntry` records; asks for a retry of a failed one."""

    retry_requested = Signal(str)
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outboxView")
        self._items: list[OutboxEntry] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName(self.tr("Boîte d'envoi"))
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("État"), self.tr("Objet"),
                                   self.tr("Destinataires"), self.tr("Motif")])
        layout.addWidget(self.tree)
        row = QHBoxLayout()
        self.summary = QLabel(self)
        row.addWidget(self.summary, 1)
        self.retry_button = QPushButton(self.tr("Renvoyer"), self)
        self.retry_button.setEnabled(False)
        self.retry_button.clicked.connect(self._retry)
        row.addWidget(self.retry_button)
        refresh = QPushButton(self.tr("Actualiser"), self)
        refresh.clicked.connect(self.refresh_requested)
        row.addWidget(refresh)
        layout.addLayout(row)
        self.tree.currentItemChanged.connect(self._current_changed)

    def changeEvent(self, event: QEvent) -> None:
        """The language switch words the rows and the counts anew (built from data)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.set_items(self._items)

    def set_items(self, items: list[OutboxEntry]) -> None:
        """Show the outbox."""
        self._items = list(items)
        self.tree.clear()
        for entry in items:
            item = QTreeWidgetItem([state_label(self, entry.state), entry.subject,
                                    ", ".join(entry.recipients),
                                    self.reason_text(entry.reason)])
            item.setData(0, ID_ROLE, entry.message_id)
            item.setData(1, ID_ROLE, entry.state)
            self.tree.addTopLevelItem(item)
        failed = sum(1 for e in items if e.state == "failed")
        waiting = sum(1 for e in items if e.state in ("queued", "sending"))
        self.summary.setText(
            self.tr("%1 en attente, %2 en échec").replace("%1", str(waiting))
            .replace("%2", str(failed))
        )

    def reason_text(self, reason: str) -> str:
        """The recorded reason in the user's language; a server's own words are quoted."""
        kind, detail = reason_kind(reason)
        sentences = {
            "": "",
            "not-sent": self.tr("Pas encore envoyé : la connexion d'envoi n'a pas pu s'ouvrir "
                                "(carte, réseau). Nouvel essai automatique."),
            "unreachable": self.tr("Serveur d'envoi injoignable. Nouvel essai automatique."),
            "connection-lost": self.tr("Connexion au serveur d'envoi perdue. "
                                       "Nouvel essai automatique."),
            "busy-elsewhere": self.tr("En cours d'envoi par une autre fenêtre de "
                                      "l'application."),
            "too-large": self.tr("Message trop volumineux pour le serveur d'envoi : retirez "
                                 "ou réduisez des pièces jointes."),
            "not-filed": self.tr("Envoyé, mais la copie dans Envoyés a échoué."),
        }
        if kind in sentences:
            return sentences[kind]
        if kind in ("recipients-refused", "some-refused"):
            return self.tr("Destinataires refusés par le serveur : %1").replace("%1", detail)
        if kind == "server":
            return self.tr("Refusé par le serveur : %1").replace("%1", detail)
        return self.tr("Échec de l'envoi (détail : mssante-companion mail outbox).")

    def _current_changed(self, current: QTreeWidgetItem | None, _prev: object) -> None:
        self.retry_button.setEnabled(current is not None and current.data(1, ID_ROLE) == "failed")

    def _retry(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self.retry_requested.emit(str(item.data(0, ID_ROLE)))
