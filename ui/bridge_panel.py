"""The bridge panel: a switch for the local bridge, its status, the mail client settings,
the certificate export and the one-click Thunderbird setup.

The panel holds no bridge logic: it calls a :class:`BridgeController` (the UI assembly
gives it a factory that builds the :class:`client.bridge.Bridge` over the app's card
gate). Starting binds two loopback ports (fast, on the GUI thread is fine); signing in
to the operator happens later, on the bridge's own threads, when a mail client
connects. The Thunderbird setup (NSS tools, files) runs on the worker pool. The status
is polled every second (``Bridge.status()`` only reads counters).

Wiring in the main window (the assembly owns the card service, watcher and PinPrompt)::

    gate = CardGate(lambda: build_authenticator(profile, pin_prompt=dialog_prompt,
                                                card_service=card_service), profile.address)
    watcher.subscribe(gate.on_event)          # cps CardWatcher: removal closes sessions
    controller = BridgeController(lambda: Bridge(
        gate, load_or_create_password(), load_or_create_certificate(),
        policy=RecipientPolicy(load_trust_space())))
    panel = BridgePanel(controller, pool=worker_pool)

``dialog_prompt.ask_pin`` is called on a bridge thread (once per card insertion): it
must hand the request to the GUI thread and wait for the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.wording import describe_error
from ui.workers import WorkerPool

if TYPE_CHECKING:  # the bridge and Thunderbird modules load when used
    from client.bridge import Bridge
    from client.thunderbird import SetupReport

__all__ = ["BridgeController", "BridgePanel", "card_state_text", "settings_text"]

logger = logging.getLogger(__name__)

def card_state_text(state: str) -> str:
    """The bridge's card state (``BridgeStatus.card_state``) in the interface language."""
    # Module-level strings use the panel's Linguist context (lupdate reads the literals).
    states = {
        "ready": QCoreApplication.translate("BridgePanel", "connecté avec la carte CPS"),
        "waiting": QCoreApplication.translate(
            "BridgePanel",
            "en attente du premier logiciel de messagerie (le code PIN sera demandé alors)"),
        "removed": QCoreApplication.translate(
            "BridgePanel", "carte retirée : insérez votre carte CPS"),
        "pin-refused": QCoreApplication.translate(
            "BridgePanel",
            "code PIN non saisi : retirez puis réinsérez la carte pour réessayer"),
        "sign-in-failed": QCoreApplication.translate(
            "BridgePanel", "échec de la connexion à l'opérateur"),
    }
    return states.get(state, state)


def settings_text(settings: dict[str, Any]) -> str:
    """The settings a user copies into the mail client (in the interface language)."""
    imap, smtp = settings["imap"], settings["smtp"]
    lines = [
        QCoreApplication.translate("BridgePanel", "Nom d'utilisateur : {user}")
        .replace("{user}", settings["user"]),
        QCoreApplication.translate(
            "BridgePanel",
            "Serveur entrant (IMAP) : {host} port {port}, STARTTLS, mot de passe normal")
        .replace("{host}", imap["host"]).replace("{port}", str(imap["port"])),
        QCoreApplication.translate(
            "BridgePanel",
            "Serveur sortant (SMTP) : {host} port {port}, STARTTLS, mot de passe normal")
        .replace("{host}", smtp["host"]).replace("{port}", str(smtp["port"])),
        QCoreApplication.translate("BridgePanel", "Certificat : {path}")
        .replace("{path}", str(settings["certificate"])),
        f"SHA-256 : {settings['fingerprint_sha256']}",
    ]
    if "password" in settings:
        lines.append(QCoreApplication.translate("BridgePanel", "Mot de passe : {password}")
                     .replace("{password}", settings["password"]))
    return "\n".join(lines)


class BridgeController:
    """Starts and stops one bridge built by ``factory`` (the app's card gate inside).

    Args:
        factory: builds a not-yet-started :class:`client.bridge.Bridge`.
        setup_thunderbird: provisions the default Thunderbird profile for ``settings``
            (default: :func:`client.thunderbird.setup_bridge` on the default profile).
    """

    def __init__(self, factory: Callable[[], Bridge],
                 setup_thunderbird: Callable[[dict[str, Any]], SetupReport] | None = None
                 ) -> None:
        self._factory = factory
        self._setup = setup_thunderbird or _setup_default_profile
        self.bridge: Bridge | None = None

    @property
    def running(self) -> bool:
        """Whether a bridge is listening."""
        return self.bridge is not None

    def start(self) -> None:
        """Build and start the bridge (raises the bridge's errors, nothing left bound)."""
        if self.bridge is None:
            self.bridge = self._factory().start()

    def stop(self) -> None:
        """Stop the bridge (closes every client session)."""
        bridge, self.bridge = self.bridge, None
        if bridge is not None:
            bridge.stop()

    def setup_thunderbird(self) -> SetupReport:
        """Provision Thunderbird for the running bridge (blocking: call on a worker)."""
        if self.bridge is None:
            raise RuntimeError("start the bridge first")
        return self._setup(self.bridge.settings(show_password=True))


def _setup_default_profile(settings: dict[str, Any]) -> SetupReport:
    from client.thunderbird import BridgeAccount, default_profile, setup_bridge

    account = BridgeAccount(settings["user"], settings["user"].split("@", 1)[0],
                            settings["imap"]["port"], settings["smtp"]["port"],
                            Path(settings["certificate"]), settings.get("password"))
    return setup_bridge(default_profile().path, account)


