"""The security audit trail (:mod:`client.audit`): events, chain check, export.

Reading and verifying the file runs on the worker pool (it grows for years); the view
only shows what the worker returns. Export copies the JSON Lines file (it verifies on
its own) or writes CSV for a spreadsheet.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client.audit import AuditEntry, AuditLog, AuditTampered, VerifyResult
from ui.first_run import method_words
from ui.wording import describe_error
from ui.workers import WorkerPool

__all__ = ["AuditSnapshot", "AuditView", "event_label", "load_snapshot"]

logger = logging.getLogger(__name__)

#: Most recent events shown (the export holds them all).
SHOWN = 2000


@dataclass(frozen=True)
class AuditSnapshot:
    """What the worker read: the last events and the chain check."""

    entries: tuple[AuditEntry, ...]
    verified: VerifyResult | None
    broken: AuditTampered | None


def load_snapshot(log: AuditLog) -> AuditSnapshot:
    """Read and verify the trail (call off the GUI thread)."""
    entries = tuple(log.entries()[-SHOWN:])
    try:
        return AuditSnapshot(entries, log.verify(), None)
    except AuditTampered as exc:
        return AuditSnapshot(entries, None, exc)


def event_label(event: str) -> str:
    """The event kind in words."""
    return {
        "sign-in": QCoreApplication.translate("AuditView", "Connexion"),
        "sign-in-failed": QCoreApplication.translate("AuditView", "Connexion refusée"),
        "card-removed": QCoreApplication.translate("AuditView", "Carte retirée"),
        "send": QCoreApplication.translate("AuditView", "Envoi"),
        "send-failed": QCoreApplication.translate("AuditView", "Envoi échoué"),
        "recipient-refused": QCoreApplication.translate("AuditView", "Destinataire refusé"),
        "receipt-requested": QCoreApplication.translate("AuditView", "Accusé demandé"),
        "receipt-sent": QCoreApplication.translate("AuditView", "Accusé envoyé"),
        "receipt-received": QCoreApplication.translate("AuditView", "Accusé reçu"),
        "bridge-session": QCoreApplication.translate("AuditView", "Session passerelle"),
        "bridge-refused": QCoreApplication.translate("AuditView", "Passerelle : accès refusé"),
        "bridge-login-failed": QCoreApplication.translate(
            "AuditView", "Passerelle : mot de passe refusé"),
        "pin-refused": QCoreApplication.translate("AuditView", "Code PIN refusé"),
        "audit-pruned": QCoreApplication.translate(
            "AuditView", "Journal : anciens fichiers supprimés"),
        "pin-incorrect": QCoreApplication.translate("AuditView", "Code PIN incorrect"),
        "card-locked": QCoreApplication.translate("AuditView", "Carte bloquée"),
        "sign-in-cancelled": QCoreApplication.translate("AuditView", "Connexion annulée"),
    }.get(event, event)


def _field_label(name: str) -> str:
    translate = QCoreApplication.translate
    return {
        "address": translate("AuditView", "Adresse"),
        "method": translate("AuditView", "Méthode"),
        "error": translate("AuditView", "Motif"),
        "reason": translate("AuditView", "Motif"),
        "rule": translate("AuditView", "Règle"),
        "message_id": translate("AuditView", "Message"),
        "to": translate("AuditView", "Destinataires"),
        "recipients": translate("AuditView", "Destinataires"),
        "state": translate("AuditView", "État"),
        "listener": translate("AuditView", "Service"),
        "where": translate("AuditView", "Où"),
        "attempts_left": translate("AuditView", "Essais restants"),
        "refused": translate("AuditView", "Refusés par le serveur"),
        "count": translate("AuditView", "Tentatives"),
        "sources": translate("AuditView", "Provenance"),
        "kind": translate("AuditView", "Type"),
    }.get(name, name)


def _value_words(name: str, value: str) -> str:
    """Codes of the trail (methods, rules, error classes) in words."""
    translate = QCoreApplication.translate
    if name == "method":
        return method_words(value)
    words = {
        "outside-trust-space": translate("AuditView", "domaine hors de la liste blanche"),
        "no-trust-list": translate("AuditView", "aucune liste blanche disponible"),
        "invalid-address": translate("AuditView", "adresse invalide"),
        "no-recipient": translate("AuditView", "aucun destinataire"),
        "not-loopback": translate("AuditView", "connexion venue d'un autre ordinateur"),
        "bridge": translate("AuditView", "passerelle"),
        "desktop": translate("AuditView", "application de bureau"),
        "cli": translate("AuditView", "ligne de commande"),
        "imap": translate("AuditView", "relève du courrier (IMAP)"),
        "smtp": translate("AuditView", "envoi du courrier (SMTP)"),
        "failed": translate("AuditView", "échec définitif"),
        "queued": translate("AuditView", "en attente d'un nouvel essai"),
        "Mdn": translate("AuditView", "accusé de lecture"),
        "DeliveryFailure": translate("AuditView", "avis de non-remise"),
        "PinIncorrect": translate("AuditView", "code PIN incorrect"),
        "PinLocked": translate("AuditView", "carte bloquée"),
        "PinEntryCancelled": translate("AuditView", "saisie du code PIN annulée"),
        "CardRemoved": translate("AuditView", "carte retirée"),
        "TokenNotPresent": translate("AuditView", "aucune carte insérée"),
        "MiddlewareNotFound": translate("AuditView", "Cryptolib CPS introuvable"),
        "AuthenticationRefused": translate("AuditView", "connexion refusée par l'opérateur"),
        "OperatorUnreachable": translate("AuditView", "opérateur injoignable"),
        "ProviderUnreachable": translate("AuditView", "Pro Santé Connect injoignable"),
        "ClientCertificateRefused": translate("AuditView",
                                              "certificat de la carte refusé par le serveur"),
        "ServerCertificateError": translate("AuditView",
                                            "certificat du serveur non reconnu"),
        "SessionEnded": translate("AuditView", "session terminée"),
    }
    if name in {"error", "reason"} and value not in words:
        return translate("AuditView", "erreur technique")
    return words.get(value, value)


def _details(entry: AuditEntry) -> str:
    parts = []
    for name, value in sorted(entry.fields.items()):
        if value == "":
            continue  # e.g. a card removed before any sign-in: no address to show
        if isinstance(value, list):
            shown = ", ".join(map(str, value))
        elif isinstance(value, str):
            shown = _value_words(name, value)
        else:
            shown = json.dumps(value)
        parts.append(f"{_field_label(name)} : {shown}")
    return " · ".join(parts)


class AuditView(QWidget):
    """Lists the audit events, newest first, with the state of the hash chain.

    Signals:
        loaded(AuditSnapshot): a refresh finished (tests, status bar).
        exported(str): the path a copy was written to.
    """

    loaded = Signal(object)
    exported = Signal(str)

    def __init__(self, log: AuditLog | None = None, pool: WorkerPool | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditView")
        self.log = log or AuditLog()
        self.pool = pool or WorkerPool(self, max_threads=1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.status = QLabel(self)
        self.status.setObjectName("auditStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName(self.tr("Journal de sécurité"))
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("N°"), self.tr("Date"), self.tr("Événement"),
                                   self.tr("Détails")])
        layout.addWidget(self.tree, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.refresh_button = QPushButton(self.tr("Actualiser"), self)
        self.refresh_button.clicked.connect(self.refresh)
        row.addWidget(self.refresh_button)
        self.export_button = QPushButton(self.tr("Exporter…"), self)
        self.export_button.clicked.connect(self._ask_export)
        row.addWidget(self.export_button)
        layout.addLayout(row)

    def refresh(self) -> None:
        """Read and verify the trail on the worker pool, then show it."""
        self.refresh_button.setEnabled(False)
        self.status.setText(self.tr("Vérification du journal…"))
        self.pool.submit(load_snapshot, self.log, on_result=self._show,
                         on_error=self._failed, owner=self)

    def _show(self, snapshot: AuditSnapshot) -> None:
        self.refresh_button.setEnabled(True)
        self.tree.clear()
        for entry in reversed(snapshot.entries):
            item = QTreeWidgetItem([str(entry.seq), entry.time[:19].replace("T", " "),
                                    event_label(entry.event), _details(entry)])
            item.setData(0, Qt.ItemDataRole.UserRole, entry.seq)
            self.tree.addTopLevelItem(item)
        if snapshot.broken is not None:
            self.status.setText(self.tr(
                "Attention : le journal a été modifié ou endommagé (ligne {line}). "
                "Conservez le fichier et prévenez votre responsable sécurité."
            ).format(line=snapshot.broken.line))
            self.status.setProperty("alert", True)
        elif snapshot.verified is not None:
            self.status.setText(self.tr(
                "Journal intact : {count} événements, dernière empreinte {digest}."
            ).format(count=snapshot.verified.count, digest=snapshot.verified.last_hash[:16]))
            if snapshot.verified.unsealed:
                self.status.setText(self.status.text() + " " + self.tr(
                    "{count} événements ne sont pas scellés par la clé du trousseau "
                    "(version précédente ou trousseau indisponible) : ils ne peuvent pas "
                    "être prouvés intacts.").format(count=len(snapshot.verified.unsealed)))
            unchecked = snapshot.verified.unchecked
            if unchecked or not snapshot.verified.end_checked:
                # Entries sealed with another profile's key: chained, never called intact.
                self.status.setText(self.tr(
                    "Journal vérifié en partie : {count} événements, dernière empreinte "
                    "{digest}.").format(count=snapshot.verified.count,
                                       digest=snapshot.verified.last_hash[:16]) + " " + self.tr(
                    "{count} événements sont scellés par une autre clé (un autre profil, ou "
                    "le trousseau) que celle de ce poste : ils n'ont PAS été vérifiés.").format(
                        count=len(unchecked)))
                self.status.setProperty("alert", True)
                self.loaded.emit(snapshot)
                return
            self.status.setProperty("alert", False)
        self.loaded.emit(snapshot)

    def _failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.status.setText(self.tr("Journal illisible : {error}").format(
            error=describe_error(exc)))
        logger.warning("audit trail not readable: %s", type(exc).__name__)

    def _ask_export(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Exporter le journal"), "journal-securite.jsonl",
            self.tr("JSON Lines (*.jsonl);;CSV (*.csv)"),
        )
        if path:
            self.export_to(Path(path), "csv" if "csv" in chosen.lower() else "jsonl")

    def export_to(self, path: Path, fmt: str = "jsonl") -> None:
        """Write a copy of the whole trail to ``path`` on the worker pool."""
        self.pool.submit(self.log.export, path, fmt=fmt,
                         on_result=lambda _n: self.exported.emit(str(path)),
                         on_error=self._failed, owner=self)
