"""The Tools menu's own windows: the Thunderbird bridge and the security log.

Assembly only (the main window stays a list of actions): this module builds the
:class:`ui.bridge_panel.BridgePanel` over the app's card and PIN dialog, and the
:class:`ui.audit_view.AuditView` over the default audit trail, each in a non-modal window
opened once and raised afterwards.

The bridge follows the wiring of :mod:`ui.bridge_panel`: one :class:`client.bridge.CardGate`
per application (built at the first start), whose opener factory signs in through the
app's card service with the app's PIN dialog (asked from a bridge thread: the
``QtPinPrompt`` hands the request to the GUI thread), and whose ``on_event`` follows the
app's card watcher (a removal closes every bridge session: no mailbox access without the
card in the reader). The bridge outlives its window; it stops when the app closes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from ui.audit_view import AuditView
from ui.backend import Services
from ui.bridge_panel import BridgeController, BridgePanel
from ui.workers import WorkerPool

if TYPE_CHECKING:  # the bridge's modules load at its first start, not with the window
    from client.audit import AuditLog
    from client.bridge import Bridge, BridgeConfig, CardGate
    from client.bridge.certificate import LocalCertificate
    from client.bridge.credentials import BridgePassword
    from client.sessions import SessionOpener
    from cps.events import WatcherEvent
    from cps.pin import PinPrompt

__all__ = ["BridgeAssembly", "BridgeCard", "BridgeUnavailable", "ToolWindows"]

logger = logging.getLogger(__name__)


@runtime_checkable
class BridgeCard(Protocol):
    """What the bridge needs of the app's card (:class:`ui.live.LiveCard` has it)."""

    @property
    def address(self) -> str:
        """The mailbox address of the profile."""

    def session_opener(self, pin_prompt: PinPrompt) -> SessionOpener:
        """A signed-in ``client.sessions.SessionOpener`` (asks the PIN)."""

    def subscribe(self, callback: Callable[[WatcherEvent], None]) -> Callable[[], None]:
        """Follow the card watcher's events; returns an unsubscriber."""


class BridgeUnavailable(Exception):
    """No card sign-in is configured: the bridge has nothing to sign in with."""

    def __init__(self) -> None:
        super().__init__(QCoreApplication.translate(
            "ToolWindows", "aucune connexion par carte CPS n'est configurée : créez un profil "
            "avec l'assistant de configuration (menu Outils, Paramètres)."))


class BridgeAssembly:
    """Builds the bridge over the app's card: one :class:`CardGate`, a new ``Bridge`` per
    start (the :class:`BridgeController` factory).

    Args:
        card: the app's card (``services.card``); ``None`` or another kind: unavailable.
        pin_prompt: the app's PIN dialog (``QtPinPrompt``, callable from any thread).
        config: ``client.bridge.BridgeConfig`` (default ports when ``None``).
        password, certificate: loaders (default: the keyring password and the
            certificate under the app's data folder).
    """

    def __init__(self, card: object, pin_prompt: PinPrompt, *,
                 config: BridgeConfig | None = None,
                 password: Callable[[], BridgePassword] | None = None,
                 certificate: Callable[[], LocalCertificate] | None = None) -> None:
        self.card = card
        self.pin_prompt = pin_prompt
        self.config = config
        self._password = password
        self._certificate = certificate
        self.gate: CardGate | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def _gate(self) -> CardGate:
        from client.bridge import CardGate

        if self.gate is None:
            card = self.card
            if not isinstance(card, BridgeCard):
                raise BridgeUnavailable()
            self.gate = CardGate(lambda: card.session_opener(self.pin_prompt), card.address)
            self._unsubscribe = card.subscribe(self.gate.on_event)
        return self.gate

    def build(self) -> Bridge:
        """A not-yet-started ``client.bridge.Bridge`` (the controller starts it)."""
        from client.bridge import Bridge, load_or_create_certificate, load_or_create_password
        from client.mail.policy import RecipientPolicy, load_trust_space

        gate = self._gate()
        password = (self._password or load_or_create_password)()
        certificate = (self._certificate or load_or_create_certificate)()
        return Bridge(gate, password, certificate,
                      policy=RecipientPolicy(load_trust_space()), config=self.config)

    def close(self) -> None:
        """Stop following the card (application exit)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.gate is not None:
            self.gate.close()


class _ToolDialog(QDialog):
    """A non-modal window around one panel."""

    def __init__(self, title: str, panel: QWidget, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        layout = QVBoxLayout(self)
        layout.addWidget(panel)
        self.panel = panel
        self.resize(720, 480)


class ToolWindows(QObject):
    """Opens (once, then raises) the bridge and security log windows of the main window.

    Args:
        services: the app's services (``services.card`` signs the bridge in).
        pool: the app's worker pool.
        pin_prompt: the app's PIN dialog.
        parent: the main window.
        bridge: the bridge assembly (tests give one with free ports and fake loaders).
        audit_log: the ``client.audit.AuditLog`` to show (default: the app's trail).
    """

    def __init__(self, services: Services, pool: WorkerPool, pin_prompt: PinPrompt,
                 parent: QWidget, *, bridge: BridgeAssembly | None = None,
                 audit_log: AuditLog | None = None) -> None:
        super().__init__(parent)
        self._parent_widget = parent
        self.pool = pool
        self.services = services
        self.bridge = bridge or BridgeAssembly(services.card, pin_prompt)
        self.controller = BridgeController(self.bridge.build)
        self._audit_log = audit_log
        self.bridge_window: _ToolDialog | None = None
        self.bridge_panel: BridgePanel | None = None
        self.audit_window: _ToolDialog | None = None
        self.audit_view: AuditView | None = None

    def open_bridge(self) -> BridgePanel:
        """Show the "Pont Thunderbird" window (the bridge keeps running when it closes)."""
        panel = self.bridge_panel
        if self.bridge_window is None or panel is None:
            panel = self.bridge_panel = BridgePanel(self.controller, pool=self.pool)
            panel.setObjectName("bridgePanel")
            self.bridge_window = _ToolDialog(self.tr("Pont Thunderbird"), panel,
                                             self._parent_widget)
            self.bridge_window.setObjectName("bridgeWindow")
        self._raise(self.bridge_window)
        panel.refresh()
        return panel

    def open_audit(self) -> AuditView:
        """Show the "Journal de sécurité" window, read again each time it opens."""
        view = self.audit_view
        if self.audit_window is None or view is None:
            view = self.audit_view = AuditView(self._audit_log, pool=self.pool)
            self.audit_window = _ToolDialog(self.tr("Journal de sécurité"), view,
                                            self._parent_widget)
            self.audit_window.setObjectName("auditWindow")
        self._raise(self.audit_window)
        view.refresh()
        return view

    @staticmethod
    def _raise(window: QDialog) -> None:
        window.show()
        window.raise_()
        window.activateWindow()

    def shutdown(self) -> None:
        """Stop the bridge (its sessions close) and stop following the card."""
        if self.bridge_window is not None:
            self.bridge_window.close()
        try:
            self.controller.stop()
        except Exception:  # leaving anyway; said in the log
            logger.warning("bridge did not stop cleanly", exc_info=True)
        self.bridge.close()
