"""Settings: profile, PKCS#11 module, trust anchors, directory and liste blanche,
language, remote content. Preferences of the app are saved in :class:`Preferences`;
what belongs to ``client`` (profile, anchors, imports) goes through its services.

Settings never break the card: an empty module field means automatic discovery (never
written as a path); a path is loaded as a PKCS#11 library and its slots listed, on a
worker, before it is saved, and refused with the reason otherwise; a saved change
rebuilds the card access at once (no restart). The language applies to every open
window at once."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QLocale, Signal
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

from ui.app_events import app_events
from ui.backend import RefreshingDirectory, ReloadableTrust, Services
from ui.i18n import LANGUAGES, install_language, retranslate_windows
from ui.preferences import Preferences, is_automatic
from ui.receipt_bar import ReceiptBar, ReceiptPreference
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


def whitelist_status_text(status: object) -> str:
    """The liste blanche in force, in words: origin, number of domains, date."""
    origin = str(getattr(status, "origin", "none"))
    count = int(getattr(status, "domains", 0) or 0)
    if origin == "none":
        return QCoreApplication.translate("SettingsDialog",
                  "Aucune liste blanche : seuls les patients et les adresses de votre "
                  "opérateur sont acceptés. Importez la liste ou mettez-la à jour depuis "
                  "l'ANS.")
    generated = getattr(status, "generated", None)
    date = (QLocale().toString(QDate(generated.year, generated.month, generated.day),
                               QLocale.FormatType.LongFormat) if generated else "?")
    if origin == "shipped":
        text = QCoreApplication.translate(
            "SettingsDialog", "Liste livrée avec l'application : %n domaine(s), publiée le %1.",
            "", count)
    else:
        text = QCoreApplication.translate(
            "SettingsDialog", "Liste importée : %n domaine(s), publiée le %1.", "", count)
    text = text.replace("%1", date)
    if getattr(status, "error", None) is not None:
        text += " " + QCoreApplication.translate(
            "SettingsDialog", "Le fichier importé est illisible : la liste livrée avec "
            "l'application le remplace ; importez-la à nouveau.")
    return text


class SettingsDialog(QDialog):
    """Tabs of settings; "Enregistrer" checks the module, then saves and applies."""

    #: Emitted after the settings were saved and applied.
    applied = Signal()

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
        self.module = QLineEdit(preferences.pkcs11_module, account)
        self.module.setObjectName("pkcs11Module")
        self.module.setAccessibleName(self.tr("Module PKCS#11"))
        self.module.setPlaceholderText(self.tr("automatique"))
        self.module.setClearButtonEnabled(True)
        form.addRow(self.tr("Module PKCS#11 (Cryptolib CPS)"),
                    _file_row(self, self.module, self.tr("Module PKCS#11"),
                              "*.so *.dll *.dylib"))
        hint = QLabel(self.tr("Vide : automatique (le module du profil, sinon les "
                              "emplacements standards de la Cryptolib CPS)."), account)
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.module_status = QLabel(account)
        self.module_status.setObjectName("pkcs11ModuleStatus")
        self.module_status.setWordWrap(True)
        form.addRow("", self.module_status)
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
        self.whitelist_status = QLabel(data)
        self.whitelist_status.setObjectName("whitelistStatus")
        self.whitelist_status.setWordWrap(True)
        data_layout.addRow(self.whitelist_status)
        self.show_whitelist_status()
        whitelist = QPushButton(self.tr("Importer la liste blanche…"), data)
        whitelist.setObjectName("importWhitelist")
        whitelist.clicked.connect(self._import_whitelist)
        whitelist.setEnabled(services.trust is not None)
        data_layout.addRow(self.tr("Liste blanche MSSanté"), whitelist)
        self.refresh_button = QPushButton(self.tr("Mettre à jour depuis l'ANS"), data)
        self.refresh_button.setObjectName("refreshPublished")
        self.refresh_button.clicked.connect(self.refresh_published)
        self.refresh_button.setEnabled(isinstance(services.directory, RefreshingDirectory))
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
        # The same preference as the receipt bar's "Préférences" menu, found where the
        # other privacy choices are.
        self.receipt_preference = ReceiptPreference()
        self.receipts = QComboBox(display)
        self.receipts.setObjectName("readReceiptChoice")
        self.receipts.setAccessibleName(self.tr("Accusés de lecture"))
        for action, value in ((ReceiptBar.ask_text(), "ask"), (ReceiptBar.never_text(), "never")):
            self.receipts.addItem(action, value)
        self.receipts.setCurrentIndex(
            max(0, self.receipts.findData(self.receipt_preference.policy)))
        display_form.addRow(self.tr("Accusés de lecture demandés"), self.receipts)
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
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.resize(620, 420)

    def show_whitelist_status(self) -> None:
        """Origin, size and date of the liste blanche in force."""
        status = getattr(self.services.trust, "status", None)
        self.whitelist_status.setText(whitelist_status_text(status()) if callable(status)
                                      else "")

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
                             on_result=self._whitelist_imported,
                             on_error=lambda exc: self.data_status.setText(
                                 describe_error(exc)), owner=self)

    def _whitelist_imported(self, count: int) -> None:
        self.data_status.setText(self.tr("%n domaine(s) importé(s).", "", int(count)))
        self.show_whitelist_status()

    def refresh_published(self) -> None:
        """Download the current liste blanche and directory extraction (a worker)."""
        directory = self.services.directory
        if not isinstance(directory, RefreshingDirectory):
            return
        self.refresh_button.setEnabled(False)
        self.data_status.setText(self.tr("Téléchargement des fichiers publiés…"))
        self.pool.submit(directory.refresh, on_result=self._refreshed,
                         on_error=self._refresh_failed, owner=self)

    def _refreshed(self, outcomes: list[tuple[str, str, str]]) -> None:
        self.refresh_button.setEnabled(True)
        self.data_status.setText(refresh_outcomes_text(outcomes))
        if isinstance(self.services.trust, ReloadableTrust):
            self.services.trust.reload()
        self.show_whitelist_status()

    def _refresh_failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.data_status.setText(describe_error(exc))

    def _open_directory(self) -> None:
        parent = self.parent()
        opener = getattr(parent, "open_directory", None)
        if callable(opener):
            opener()

    def accept(self) -> None:
        """Check a new module path (on a worker), then save and apply."""
        module = self.module.text().strip()
        if is_automatic(module):
            module = ""
            self.module.clear()
        if not module or module == self.preferences.pkcs11_module:
            self._save(module)
            return
        from cps.middleware import probe_pkcs11_module

        self.save_button.setEnabled(False)
        self.module_status.setText(self.tr("Vérification du module PKCS#11…"))
        self.pool.submit(probe_pkcs11_module, Path(module),
                         on_result=lambda _slots: self._save(module),
                         on_error=self._module_refused, owner=self)

    def _module_refused(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.tabs.setCurrentIndex(0)
        self.module_status.setText(
            self.tr("Ce module n'est pas enregistré : %1").replace("%1", describe_error(exc)))

    def _save(self, module: str) -> None:
        prefs = self.preferences
        card_changed = (module != prefs.pkcs11_module
                        or self.profile.text().strip() != prefs.profile_path)
        prefs.profile_path = self.profile.text().strip()
        prefs.pkcs11_module = module
        prefs.extra_anchors = [self.anchors.item(i).text() for i in range(self.anchors.count())]
        language = str(self.language.currentData() or "")
        language_changed = language != prefs.language
        prefs.language = language
        prefs.remote_content = str(self.remote.currentData())
        self.receipt_preference.policy = str(self.receipts.currentData())
        prefs.ecps_idle_minutes = self.ecps_idle.value()
        prefs.sync()
        if card_changed:
            self._apply_card()
        if language_changed:
            applied = install_language(language or None)
            retranslate_windows()
            app_events().language_changed.emit(applied)
        self.applied.emit()
        super().accept()

    def _apply_card(self) -> None:
        """Use the new module or profile now: rebuild the card access and, unless a
        session is open on the current one, start watching the card again."""
        session = getattr(self.parent(), "session", None)
        if session is not None and getattr(session, "mail", None) is not None:
            logger.info("card settings saved; they apply at the next sign-in")
            return
        from ui.live import build_card

        if self.services.card is not None or "card_error" in self.services.extras:
            build_card(self.services, self.preferences)
            start = getattr(session, "start", None)
            if callable(start):
                start()


def refresh_outcomes_text(outcomes: list[tuple[str, str, str]]) -> str:
    """What a refresh did, one line per source, in words (never a raw error)."""
    translate = QCoreApplication.translate
    names = {"whitelist": translate("SettingsDialog", "Liste blanche"),
             "directory": translate("SettingsDialog", "Annuaire")}
    states = {"refreshed": translate("SettingsDialog", "nouvelle version importée"),
              "unchanged": translate("SettingsDialog", "déjà à jour"),
              "skipped": translate("SettingsDialog", "vérifiée récemment"),
              "failed": translate("SettingsDialog", "échec")}
    lines = []
    for name, status, detail in outcomes:
        line = f"{names.get(name, name)} : {states.get(status, status)}"
        # A failure's detail is already worded by the service (describe_error).
        lines.append(f"{line} ({detail})" if detail and status == "failed" else line)
    return "\n".join(lines)