class BridgePanel(QWidget):
    """Switch, status, settings to copy, certificate export, Thunderbird button."""

    #: The bridge started (True) or stopped (False).
    running_changed = Signal(bool)

    def __init__(self, controller: BridgeController, pool: WorkerPool | None = None,
                 parent: QWidget | None = None, *, poll_ms: int = 1000) -> None:
        super().__init__(parent)
        self.controller = controller
        self.pool = pool or WorkerPool(self)
        self.switch = QCheckBox(self.tr("Pont local pour Thunderbird et Outlook"))
        self.status_label = QLabel(self.tr("Arrêté"))
        self.status_label.setWordWrap(True)
        self.settings_view = QPlainTextEdit()
        self.settings_view.setReadOnly(True)
        self.copy_button = QPushButton(self.tr("Copier les paramètres"))
        self.password_button = QPushButton(self.tr("Afficher le mot de passe"))
        self.export_button = QPushButton(self.tr("Exporter le certificat…"))
        self.thunderbird_button = QPushButton(self.tr("Configurer Thunderbird"))
        self.message_label = QLabel("")
        self.message_label.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.copy_button, self.password_button, self.export_button,
                       self.thunderbird_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        for widget in (self.switch, self.status_label, self.settings_view):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(self.message_label)
        self.switch.toggled.connect(self._toggled)
        self.copy_button.clicked.connect(self._copy)
        self.password_button.clicked.connect(lambda: self._show_settings(True))
        self.export_button.clicked.connect(self._export)
        self.thunderbird_button.clicked.connect(self._thunderbird)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.refresh)
        self._enable(False)

    def _enable(self, running: bool) -> None:
        for button in (self.copy_button, self.password_button, self.export_button,
                       self.thunderbird_button):
            button.setEnabled(running)

    def _toggled(self, on: bool) -> None:
        if on == self.controller.running:
            return
        if on:
            try:
                self.controller.start()
            except Exception as exc:  # shown to the user, switch back off
                logger.warning("bridge did not start: %s", type(exc).__name__)
                self.message_label.setText(self.tr("Le pont n'a pas démarré : {0}")
                                           .replace("{0}", describe_error(exc)))
                self.switch.blockSignals(True)
                self.switch.setChecked(False)
                self.switch.blockSignals(False)
                return
            self._show_settings(False)
            self._timer.start()
        else:
            self._timer.stop()
            self.controller.stop()
            self.settings_view.clear()
        self._enable(on)
        self.refresh()
        self.running_changed.emit(on)

    def _show_settings(self, with_password: bool) -> None:
        bridge = self.controller.bridge
        if bridge is not None:
            self.settings_view.setPlainText(settings_text(
                bridge.settings(show_password=with_password)))

    def refresh(self) -> None:
        """Show the bridge status (listening, clients, card, last error)."""
        bridge = self.controller.bridge
        if bridge is None:
            self.status_label.setText(self.tr("Arrêté"))
            return
        status = bridge.status()
        text = self.tr("À l'écoute sur {host} (IMAP {imap}, SMTP {smtp}) ; %n "
                       "connexion(s) de logiciel de messagerie ; carte : {card}", "",
                       status.connected_clients)
        text = (text.replace("{host}", status.host).replace("{imap}", str(status.imap_port))
                .replace("{smtp}", str(status.smtp_port))
                .replace("{card}", card_state_text(status.card_state)))
        if status.last_error:
            # Worded in the user's language (the English text is the command line's).
            problem = getattr(status, "last_exception", None)
            words = (describe_error(problem) if isinstance(problem, BaseException)
                     else self.tr("une erreur technique (détails dans le journal de "
                                  "l'application)."))
            text += "\n" + self.tr("Dernière erreur : ") + words
        self.status_label.setText(text)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.settings_view.toPlainText())

    def _export(self) -> None:
        bridge = self.controller.bridge
        if bridge is None:
            return
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Exporter le certificat du pont"),
                                                "mssante-bridge.pem", "PEM (*.pem)")
        if target:
            self.export_to(Path(target))

    def export_to(self, target: Path) -> None:
        """Write the bridge certificate to ``target`` (the file dialog's choice)."""
        bridge = self.controller.bridge
        if bridge is None:
            return
        try:
            bridge.certificate.export(target)
        except Exception as exc:  # shown to the user
            self.message_label.setText(describe_error(exc))
            return
        self.message_label.setText(self.tr("Certificat enregistré dans ") + str(target))

    def _thunderbird(self) -> None:
        self.thunderbird_button.setEnabled(False)
        self.message_label.setText(self.tr("Configuration de Thunderbird…"))
        self.pool.submit(self.controller.setup_thunderbird, on_result=self._setup_done,
                         on_error=self._setup_failed, owner=self)

    def _setup_done(self, report: SetupReport) -> None:
        self.thunderbird_button.setEnabled(self.controller.running)
        # The report's actions are the command line's English log: the user is told
        # where, and what to do next, in their language.
        self.message_label.setText(
            self.tr("Thunderbird est configuré dans le profil %1 : redémarrez-le, le compte "
                    "MSSanté passe par le pont.").replace("%1", str(report.profile)))

    def _setup_failed(self, exc: BaseException) -> None:
        self.thunderbird_button.setEnabled(self.controller.running)
        self.message_label.setText(
            self.tr("Échec de la configuration de Thunderbird : ") + describe_error(exc))

    def closeEvent(self, event: Any) -> None:  # Qt's name
        """Stop polling when the panel closes (the bridge keeps its own lifetime)."""
        self._timer.stop()
        super().closeEvent(event)
