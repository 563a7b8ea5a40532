"""First run without a profile: pick the operator, test the connection, save, and
offer to import the national directory.

Three ways to a profile: the list of known operators, DNS autodiscovery from the mailbox
address (RFC 6186 SRV records), or a profile file from the IT admin. The assistant then
tests the connection on a worker, shows the operator and the sign-in method in words, and
saves the profile through ``client.profiles``. A last page explains what recipient
autocomplete needs and imports the directory extraction (progress bar, cancel), or lets
the user do it later from the Directory window.
"""

from __future__ import annotations

import html
import logging
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ui.backend import DirectoryService, ProfileChoice, ProfileSetup
from ui.wording import describe_error, is_cancellation
from ui.workers import CancelToken, WorkerPool

__all__ = ["FirstRunAssistant", "method_words"]

logger = logging.getLogger(__name__)


def method_words(method: str) -> str:
    """The sign-in method of a profile, in words."""
    words = {
        "card-tls": QCoreApplication.translate(
            "FirstRunAssistant", "carte CPS et code PIN (certificat de la carte)"),
        "psc": QCoreApplication.translate(
            "FirstRunAssistant", "Pro Santé Connect (carte CPS ou e-CPS)"),
        # The security log records an e-CPS sign-in apart from a card one.
        "psc-ecps": QCoreApplication.translate(
            "FirstRunAssistant", "Pro Santé Connect avec l'application e-CPS"),
        "certificate": QCoreApplication.translate(
            "FirstRunAssistant", "certificat logiciel de l'établissement"),
    }
    return words.get(method, method)


class _ChoosePage(QWizardPage):
    """Address and how to find the operator."""

    def __init__(self, assistant: FirstRunAssistant) -> None:
        super().__init__(assistant)
        self.assistant = assistant
        self.setTitle(self.tr("Votre messagerie MSSanté"))
        self.setSubTitle(self.tr("Indiquez votre adresse et votre opérateur de messagerie."))
        form = QFormLayout(self)
        self.address = QLineEdit(self)
        self.address.setObjectName("firstRunAddress")
        self.address.setAccessibleName(self.tr("Adresse MSSanté"))
        self.address.setPlaceholderText("prenom.nom@hopital.mssante.fr")
        form.addRow(self.tr("Adresse MSSanté"), self.address)

        self.mode = QButtonGroup(self)
        self.known = QRadioButton(self.tr("Choisir mon opérateur dans la liste"), self)
        self.dns = QRadioButton(self.tr("Détecter à partir de l'adresse (DNS)"), self)
        self.file = QRadioButton(self.tr("Utiliser un fichier de profil fourni par mon "
                                         "service informatique"), self)
        for i, button in enumerate((self.known, self.dns, self.file)):
            self.mode.addButton(button, i)
            form.addRow(button)
        self.dns.setChecked(True)
        self.operator = QComboBox(self)
        self.operator.setAccessibleName(self.tr("Opérateur"))
        form.addRow(self.tr("Opérateur"), self.operator)
        row = QHBoxLayout()
        self.file_path = QLineEdit(self)
        self.file_path.setAccessibleName(self.tr("Fichier de profil"))
        browse = QPushButton(self.tr("Parcourir…"), self)
        browse.clicked.connect(self._browse)
        row.addWidget(self.file_path, 1)
        row.addWidget(browse)
        form.addRow(self.tr("Fichier"), row)
        self.address.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.file_path.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.mode.idToggled.connect(lambda _i, _c: self.completeChanged.emit())

    def initializePage(self) -> None:
        """Fill the operator list."""
        setup = self.assistant.setup
        self.operator.clear()
        if setup is not None:
            try:
                names = setup.operators()
            except Exception as exc:  # shown, the other ways remain
                names = []
                self.setSubTitle(describe_error(exc))
            self.operator.addItems(names)
        self.known.setEnabled(self.operator.count() > 0)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Profil d'opérateur"),
                                              str(Path.home()), self.tr("Profils (*.toml)"))
        if path:
            self.file_path.setText(path)

    def isComplete(self) -> bool:
        """An address (or a file) is enough to go on."""
        if self.file.isChecked():
            return bool(self.file_path.text().strip())
        return "@" in self.address.text()


