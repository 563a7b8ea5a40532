"""A To/Cc field with directory autocomplete and trust-space marking.

As the user types, the last address being typed is looked up in the national directory
(name, specialty, city) on a worker; the completer lists "name — profession,
organisation, city <address>" and inserts the address. When an address is complete it is
checked against the liste blanche (``client.whitelist``) and the field says which
addresses are outside the MSSanté trust space, with the reason, before sending.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QVBoxLayout, QWidget

from client.directory.index import DirectoryEntry
from client.whitelist import TrustDecision
from ui.app_events import app_events
from ui.backend import DirectoryService, TrustService
from ui.workers import WorkerPool

__all__ = ["RecipientField", "entry_label", "split_addresses"]

logger = logging.getLogger(__name__)

_SPLIT = re.compile(r"[,;]\s*")
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
ADDRESS_ROLE = Qt.ItemDataRole.UserRole + 2


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def split_addresses(text: str) -> list[str]:
    """Addresses typed in a field, separated by commas or semicolons."""
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


def entry_label(entry: DirectoryEntry) -> str:
    """How a directory result reads in the completion list."""
    details = ", ".join(
        part for part in (
            entry.profession, entry.specialty, entry.organization_name, entry.city
        ) if part
    )
    name = entry.display_name
    return f"{name} — {details} <{entry.address}>" if details else f"{name} <{entry.address}>"


class RecipientField(QWidget):
    """Addresses with autocomplete; exposes the verdicts of the trust-space check."""

    verdicts_changed = Signal()

    def __init__(
        self,
        label: str,
        pool: WorkerPool,
        directory: DirectoryService | None,
        trust: TrustService | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.pool = pool
        self.directory = directory
        self.trust = trust
        self.verdicts: dict[str, TrustDecision] = {}
        self._entries: dict[str, DirectoryEntry] = {}
        self._query_serial = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit(self)
        self.edit.setAccessibleName(label)
        self.edit.setPlaceholderText(self.tr("Nom, spécialité, ville ou adresse MSSanté"))
        layout.addWidget(self.edit)
        self.warning = QLabel(self)
        self.warning.setObjectName("trustWarning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.RichText)
        self.warning.hide()
        layout.addWidget(self.warning)

        self.suggestions = QStringListModel(self)
        self.completer = QCompleter(self.suggestions, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # The directory already matched (accent-insensitive, several words): show all.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setWidget(self.edit)
        # The default overload of ``activated`` is the QString one (the chosen label).
        self.completer.activated.connect(self._insert_completion)

        self._lookup_timer = QTimer(self)
        self._lookup_timer.setSingleShot(True)
        self._lookup_timer.setInterval(150)
        self._lookup_timer.timeout.connect(self._lookup)
        self.edit.textEdited.connect(lambda _t: self._lookup_timer.start())
        self.edit.editingFinished.connect(self.check_addresses)
        # A liste blanche imported while this window is open applies to it at once.
        app_events().trust_list_changed.connect(self.recheck)

    # -- values ------------------------------------------------------------------------
    def addresses(self) -> list[str]:
        """The addresses typed."""
        return split_addresses(self.edit.text())

    def set_addresses(self, addresses: Sequence[str]) -> None:
        """Fill the field (a draft, a reply, "write to")."""
        self.edit.setText(", ".join(addresses))
        self.check_addresses()

    def refused(self) -> list[TrustDecision]:
        """Addresses known to be outside the trust space."""
        return [v for a in self.addresses() if (v := self.verdicts.get(a)) and not v.inside]

    def invalid(self) -> list[str]:
        """Typed text that is not an address at all."""
        return [a for a in self.addresses() if not _ADDRESS.match(a)]

    # -- autocomplete ------------------------------------------------------------------
    def _current_fragment(self) -> str:
        text = self.edit.text()
        return _SPLIT.split(text)[-1].strip() if text else ""

    def _lookup(self) -> None:
        fragment = self._current_fragment()
        if self.directory is None or len(fragment) < 2 or "@" in fragment:
            return
        self._query_serial += 1
        serial = self._query_serial
        self.pool.submit(
            self.directory.search, fragment, 12,
            on_result=lambda entries: self._show_suggestions(serial, entries),
            on_error=lambda exc: logger.info("directory lookup failed: %s",
                                             type(exc).__name__), owner=self)

    def _show_suggestions(self, serial: int, entries: list[DirectoryEntry]) -> None:
        if serial != self._query_serial:
            return  # the user typed on; an older answer must not replace a newer one
        labels = [entry_label(e) for e in entries]
        self._entries = dict(zip(labels, entries, strict=True))
        self.suggestions.setStringList(labels)
        if labels and self.edit.hasFocus():
            self.completer.complete()

    def _insert_completion(self, label: str) -> None:
        entry = self._entries.get(label)
        if entry is None:
            return
        parts = split_addresses(self.edit.text())[:-1] if self.edit.text() else []
        parts.append(entry.address)
        self.edit.setText(", ".join(parts) + ", ")
        self.check_addresses()

    def choose_suggestion(self, row: int) -> None:
        """Accept the ``row``-th suggestion (keyboard users, tests)."""
        labels = self.suggestions.stringList()
        if 0 <= row < len(labels):
            self._insert_completion(labels[row])

    # -- trust space -------------------------------------------------------------------
    def check_addresses(self) -> None:
        """Check every complete address not checked yet."""
        if self.trust is None:
            return
        for address in self.addresses():
            if address in self.verdicts or not _ADDRESS.match(address):
                continue
            self.pool.submit(self.trust.check, address, on_result=self._verdict,
                             on_error=lambda exc: logger.info("trust check failed: %s",
                                                              type(exc).__name__), owner=self)
        self._render()

    def recheck(self) -> None:
        """Forget the verdicts and check every address again (the list changed)."""
        self.verdicts.clear()
        self.check_addresses()
        self.verdicts_changed.emit()

    def _verdict(self, verdict: TrustDecision) -> None:
        self.verdicts[verdict.address] = verdict
        self._render()
        self.verdicts_changed.emit()

    def _render(self) -> None:
        lines = []
        for verdict in self.refused():
            reason = verdict.reason or self.tr("domaine absent de la liste blanche MSSanté")
            lines.append(
                "⚠ " + _esc(
                    self.tr("%1 est hors de l'espace de confiance MSSanté : %2")
                    .replace("%1", verdict.address).replace("%2", reason)
                )
            )
        for address in self.invalid():
            lines.append("⚠ " + _esc(
                self.tr("« %1 » n'est pas une adresse valide.").replace("%1", address)))
        self.warning.setText("<br>".join(f"<span style='color:#c5221f'>{line}</span>"
                                         for line in lines))
        self.warning.setVisible(bool(lines))
        self.edit.setProperty("refused", bool(lines))
        self.edit.setStyleSheet("QLineEdit { border: 1px solid #c5221f; }" if lines else "")
