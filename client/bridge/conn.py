"""Loopback listeners and buffered line connections shared by the IMAP and SMTP sides.

:class:`Listener` binds one port on the loopback interface (anything else is refused
with :class:`~client.bridge.errors.NotLoopback`) and runs one thread per client; a peer
that is not on the loopback is closed before a byte is sent (defence in depth: the
socket is never bound elsewhere). :class:`LineConnection` reads protocol lines and
literals with a buffer, and upgrades to TLS for STARTTLS only when the buffer is empty
(RFC 3207 section 4.2 / RFC 3501 section 6.2.1: bytes sent before the handshake must not
be taken as sent under TLS, the "STARTTLS command injection" flaw).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import ssl
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from client.audit import record as audit_record
from client.bridge.errors import NotLoopback, PortUnavailable
from client.bridge.throttle import ConnectionCap, PeerIdentity, peer_identity

__all__ = ["BUFFER_SIZE", "LineConnection", "LineTooLong", "Listener", "ListenerStats",
           "check_loopback"]

logger = logging.getLogger(__name__)

#: Relay and read size: large buffers keep the per-chunk Python overhead negligible.
BUFFER_SIZE = 256 * 1024
_MAX_LINE = 64 * 1024


class LineTooLong(Exception):
    """A protocol line exceeded the limit (the client is misbehaving)."""


def check_loopback(host: str) -> str:
    """Return ``host`` if it is a loopback address; raise :class:`NotLoopback` otherwise."""
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise NotLoopback(host)


def _peer_is_loopback(sock: socket.socket) -> bool:
    try:
        peer = sock.getpeername()[0]
        return ipaddress.ip_address(peer.split("%", 1)[0]).is_loopback
    except (OSError, ValueError):
        return False


class LineConnection:
    """A client connection (plain or TLS) with a read buffer."""

    def __init__(self, sock: socket.socket, identity: PeerIdentity | None = None) -> None:
        self.sock: socket.socket = sock
        self._buffer = bytearray()
        self.tls = isinstance(sock, ssl.SSLSocket)
        self._send_lock = threading.Lock()
        self.closed = False
        #: Who connected (throttling key); set by the listener.
        self.identity = identity or PeerIdentity("?")
        self._on_signed_in: Callable[[], None] | None = None

    def signed_in(self) -> None:
        """The client gave the right password: it leaves the unauthenticated pool."""
        hook, self._on_signed_in = self._on_signed_in, None
        if hook is not None:
            hook()

    def _fill(self) -> bool:
        data = self.sock.recv(BUFFER_SIZE)
        if not data:
            return False
        self._buffer += data
        return True

    def readline(self, limit: int = _MAX_LINE) -> bytes | None:
        """One line with its CRLF, or None at end of stream.

        Raises:
            LineTooLong: no line end within ``limit`` bytes.
        """
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[: end + 1])
                del self._buffer[: end + 1]
                return line
            if len(self._buffer) > limit:
                raise LineTooLong()
            if not self._fill():
                return None

    def read_exact(self, size: int) -> bytes | None:
        """Exactly ``size`` bytes (an IMAP literal), or None at end of stream."""
        while len(self._buffer) < size:
            if not self._fill():
                return None
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def take_buffer(self) -> bytes:
        """What was read but not consumed (pipelined commands), emptying the buffer."""
        data = bytes(self._buffer)
        self._buffer.clear()
        return data

    @property
    def buffered(self) -> int:
        """Bytes read but not yet consumed."""
        return len(self._buffer)

    def send(self, data: bytes) -> None:
        """Send everything (thread-safe against the relay's writes)."""
        with self._send_lock:
            self.sock.sendall(data)

    def starttls(self, context: ssl.SSLContext) -> None:
        """Upgrade to TLS (server side); the caller checked that nothing is buffered."""
        self.sock = context.wrap_socket(self.sock, server_side=True)
        self.tls = True

    def close(self) -> None:
        """Shut down and close (idempotent; wakes a thread blocked in recv)."""
        self.closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()


@dataclass
class ListenerStats:
    """What the status shows: connected clients, sessions served, last error."""

    connected: int = 0
    served: int = 0
    last_error: str = ""
    last_exception: BaseException | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class Listener:
    """One loopback port; ``handler(connection)`` runs on a thread per client.

    Args:
        host: a loopback address (``127.0.0.1``, ``::1``).
        port: the port (0 picks a free one; see :attr:`port`).
        handler: serves one client; the listener closes the connection afterwards.
        tls_context: when given, TLS starts at connect time (implicit TLS, RFC 8314).
        name: for logs and status (``imap``, ``smtp``...).
        cap: limits on connections not yet signed in (shared by a bridge's listeners);
            connections above it are closed at once, neither served nor audited.
    """

    def __init__(self, host: str, port: int, handler: Callable[[LineConnection], None], *,
                 tls_context: ssl.SSLContext | None = None, name: str = "",
                 cap: ConnectionCap | None = None) -> None:
        self.host = check_loopback(host)
        self.name = name
        self._cap = cap or ConnectionCap()
        self.refused = 0
        self._handler = handler
        self._tls = tls_context
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            if sys.platform == "win32":
                # On Windows SO_REUSEADDR lets another program take over a bound port;
                # SO_EXCLUSIVEADDRUSE forbids it (the local password travels here).
                self._sock.setsockopt(socket.SOL_SOCKET,
                                      getattr(socket, "SO_EXCLUSIVEADDRUSE", -5), 1)
            else:
                # Restart right after a stop (TIME_WAIT); Unix never shares a bound port.
                self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._sock.bind((self.host, port))
            self._sock.listen(64)
        except OSError as exc:
            self._sock.close()
            raise PortUnavailable(port, exc.strerror or str(exc)) from exc
        self.port: int = int(self._sock.getsockname()[1])
        self.stats = ListenerStats()
        self._connections: set[LineConnection] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = False

    def start(self) -> Listener:
        """Accept clients on a background thread."""
        self._thread = threading.Thread(target=self._accept_loop, daemon=True,
                                        name=f"bridge-{self.name}-accept")
        self._thread.start()
        return self

    def _accept_loop(self) -> None:
        while not self._stopping:
            try:
                sock, _ = self._sock.accept()
            except OSError:
                if self._stopping:
                    return
                continue
            if not _peer_is_loopback(sock):
                logger.warning("%s: refused a connection from outside the loopback", self.name)
                audit_record("bridge-refused", listener=self.name, reason="not-loopback")
                sock.close()
                continue
            identity = peer_identity(sock)
            if not self._cap.acquire(identity):
                # Over the cap: closed before any work, without a thread or an audit
                # entry (a flood must cost neither CPU nor disk).
                self.refused += 1
                with contextlib.suppress(OSError):
                    sock.close()
                continue
            try:
                threading.Thread(target=self._serve, args=(sock, identity), daemon=True,
                                 name=f"bridge-{self.name}-client").start()
            except RuntimeError:  # no thread left: as over the cap
                self._cap.release(identity)
                sock.close()

    def _serve(self, sock: socket.socket, identity: PeerIdentity | None = None) -> None:
        connection: LineConnection | None = None
        identity = identity or PeerIdentity("?")
        released = threading.Event()

        def release() -> None:
            if not released.is_set():
                released.set()
                self._cap.release(identity)

        def signed_in() -> None:
            release()
            audit_record("bridge-session", listener=self.name)

        with self.stats.lock:
            self.stats.connected += 1
            self.stats.served += 1
        try:
            # Inside the try: a client that already hung up makes setsockopt fail, and
            # the socket must still be closed (a leaked socket per aborted client).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._tls is not None:
                sock.settimeout(30)
                sock = self._tls.wrap_socket(sock, server_side=True)
            connection = LineConnection(sock, identity)
            connection._on_signed_in = signed_in
            with self._lock:
                self._connections.add(connection)
            self._handler(connection)
        except (OSError, ssl.SSLError) as exc:
            logger.debug("%s client ended: %s", self.name, exc)
        except Exception as exc:  # a bug in one session must not kill the listener
            logger.exception("%s session failed", self.name)
            self.record_error(f"{type(exc).__name__}: {exc}", exc)
        finally:
            if connection is not None:
                with self._lock:
                    self._connections.discard(connection)
                connection.close()
            else:
                with contextlib.suppress(OSError):
                    sock.close()
            release()
            with self.stats.lock:
                self.stats.connected -= 1

    def record_error(self, text: str, exc: BaseException | None = None) -> None:
        """Remember the last error for the status display."""
        with self.stats.lock:
            self.stats.last_error = text
            self.stats.last_exception = exc

    def stop(self) -> None:
        """Stop accepting and close every client connection."""
        self._stopping = True
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            connection.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
