"""The bridge as one object: listeners, card gate, status and client settings.

::

    bridge = Bridge(gate, password, certificate, policy=RecipientPolicy(load_trust_space()))
    bridge.start()            # IMAP (STARTTLS) and SMTP (STARTTLS) on 127.0.0.1
    bridge.settings()         # what the mail client needs (ports, user, fingerprint)
    bridge.status()           # listening, connected clients, card state, last error
    bridge.stop()

The CLI (``mssante-companion bridge``) and the desktop app's panel both drive it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from client.bridge.certificate import LocalCertificate
from client.bridge.conn import Listener, check_loopback
from client.bridge.credentials import BridgePassword
from client.bridge.gate import CardGate
from client.bridge.imap import ImapSide
from client.bridge.smtp import SmtpSide
from client.bridge.submit import CacheOpener, OutboxSubmitter
from client.bridge.throttle import AuthThrottle, ConnectionCap
from client.mail.policy import RecipientPolicy

__all__ = ["DEFAULT_IMAP_PORT", "DEFAULT_SMTP_PORT", "Bridge", "BridgeConfig", "BridgeStatus"]

logger = logging.getLogger(__name__)

#: Unprivileged ports (no admin rights needed), easy to tell from the standard ones.
DEFAULT_IMAP_PORT = 1143
DEFAULT_SMTP_PORT = 1587


@dataclass(frozen=True)
class BridgeConfig:
    """Where the bridge listens. Port 0 picks a free port; None disables a listener.

    ``imap_port``/``smtp_port`` speak STARTTLS; ``imaps_port``/``smtps_port`` (optional)
    start TLS at connect time (RFC 8314).
    """

    host: str = "127.0.0.1"
    imap_port: int = DEFAULT_IMAP_PORT
    smtp_port: int = DEFAULT_SMTP_PORT
    imaps_port: int | None = None
    smtps_port: int | None = None


@dataclass(frozen=True)
class BridgeStatus:
    """What the app and the CLI show."""

    listening: bool
    host: str
    imap_port: int | None
    smtp_port: int | None
    connected_clients: int
    relayed_imap_sessions: int
    card_state: str
    last_error: str
    #: The exception behind ``last_error`` (None for none, or none kept): the desktop
    #: app words it in the user's language instead of showing the English text.
    last_exception: BaseException | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {k: v for k, v in self.__dict__.items() if k != "last_exception"}


class Bridge:
    """The local IMAP/SMTP bridge of one account.

    Args:
        gate: the card gate (signed-in sessions while the card is in).
        password: the local password (from :func:`load_or_create_password`).
        certificate: the local TLS certificate.
        policy: the app's recipient policy.
        config: ports and host (loopback only).
        open_cache: opens the account's cache for the outbox (tests give a memory key).
    """

    def __init__(self, gate: CardGate, password: BridgePassword, certificate: LocalCertificate,
                 *, policy: RecipientPolicy, config: BridgeConfig | None = None,
                 open_cache: CacheOpener | None = None,
                 throttle: AuthThrottle | None = None) -> None:
        self.config = config or BridgeConfig()
        check_loopback(self.config.host)
        self.gate = gate
        self.certificate = certificate
        self._password = password
        self._tls = certificate.server_context()
        self._last_error = ""
        self._last_exception: BaseException | None = None
        self._error_lock = threading.Lock()
        self.submitter = OutboxSubmitter(gate, policy, open_cache=open_cache)
        # One throttle and one cap for both protocols: a guesser cannot double its rate
        # or its connections by using the other port.
        self.throttle = throttle or AuthThrottle()
        self._cap = ConnectionCap()
        self.imap = ImapSide(gate, password.matches, self._tls,
                             record_error=self._record_error, throttle=self.throttle)
        self.smtp = SmtpSide(self.submitter, password.matches, self._tls,
                             record_error=self._record_error, throttle=self.throttle)
        self._listeners: dict[str, Listener] = {}

    def _record_error(self, text: str, exc: BaseException | None = None) -> None:
        with self._error_lock:
            self._last_error = text
            self._last_exception = exc

    def start(self) -> Bridge:
        """Bind every configured port and start serving.

        Raises:
            NotLoopback, PortUnavailable (nothing stays bound on failure).
        """
        plan = [
            ("imap", self.config.imap_port, self.imap.serve, None),
            ("smtp", self.config.smtp_port, self.smtp.serve, None),
            ("imaps", self.config.imaps_port, self.imap.serve, self._tls),
            ("smtps", self.config.smtps_port, self.smtp.serve, self._tls),
        ]
        try:
            for name, port, handler, tls in plan:
                if port is None:
                    continue
                self._listeners[name] = Listener(self.config.host, port, handler,
                                                 tls_context=tls, name=name, cap=self._cap)
        except BaseException:
            self.stop()
            raise
        for listener in self._listeners.values():
            listener.start()
        logger.info("bridge listening on %s (%s)", self.config.host,
                    ", ".join(f"{n} {x.port}" for n, x in self._listeners.items()))
        return self

    def port(self, name: str) -> int | None:
        """The bound port of ``imap``, ``smtp``, ``imaps`` or ``smtps`` (None if off)."""
        listener = self._listeners.get(name)
        return listener.port if listener is not None else None

    def stop(self) -> None:
        """Close every listener and client session; forget the sign-in."""
        listeners, self._listeners = list(self._listeners.values()), {}
        for listener in listeners:
            listener.stop()
        self.throttle.flush("bridge")
        self.gate.close()

    def __enter__(self) -> Bridge:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def status(self) -> BridgeStatus:
        """Listening, connected clients, card state, last error."""
        errors = [(x.stats.last_error, x.stats.last_exception)
                  for x in self._listeners.values() if x.stats.last_error]
        with self._error_lock:
            if self._last_error:
                last, last_exception = self._last_error, self._last_exception
            else:
                last, last_exception = errors[-1] if errors else ("", None)
        return BridgeStatus(
            listening=bool(self._listeners),
            host=self.config.host,
            imap_port=self.port("imap"),
            smtp_port=self.port("smtp"),
            connected_clients=sum(x.stats.connected for x in self._listeners.values()),
            relayed_imap_sessions=self.imap.relayed_sessions,
            card_state=self.gate.state,
            last_error=last,
            last_exception=last_exception,
        )

    def settings(self, *, show_password: bool = False) -> dict[str, Any]:
        """What the mail client is configured with (the password only when asked)."""
        settings: dict[str, Any] = {
            "user": self.gate.address,
            "imap": {"host": self.config.host, "port": self.port("imap"),
                     "security": "starttls", "authentication": "normal password"},
            "smtp": {"host": self.config.host, "port": self.port("smtp"),
                     "security": "starttls", "authentication": "normal password"},
            "certificate": str(self.certificate.cert_path),
            "fingerprint_sha256": self.certificate.fingerprint,
        }
        if self.port("imaps") is not None:
            settings["imaps"] = {"host": self.config.host, "port": self.port("imaps"),
                                 "security": "tls"}
        if self.port("smtps") is not None:
            settings["smtps"] = {"host": self.config.host, "port": self.port("smtps"),
                                 "security": "tls"}
        if show_password or self._password.created:
            settings["password"] = self._password.value
        return settings
