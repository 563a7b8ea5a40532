"""The directory window: search with filters, details, "write to", import with progress."""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client.directory.index import DirectoryEntry
from ui.backend import Services
from ui.wording import describe_error, is_cancellation
from ui.workers import CancelToken, WorkerPool

__all__ = ["DirectoryWindow", "bal_type_words"]

logger = logging.getLogger(__name__)

BAL_TYPES = ("", "PER", "ORG", "APP", "CAB")


def bal_type_words(code: str) -> str:
    """A mailbox type of the directory (``PER``...) in words; ``""`` for none."""
    words = {
        "PER": QCoreApplication.translate("DirectoryWindow", "Personnelle"),
        "ORG": QCoreApplication.translate("DirectoryWindow", "Organisationnelle"),
        "APP": QCoreApplication.translate("DirectoryWindow", "Applicative"),
        "CAB": QCoreApplication.translate("DirectoryWindow", "Cabinet"),
    }
    return words.get(code.upper(), code)


class DirectoryWindow(QMainWindow):
    """Search the national MSSanté directory and import its extraction."""

    write_to = Signal(str)
    import_finished = Signal(int)

    def __init__(self, services: Services, pool: WorkerPool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("directoryWindow")
        self.setWindowTitle(self.tr("Annuaire santé MSSanté"))
        self.services = services
        self.pool = pool
        self.entries: list[DirectoryEntry] = []
        self._serial = 0
        self._cancel: CancelToken | None = None

        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.query = QLineEdit(central)
        self.query.setObjectName("directoryQuery")
        self.query.setPlaceholderText(self.tr("Nom, spécialité, ville…"))
        self.query.setAccessibleName(self.tr("Recherche dans l'annuaire"))
        self.query.setClearButtonEnabled(True)
        layout.addWidget(self.query)

        filters = QHBoxLayout()
        self.profession = QLineEdit(central)
        self.profession.setPlaceholderText(self.tr("Profession"))
        self.profession.setAccessibleName(self.tr("Filtre profession"))
        self.specialty = QLineEdit(central)
        self.specialty.setPlaceholderText(self.tr("Spécialité"))
        self.specialty.setAccessibleName(self.tr("Filtre spécialité"))
        self.bal_type = QComboBox(central)
        self.bal_type.setAccessibleName(self.tr("Type de boîte"))
        for code in BAL_TYPES:
            self.bal_type.addItem(bal_type_words(code) or self.tr("Tous types"), code)
        self.postal_code = QLineEdit(central)
        self.postal_code.setPlaceholderText(self.tr("Code postal"))
        self.postal_code.setAccessibleName(self.tr("Filtre code postal"))
        self.postal_code.setMaxLength(5)
        for widget in (self.profession, self.specialty, self.bal_type, self.postal_code):
            filters.addWidget(widget)
        layout.addLayout(filters)

        self.table = QTableWidget(0, 5, central)
        self.table.setObjectName("directoryResults")
        self.table.setAccessibleName(self.tr("Résultats"))
        self.table.setHorizontalHeaderLabels([self.tr("Nom"), self.tr("Profession"),
                                              self.tr("Organisation"), self.tr("Ville"),
                                              self.tr("Adresse MSSanté")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.details = QLabel(central)
        self.details.setObjectName("directoryDetails")
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.write_button = QPushButton(self.tr("Écrire à…"), central)
        self.write_button.setObjectName("directoryWrite")
        self.write_button.setEnabled(False)
        self.write_button.clicked.connect(self._write)
        details_box = QWidget(central)
        details_layout = QVBoxLayout(details_box)
        details_layout.addWidget(self.details, 1)
        details_layout.addWidget(self.write_button)
        splitter = QSplitter(Qt.Orientation.Horizontal, central)
        splitter.addWidget(self.table)
        splitter.addWidget(details_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        import_row = QFormLayout()
        row = QHBoxLayout()
        self.import_button = QPushButton(self.tr("Importer l'extraction…"), central)
        self.import_button.setObjectName("directoryImport")
        self.import_button.clicked.connect(self._choose_import)
        self.import_progress = QProgressBar(central)
        self.import_progress.setObjectName("directoryImportProgress")
        self.import_progress.setAccessibleName(self.tr("Progression de l'import"))
        self.import_progress.hide()
        self.cancel_button = QPushButton(self.tr("Annuler"), central)
        self.cancel_button.setObjectName("directoryImportCancel")
        self.cancel_button.clicked.connect(self.cancel_import)
        self.cancel_button.hide()
        row.addWidget(self.import_button)
        row.addWidget(self.import_progress, 1)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        import_row.addRow(row)
        self.import_status = QLabel(central)
        self.import_status.setObjectName("directoryImportStatus")
        import_row.addRow(self.import_status)
        layout.addLayout(import_row)
        self.setCentralWidget(central)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.search)
        for edit in (self.query, self.profession, self.specialty, self.postal_code):
            edit.textChanged.connect(lambda _t: self._timer.start())
        self.bal_type.currentIndexChanged.connect(lambda _i: self._timer.start())
        self.table.currentCellChanged.connect(lambda row, *_: self._show_details(row))
        self.table.cellDoubleClicked.connect(lambda _r, _c: self._write())
        if services.directory is None:
            self.import_button.setEnabled(False)
            self.details.setText(self.tr("L'annuaire n'est pas disponible."))
        else:
            self.check_empty()
        self.resize(900, 560)

    def check_empty(self) -> None:
        """Say what to do when nothing is imported yet (on a worker: it opens the index)."""
        if self.services.directory is not None:
            self.pool.submit(self.services.directory.rows, on_result=self._show_empty_state,
                             owner=self)

    def _show_empty_state(self, rows: int) -> None:
        if int(rows) > 0 or self.entries:
            return
        self.details.setText(self.tr(
            "<b>L'annuaire n'est pas encore importé.</b><br>La recherche et "
            "l'autocomplétion des destinataires en ont besoin. Téléchargez le fichier "
            "« Extraction_Correspondance_MSSante » sur annuaire.sante.fr, puis cliquez sur "
            "« Importer l'extraction… » ci-dessous. Vous pouvez aussi le télécharger avec "
            "« Mettre à jour depuis l'ANS » dans les paramètres."))

    def filters(self) -> dict[str, str]:
        """The filters set, by ``client.directory`` field name."""
        values = {
            "profession": self.profession.text().strip(),
            "specialty": self.specialty.text().strip(),
            "bal_type": str(self.bal_type.currentData() or ""),
            "postal_code": self.postal_code.text().strip(),
        }
        return {k: v for k, v in values.items() if v}

    def search(self) -> None:
        """Run the search on a worker; a newer query wins over an older answer."""
        directory = self.services.directory
        text = self.query.text().strip()
        filters = self.filters()
        if directory is None or (len(text) < 2 and not filters):
            return
        self._serial += 1
        serial = self._serial
        self.pool.submit(directory.search, text, 200, filters,
                         on_result=lambda entries: self._show(serial, entries),
                         on_error=lambda exc: self.import_status.setText(describe_error(exc)),
                         owner=self)

    def _show(self, serial: int, entries: list[DirectoryEntry]) -> None:
        if serial != self._serial:
            return
        self.entries = entries
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            profession = ", ".join(p for p in (entry.profession, entry.specialty) if p)
            for column, value in enumerate((entry.display_name, profession, entry.organization_name,
                                            f"{entry.postal_code} {entry.city}".strip(),
                                            entry.address)):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.import_status.setText(self.tr("%n résultat(s)", "", len(entries)))
        if entries:
            self.table.selectRow(0)
        else:
            self._show_details(-1)
            self.details.setText(self.tr(
                "Aucune fiche ne correspond. Vérifiez l'orthographe, tapez moins de lettres "
                "ou retirez un filtre."))
            self.check_empty()

    def _show_details(self, row: int) -> None:
        if not 0 <= row < len(self.entries):
            self.details.setText("")
            self.write_button.setEnabled(False)
            return
        entry = self.entries[row]
        esc = html.escape
        lines = [f"<b>{esc(entry.display_name)}</b>"]
        for label, value in ((self.tr("Profession"), entry.profession),
                             (self.tr("Spécialité"), entry.specialty),
                             (self.tr("Organisation"), entry.organization_name),
                             (self.tr("Ville"), f"{entry.postal_code} {entry.city}".strip()),
                             (self.tr("Type de boîte"), bal_type_words(entry.bal_type)),
                             (self.tr("Identifiant national"), entry.national_id),
                             (self.tr("Adresse"), entry.address)):
            if value:
                lines.append(f"{esc(label)} : {esc(value)}")
        self.details.setText("<br>".join(lines))
        self.write_button.setEnabled(True)

    def _write(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.entries):
            self.write_to.emit(self.entries[row].address)

    # -- import ------------------------------------------------------------------------
    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Extraction de l'annuaire MSSanté"), str(Path.home()),
            self.tr("Extractions (*.zip *.txt);;Tous les fichiers (*)"))
        if path:
            self.start_import(Path(path))

    def start_import(self, path: Path) -> None:
        """Import ``path`` on a worker with a progress bar and a cancel button."""
        directory = self.services.directory
        if directory is None or self._cancel is not None:
            return
        self._cancel = CancelToken()
        self.import_button.setEnabled(False)
        self.import_progress.setRange(0, 0)
        self.import_progress.show()
        self.cancel_button.show()
        self.import_status.setText(self.tr("Import de %1…").replace("%1", path.name))
        self.pool.submit(directory.import_file, path, cancel=self._cancel,
                         on_progress=self._import_progress, on_result=self._imported,
                         on_error=self._import_failed, on_finished=self._import_ended, owner=self)

    def cancel_import(self) -> None:
        """Stop the import; the previous index stays in place."""
        if self._cancel is not None:
            self._cancel.cancel()
            self.import_status.setText(self.tr("Annulation…"))

    def _import_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.import_progress.setRange(0, total)
            self.import_progress.setValue(min(done, total))
        self.import_progress.setFormat(self.tr("%1 lignes").replace("%1", f"{done:,}"
                                                                     .replace(",", " ")))

    def _imported(self, count: int) -> None:
        self.import_status.setText(self.tr("%n fiche(s) importée(s).", "", count))
        self.details.setText("")
        self.import_finished.emit(count)

    def _import_failed(self, exc: BaseException) -> None:
        if is_cancellation(exc):
            self.import_status.setText(
                self.tr("Import annulé : l'annuaire précédent est conservé."))
        else:
            self.import_status.setText(describe_error(exc))

    def _import_ended(self) -> None:
        self._cancel = None
        self.import_button.setEnabled(True)
        self.import_progress.hide()
        self.cancel_button.hide()
