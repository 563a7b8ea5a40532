"""First run without a profile: pick the operator, test the connection, save.

Three ways to a profile: the list of known operators, DNS autodiscovery from
the mailbox address (RFC 6186 SRV records), or a profile file from the IT admin. The
assistant then tests the connection on a worker and saves the profile through
``client.profiles``.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ui.backend import ProfileChoice, ProfileSetup
from ui.wording import describe_error
from ui.workers import WorkerPool

__all__ = ["FirstRunAssistant"]

logger = logging.getLogger(__name__)


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

    def initializePage(self) -> None:  # noqa: N802
        """Fill the operator list."""
        setup = self.assistant.setup
        self.operator.clear()
        if setup is not None:
            try:
                names = setup.operators()
            except Exception as exc:  # noqa: BLE001 - shown, the other ways remain
                names = []
                self.setSubTitle(describe_error(exc))
            self.operator.addItems(names)
        self.known.setEnabled(self.operator.count() > 0)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Profil d'opérateur"),
                                              str(Path.home()), self.tr("Profils (*.toml)"))
        if path:
            self.file_path.setText(path)

    def isComplete(self) -> bool:  # noqa: N802
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

    def initializePage(self) -> None:  # noqa: N802
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
            job, args = setup.from_file, (Path(page.file_path.text().strip()),)
        elif page.known.isChecked():
            job, args = setup.from_operator, (page.operator.currentText(), address)
        else:
            job, args = setup.discover, (address,)
        self.assistant.pool.submit(job, *args, on_result=self._found, on_error=self._failed,
                                   owner=self)

    def _found(self, choice: ProfileChoice) -> None:
        self.choice = choice
        esc = html.escape
        address_label = self.tr("Adresse")
        auth_label = self.tr("Authentification")
        self.summary.setText("<br>".join([
            f"<b>{esc(choice.operator or choice.address)}</b>",
            f"{esc(address_label)} : {esc(choice.address)}",
            f"IMAP : {esc(choice.imap)}",
            f"SMTP : {esc(choice.smtp)}",
            f"{esc(auth_label)} : {esc(choice.method)}",
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

    def isComplete(self) -> bool:  # noqa: N802
        """A profile was found (a failed test may be a network issue: allowed, said)."""
        return self.choice is not None


class FirstRunAssistant(QWizard):
    """Creates the first operator profile."""

    profile_saved = Signal(object)  # Path

    def __init__(self, setup: ProfileSetup | None, pool: WorkerPool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunAssistant")
        self.setWindowTitle(self.tr("Bienvenue dans Compagnon MSSanté"))
        self.setup = setup
        self.pool = pool
        self.choose_page = _ChoosePage(self)
        self.test_page = _TestPage(self)
        self.addPage(self.choose_page)
        self.addPage(self.test_page)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Suivant"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("Précédent"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Terminer"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Annuler"))

    def accept(self) -> None:
        """Save the profile, then close."""
        choice = self.test_page.choice
        if choice is None or self.setup is None:
            return
        try:
            path = self.setup.save(choice)
        except Exception as exc:  # noqa: BLE001 - a local file write; shown on the page
            self.test_page.result.setText("✖ " + describe_error(exc))
            return
        self.profile_saved.emit(path)
        super().accept()
