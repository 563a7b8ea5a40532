"""Settings: profile, PKCS#11 module, trust anchors, directory and liste blanche,
language, remote content. Preferences of the app are saved in :class:`Preferences`;
what belongs to ``client`` (profile, anchors, imports) goes through its services."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Services
from ui.i18n import LANGUAGES, install_language
from ui.preferences import Preferences
from ui.wording import describe_error
from ui.workers import WorkerPool

__all__ = ["SettingsDialog"]

logger = logging.getLogger(__name__)


def _file_row(parent: QWidget, edit: QLineEdit, title: str, pattern: str) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    button = QPushButton(QCoreApplication.translate("SettingsDialog", "Parcourir…"), parent)

    def browse() -> None:
        path, _ = QFileDialog.getOpenFileName(parent, title, str(Path.home()), pattern)
        if path:
            edit.setText(path)

    button.clicked.connect(browse)
    row.addWidget(button)
    return row


class SettingsDialog(QDialog):
    """Tabs of settings; OK saves."""

    def __init__(self, services: Services, preferences: Preferences, pool: WorkerPool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Paramètres"))
        self.services = services
        self.preferences = preferences
        self.pool = pool
        tabs = QTabWidget(self)

        account = QWidget(tabs)
        form = QFormLayout(account)
        self.profile = QLineEdit(preferences.profile_path or
                                 str(services.profile_path or ""), account)
        self.profile.setAccessibleName(self.tr("Profil de l'opérateur"))
        form.addRow(self.tr("Profil de l'opérateur"),
                    _file_row(self, self.profile, self.tr("Profil"), "*.toml"))
        self.module = QLineEdit(preferences.pkcs11_module or "auto", account)
        self.module.setAccessibleName(self.tr("Module PKCS#11"))
        form.addRow(self.tr("Module PKCS#11 (Cryptolib CPS)"),
                    _file_row(self, self.module, self.tr("Module PKCS#11"),
                              "*.so *.dll *.dylib"))
        hint = QLabel(self.tr("« auto » : emplacements standards de la Cryptolib CPS."),
                      account)
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.ecps_idle = QSpinBox(account)
        self.ecps_idle.setRange(1, 480)
        self.ecps_idle.setSuffix(self.tr(" min"))
        self.ecps_idle.setValue(preferences.ecps_idle_minutes)
        self.ecps_idle.setAccessibleName(self.tr("Verrouillage e-CPS après inactivité"))
        form.addRow(self.tr("Verrouillage e-CPS après inactivité"), self.ecps_idle)
        tabs.addTab(account, self.tr("Compte et carte"))

        trust = QWidget(tabs)
        trust_layout = QVBoxLayout(trust)
        trust_layout.addWidget(QLabel(self.tr(
            "Autorités de confiance ajoutées (en plus de l'IGC-Santé livrée) :"), trust))
        self.anchors = QListWidget(trust)
        self.anchors.setAccessibleName(self.tr("Autorités de confiance"))
        self.anchors.addItems(preferences.extra_anchors)
        trust_layout.addWidget(self.anchors)
        row = QHBoxLayout()
        add = QPushButton(self.tr("Ajouter…"), trust)
        add.clicked.connect(self._add_anchor)
        remove = QPushButton(self.tr("Retirer"), trust)
        remove.clicked.connect(lambda: [self.anchors.takeItem(self.anchors.row(i))
                                        for i in self.anchors.selectedItems()])
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        trust_layout.addLayout(row)
        tabs.addTab(trust, self.tr("Confiance"))

        data = QWidget(tabs)
        data_layout = QFormLayout(data)
        whitelist = QPushButton(self.tr("Importer la liste blanche…"), data)
        whitelist.setObjectName("importWhitelist")
        whitelist.clicked.connect(self._import_whitelist)
        whitelist.setEnabled(services.trust is not None)
        data_layout.addRow(self.tr("Liste blanche MSSanté"), whitelist)
        self.refresh_button = QPushButton(self.tr("Mettre à jour depuis l'ANS"), data)
        self.refresh_button.setObjectName("refreshPublished")
        self.refresh_button.clicked.connect(self.refresh_published)
        self.refresh_button.setEnabled(callable(getattr(services.directory, "refresh", None)))
        data_layout.addRow(self.tr("Annuaire et liste blanche publiés"), self.refresh_button)
        directory = QPushButton(self.tr("Ouvrir l'annuaire pour l'importer…"), data)
        directory.clicked.connect(self._open_directory)
        data_layout.addRow(self.tr("Annuaire national"), directory)
        self.data_status = QLabel(data)
        self.data_status.setWordWrap(True)
        data_layout.addRow(self.data_status)
        tabs.addTab(data, self.tr("Annuaire et liste blanche"))

        display = QWidget(tabs)
        display_form = QFormLayout(display)
        self.language = QComboBox(display)
        self.language.setObjectName("languageChoice")
        self.language.setAccessibleName(self.tr("Langue"))
        self.language.addItem(self.tr("Langue du système"), "")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(preferences.language)))
        display_form.addRow(self.tr("Langue"), self.language)
        self.remote = QComboBox(display)
        self.remote.setObjectName("remoteContentChoice")
        self.remote.setAccessibleName(self.tr("Contenu distant"))
        self.remote.addItem(self.tr("Toujours bloquer"), "block")
        self.remote.addItem(self.tr("Bloquer et proposer de l'afficher"), "ask")
        self.remote.addItem(self.tr("Afficher pour les expéditeurs de l'espace de confiance"),
                            "trusted")
        self.remote.setCurrentIndex(max(0, self.remote.findData(preferences.remote_content)))
        display_form.addRow(self.tr("Contenu distant des messages"), self.remote)
        tabs.addTab(display, self.tr("Affichage et confidentialité"))

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Enregistrer"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.tabs = tabs
        self.resize(620, 420)

    def _add_anchor(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Autorité de confiance"),
                                              str(Path.home()),
                                              self.tr("Certificats (*.pem *.crt *.cer)"))
        if path:
            self.anchors.addItem(path)

    def _import_whitelist(self) -> None:
        trust = self.services.trust
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Liste blanche MSSanté"),
                                              str(Path.home()), "*.xml")
        if path and trust is not None:
            self.data_status.setText(self.tr("Import de la liste blanche…"))
            self.pool.submit(trust.import_file, Path(path),
                             on_result=lambda n: self.data_status.setText(
                                 self.tr("%n domaine(s) importé(s).", "", int(n))),
                             on_error=lambda exc: self.data_status.setText(
                                 describe_error(exc)), owner=self)

    def refresh_published(self) -> None:
        """Download the current liste blanche and directory extraction (a worker)."""
        refresh = getattr(self.services.directory, "refresh", None)
        if not callable(refresh):
            return
        self.refresh_button.setEnabled(False)
        self.data_status.setText(self.tr("Téléchargement des fichiers publiés…"))
        self.pool.submit(refresh, on_result=self._refreshed, on_error=self._refresh_failed,
                         owner=self)

    def _refreshed(self, outcomes: list[tuple[str, str, str]]) -> None:
        self.refresh_button.setEnabled(True)
        names = {"whitelist": self.tr("Liste blanche"), "directory": self.tr("Annuaire")}
        states = {"refreshed": self.tr("mis à jour"), "skipped": self.tr("inchangé"),
                  "failed": self.tr("échec")}
        lines = []
        for name, status, detail in outcomes:
            line = f"{names.get(name, name)} : {states.get(status, status)}"
            lines.append(f"{line} ({detail})" if detail and status == "failed" else line)
        self.data_status.setText("\n".join(lines))
        reload = getattr(self.services.trust, "reload", None)
        if callable(reload):
            reload()

    def _refresh_failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.data_status.setText(describe_error(exc))

    def _open_directory(self) -> None:
        parent = self.parent()
        opener = getattr(parent, "open_directory", None)
        if callable(opener):
            opener()

    def accept(self) -> None:
        """Save and apply (language applies to windows opened from now on)."""
        prefs = self.preferences
        prefs.profile_path = self.profile.text().strip()
        prefs.pkcs11_module = self.module.text().strip()
        prefs.extra_anchors = [self.anchors.item(i).text() for i in range(self.anchors.count())]
        language = str(self.language.currentData() or "")
        if language != prefs.language:
            prefs.language = language
            install_language(language or None)
        prefs.remote_content = str(self.remote.currentData())
        prefs.ecps_idle_minutes = self.ecps_idle.value()
        prefs.sync()
        super().accept()