class _TestPage(QWizardPage):
    """Finds the profile, shows it, tests the connection."""

    def __init__(self, assistant: FirstRunAssistant) -> None:
        super().__init__(assistant)
        self.assistant = assistant
        self.setTitle(self.tr("Test de la connexion"))
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("firstRunSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.result = QLabel(self)
        self.result.setObjectName("firstRunResult")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.retry = QPushButton(self.tr("Tester à nouveau"), self)
        self.retry.clicked.connect(self._test)
        layout.addWidget(self.retry)
        layout.addStretch(1)
        self.choice: ProfileChoice | None = None
        self.tested = False

    def initializePage(self) -> None:
        """Resolve the profile on a worker, then test it."""
        self.choice = None
        self.tested = False
        self.summary.setText(self.tr("Recherche de votre opérateur…"))
        self.result.setText("")
        setup = self.assistant.setup
        page = self.assistant.choose_page
        if setup is None:
            self.summary.setText(self.tr("La configuration n'est pas disponible."))
            return
        address = page.address.text().strip()
        if page.file.isChecked():
            job = partial(setup.from_file, Path(page.file_path.text().strip()))
        elif page.known.isChecked():
            job = partial(setup.from_operator, page.operator.currentText(), address)
        else:
            job = partial(setup.discover, address)
        self.assistant.pool.submit(job, on_result=self._found, on_error=self._failed,
                                   owner=self)

    def _found(self, choice: ProfileChoice) -> None:
        self.choice = choice
        esc = html.escape
        domain = choice.address.rpartition("@")[2]
        operator = choice.operator
        if not operator or operator.lower().endswith(".toml") or operator == domain:
            # Found by DNS or in a file: the operator is the one of the mail domain.
            operator = self.tr("l'opérateur de %1").replace("%1", domain)
        operator_label = self.tr("Opérateur")
        address_label = self.tr("Adresse")
        method_label = self.tr("Connexion")
        servers_label = self.tr("Serveurs")
        self.summary.setText("<br>".join([
            f"{esc(operator_label)} : <b>{esc(operator)}</b>",
            f"{esc(address_label)} : {esc(choice.address)}",
            f"{esc(method_label)} : {esc(method_words(choice.method))}",
            f"{esc(servers_label)} : {esc(choice.imap)}, {esc(choice.smtp)}",
        ]))
        self._test()

    def _test(self) -> None:
        setup = self.assistant.setup
        if self.choice is None or setup is None:
            return
        self.result.setText(self.tr("Connexion aux serveurs de l'opérateur…"))
        self.assistant.pool.submit(setup.test_connection, self.choice,
                                   on_result=self._tested, on_error=self._failed, owner=self)

    def _tested(self, summary: str) -> None:
        self.tested = True
        self.result.setText("✔ " + self.tr("Connexion réussie.") + f" {summary}")
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self.result.setText("✖ " + describe_error(exc))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        """A profile was found (a failed test may be a network issue: allowed, said)."""
        return self.choice is not None


class _DirectoryPage(QWizardPage):
    """What autocomplete needs, and the directory import (progress, cancel)."""

    def __init__(self, assistant: FirstRunAssistant, directory: DirectoryService) -> None:
        super().__init__(assistant)
        self.assistant = assistant
        self.directory = directory
        self.setTitle(self.tr("Annuaire national MSSanté"))
        layout = QVBoxLayout(self)
        explain = QLabel(self.tr(
            "Pour trouver un correspondant en tapant quelques lettres de son nom, "
            "l'application a besoin de l'annuaire national publié par l'ANS. "
            "Téléchargez le fichier « Extraction_Correspondance_MSSante » (ZIP) sur "
            "annuaire.sante.fr, puis importez-le ici. Vous pourrez aussi le faire plus "
            "tard depuis la fenêtre Annuaire."), self)
        explain.setWordWrap(True)
        layout.addWidget(explain)
        row = QHBoxLayout()
        self.import_button = QPushButton(self.tr("Importer l'extraction…"), self)
        self.import_button.setObjectName("firstRunDirectoryImport")
        self.import_button.clicked.connect(self._choose)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Progression de l'import"))
        self.progress.hide()
        self.cancel_button = QPushButton(self.tr("Annuler l'import"), self)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        row.addWidget(self.import_button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.status = QLabel(self)
        self.status.setObjectName("firstRunDirectoryStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._token: CancelToken | None = None
        self.imported = 0

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Extraction de l'annuaire MSSanté"), str(Path.home()),
            self.tr("Extractions (*.zip *.txt)"))
        if path:
            self.start_import(Path(path))

    def start_import(self, path: Path) -> None:
        """Import ``path`` on a worker (tests call this instead of the file dialog)."""
        if self._token is not None:
            return
        self._token = CancelToken()
        self.import_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.status.setText(self.tr("Import de %1…").replace("%1", path.name))
        self.assistant.pool.submit(
            self.directory.import_file, path, cancel=self._token,
            on_progress=self._progress, on_result=self._done, on_error=self._failed,
            on_finished=self._ended, owner=self)

    def cancel(self) -> None:
        """Stop the import; nothing is lost (the previous index, if any, stays)."""
        if self._token is not None:
            self._token.cancel()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _done(self, count: int) -> None:
        self.imported = int(count)
        self.status.setText(self.tr("%n fiche(s) importée(s) : l'autocomplétion est prête.",
                                    "", self.imported))

    def _failed(self, exc: BaseException) -> None:
        if is_cancellation(exc):
            self.status.setText(self.tr(
                "Import annulé. Vous pourrez importer l'annuaire depuis la fenêtre "
                "Annuaire."))
        else:
            self.status.setText(describe_error(exc))

    def _ended(self) -> None:
        self._token = None
        self.import_button.setEnabled(True)
        self.progress.hide()
        self.cancel_button.hide()


class FirstRunAssistant(QWizard):
    """Creates the first operator profile, then offers the directory import."""

    profile_saved = Signal(object)  # Path

    def __init__(self, setup: ProfileSetup | None, pool: WorkerPool,
                 parent: QWidget | None = None,
                 directory: DirectoryService | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunAssistant")
        self.setWindowTitle(self.tr("Bienvenue dans Compagnon MSSanté"))
        self.setup = setup
        self.pool = pool
        self.choose_page = _ChoosePage(self)
        self.test_page = _TestPage(self)
        self.addPage(self.choose_page)
        self.addPage(self.test_page)
        self.directory_page = (_DirectoryPage(self, directory) if directory is not None
                               else None)
        if self.directory_page is not None:
            self.addPage(self.directory_page)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Suivant"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("Précédent"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Terminer"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Annuler"))
        self._saved = False

    def validateCurrentPage(self) -> bool:
        """Save the profile when leaving the test page (the directory page is extra)."""
        if self.currentPage() is self.test_page and self.directory_page is not None:
            return self._save()
        return super().validateCurrentPage()

    def _save(self) -> bool:
        if self._saved:
            return True
        choice = self.test_page.choice
        if choice is None or self.setup is None:
            return False
        try:
            path = self.setup.save(choice)
        except Exception as exc:  # a local file write; shown on the page
            self.test_page.result.setText("✖ " + describe_error(exc))
            return False
        self._saved = True
        self.profile_saved.emit(path)
        return True

    def accept(self) -> None:
        """Save the profile (if not yet), then close."""
        if self.directory_page is not None:
            self.directory_page.cancel()
        if not self._save():
            return
        super().accept()
