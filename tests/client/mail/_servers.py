"""Real servers for the mail tests: a private Dovecot IMAP and an SMTP sink.

Dovecot runs from a private directory on a free loopback port with a static password
for any user, so a test can read any mailbox it writes to (``jean``, ``claire``...); its
configuration is the sandbox's password-only instance
(:func:`sandbox.dovecot.write_password_config`). The
SMTP sink (aiosmtpd) delivers what it accepts into each recipient's Dovecot INBOX by IMAP
APPEND, like an operator's relay would; it can be told to fail or to drop the connection
mid-DATA, to test the outbox.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import shutil
import signal
import smtplib
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imapclient import IMAPClient

from sandbox.dovecot import remove_mail_root, write_password_config

PASSWORD = "sandbox-secret"
DOMAIN = "hopital-sandbox.mssante.fr"
COLLEAGUE_DOMAIN = "clinique-sandbox.mssante.fr"

def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies (a killed run leaks nothing)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def free_port() -> int:
    """A port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Dovecot:
    """A private Dovecot IMAP server."""

    root: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        conf = write_password_config(self.root, port=self.port, password=PASSWORD)
        self.process = subprocess.Popen(
            ["dovecot", "-F", "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,  # no threads run Popen here
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(
                ("127.0.0.1", self.port), timeout=1
            ) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        log = (self.root / "dovecot.log").read_text(errors="replace") if (
            self.root / "dovecot.log"
        ).exists() else ""
        self.stop()
        raise RuntimeError(f"Dovecot did not start:\n{log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def client(self, user: str, port: int | None = None) -> IMAPClient:
        """A logged-in IMAP client for ``user`` (the caller logs out); ``port``: a proxy."""
        imap = IMAPClient("127.0.0.1", port=port or self.port, ssl=False, timeout=30)
        try:
            imap.login(user, PASSWORD)
        except BaseException:
            imap.shutdown()
            raise
        return imap

    def reset_user(self, user: str) -> None:
        """Delete ``user``'s mailbox and index so a test starts from empty."""
        shutil.rmtree(self.root / "mail" / user, ignore_errors=True)

    def append(self, user: str, folder: str, raw: bytes, flags: tuple[bytes, ...] = ()) -> None:
        imap = self.client(user)
        try:
            imap.append(folder, raw, flags=flags)
        finally:
            imap.logout()


@dataclass
class SinkState:
    """What the SMTP sink received and how it should misbehave."""

    dovecot: Dovecot
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    fail_with: tuple[int, str] | None = None
    drop_connection: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


class _SinkHandler:
    def __init__(self, state: SinkState) -> None:
        self.state = state

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        state = self.state
        if state.drop_connection:
            # Like a submission server killed mid-send: the socket closes without a reply.
            server.transport.close()
            return "421 closing"
        if state.fail_with is not None:
            code, text = state.fail_with
            return f"{code} {text}"
        data = bytes(envelope.original_content or envelope.content)
        with state.lock:
            state.received.append((envelope.mail_from, list(envelope.rcpt_tos), data))
        # Final delivery records the envelope sender, like an LDA (RFC 5321 4.4).
        delivered = f"Return-Path: <{envelope.mail_from}>\r\n".encode() + data
        for rcpt in envelope.rcpt_tos:
            user = rcpt.split("@", 1)[0]
            state.dovecot.append(user, "INBOX", delivered)
        return "250 OK delivered"


@dataclass
class SmtpSink:
    """An SMTP server (aiosmtpd) that delivers into Dovecot."""

    state: SinkState
    port: int
    controller: Any = None
    data_size_limit: int = 10 * 1024 * 1024

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(
            _SinkHandler(self.state),
            hostname="127.0.0.1",
            port=self.port,
            data_size_limit=self.data_size_limit,
            ready_timeout=10,
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextlib.contextmanager
def running_dovecot() -> Iterator[Dovecot]:
    """Start a private Dovecot in a fresh temporary directory; stop and remove it after.

    The directory is made with ``tempfile`` because a session-wide server outlives any
    test's ``tmp_path``.
    """
    root = Path(tempfile.mkdtemp(prefix="mail-dovecot-"))
    server = Dovecot(root=root, port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
        if not os.environ.get("MAIL_TEST_KEEP"):
            remove_mail_root(root)
            shutil.rmtree(root, ignore_errors=True)


def parse(raw: bytes) -> email.message.EmailMessage:
    """Parse raw bytes with the modern policy (test convenience)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


__all__ = [
    "COLLEAGUE_DOMAIN",
    "DOMAIN",
    "Dovecot",
    "PASSWORD",
    "SinkState",
    "SmtpSink",
    "free_port",
    "os",
    "parse",
    "running_dovecot",
]


class PasswordSessionOpener:
    """A :class:`client.sessions.SessionOpener` for the private Dovecot (password LOGIN).

    Test-only: the product's openers authenticate with the card, PSC or a certificate;
    this one lets mail tests run against a real IMAP server and SMTP sink.
    """

    def __init__(
        self, dovecot: Dovecot, user: str, smtp_port: int | None = None,
        imap_port: int | None = None, domain: str = DOMAIN,
    ) -> None:
        self.domain = domain
        self.dovecot = dovecot
        self.user = user
        self.smtp_port = smtp_port
        self.imap_port = imap_port
        self.imap_opens = 0

    @property
    def address(self) -> str:
        return f"{self.user}@{self.domain}"

    def open_imap(self) -> IMAPClient:
        self.imap_opens += 1
        return self.dovecot.client(self.user, self.imap_port)

    def open_smtp(self) -> smtplib.SMTP:
        if self.smtp_port is None:
            raise ConnectionRefusedError("no SMTP server in this test")
        return smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10)


class CuttingProxy:
    """A TCP proxy on loopback that can cut connections after some bytes.

    ``cut_upstream`` / ``cut_downstream``: after that many bytes from the client (or
    from the server) on a connection, both sockets are closed abruptly: a server killed
    mid-DATA, or a connection dropped mid-FETCH. ``None`` passes everything through.
    """

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.cut_upstream: int | None = None
        self.cut_downstream: int | None = None
        self.cuts = 0
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = int(self._listener.getsockname()[1])
        self._stopped = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, server]
            limits = (self.cut_upstream, self.cut_downstream)
            for src, dst, limit in ((client, server, limits[0]), (server, client, limits[1])):
                threading.Thread(
                    target=self._pump, args=(src, dst, limit, (client, server)), daemon=True
                ).start()

    def _pump(
        self, src: socket.socket, dst: socket.socket, limit: int | None,
        pair: tuple[socket.socket, socket.socket],
    ) -> None:
        sent = 0
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if limit is not None and sent + len(data) > limit:
                    dst.sendall(data[: max(0, limit - sent)])
                    self.cuts += 1
                    for sock in pair:
                        with contextlib.suppress(OSError):
                            sock.shutdown(socket.SHUT_RDWR)
                    break
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass
        finally:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def drop_all(self) -> None:
        """Cut every open connection now (a network failure, a server restart)."""
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._stopped.set()
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()
        self._thread.join(timeout=5)
