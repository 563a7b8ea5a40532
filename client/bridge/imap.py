"""The bridge's IMAP side: local sign-in, then a byte-for-byte relay to the operator.

Before sign-in the bridge speaks IMAP itself (RFC 3501/9051 not-authenticated state):
``CAPABILITY``, ``NOOP``, ``LOGOUT``, ``STARTTLS``, ``LOGIN`` and ``AUTHENTICATE PLAIN``
(RFC 4616, with SASL-IR, RFC 4959). Password commands are refused before TLS
(``LOGINDISABLED``, RFC 3501 section 6.2.3; ``[PRIVACYREQUIRED]``, RFC 5530).

After the local password is checked, an upstream session is opened through the
:class:`~client.bridge.gate.CardGate` (card TLS + EXTERNAL, or PSC + XOAUTH2): the
tagged ``OK`` carries the *upstream's* capabilities (RFC 3501 section 7.1: clients must
not rely on pre-authentication capabilities), and from then on bytes are piped both ways
without parsing, so FETCH results, literals, IDLE and APPEND are exactly the operator's.
The boundary is the tagged OK: the client sends nothing before it (commands it pipelined
anyway are forwarded first, in order).

Card removal (:meth:`ImapSide.card_removed`) cuts every upstream session and sends
``* BYE [UNAVAILABLE] card removed, insert your CPS card``; new sign-ins get a tagged
``NO [UNAVAILABLE]`` with the same text until the card is back.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import imaplib
import logging
import re
import select
import socket
import ssl
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from client.bridge.conn import BUFFER_SIZE, LineConnection, LineTooLong
from client.bridge.errors import CARD_REMOVED_TEXT, CardAbsent
from client.bridge.gate import CardGate
from client.bridge.throttle import AuthThrottle

if TYPE_CHECKING:
    from imapclient import IMAPClient

__all__ = ["ImapSide"]

logger = logging.getLogger(__name__)

_LITERAL = re.compile(rb"\{(\d+)(\+?)\}\r?\n$")
_MAX_LITERAL = 8 * 1024
_GATHER = 256 * 1024
# One TLS record at most (RFC 8446 section 5.1): asking more only makes the reader
# allocate (and page-fault) a large buffer for a few KB of data on every read.
_RECORD = 16 * 1024 + 256
#: Capabilities that only make sense between the bridge and the client before sign-in,
#: or that would let the client change the byte stream under the bridge (COMPRESS,
#: RFC 4978: the bridge could no longer append its card-removed BYE).
_DROPPED_CAPABILITIES = ("STARTTLS", "LOGINDISABLED", "AUTH=", "SASL-IR", "COMPRESS=")
_PRE_AUTH_TIMEOUT = 120.0


class _Cancelled(Exception):
    pass


def _quote_text(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


class _Relay:
    """Pipes bytes between the client and one upstream session, until one side ends."""

    def __init__(self, client: LineConnection, upstream: IMAPClient) -> None:
        self.client = client
        self.upstream = upstream
        imap: Any = upstream._imap  # imaplib.IMAP4 under IMAPClient: its socket and file
        self._sock: Any = imap.sock
        self._file: Any = imap.file
        self.killed: str | None = None
        self._done = threading.Event()

    def kill(self, text: str) -> None:
        """End the relay now; the client gets ``* BYE [UNAVAILABLE] text``."""
        self.killed = text
        self._shutdown_upstream()

    def _shutdown_upstream(self) -> None:
        with contextlib.suppress(OSError, AttributeError, ValueError):
            self._sock.shutdown(socket.SHUT_RDWR)

    def _downstream(self) -> None:
        # upstream -> client: read1 returns what the buffered reader holds (bytes that
        # arrived with the last login reply) then whatever one socket read brings. The
        # TLS layers hand out one record (a few KB) per read: reads are gathered while
        # the socket already has more, so the client gets large writes (fewer records
        # and wake-ups on both sides, the benchmark's 1.3x budget).
        read1 = self._file.read1
        send = self.client.send
        try:
            fd = self._sock.fileno()
        except (OSError, AttributeError):
            fd = -1
        try:
            while True:
                data = read1(_RECORD)
                if not data:
                    break
                if fd >= 0 and len(data) < _GATHER:
                    chunks, total = [data], len(data)
                    while total < _GATHER and select.select([fd], [], [], 0)[0]:
                        more = read1(_RECORD)
                        if not more:
                            break
                        chunks.append(more)
                        total += len(more)
                    data = b"".join(chunks)
                send(data)
        except (OSError, ValueError, ssl.SSLError) as exc:
            logger.debug("upstream read ended: %s", exc)
        except Exception as exc:  # tlslite raises its own errors on a cut connection
            logger.debug("upstream read ended: %s: %s", type(exc).__name__, exc)
        finally:
            if self.killed is not None:
                with contextlib.suppress(OSError, ssl.SSLError):
                    self.client.send(
                        f"* BYE [UNAVAILABLE] {_quote_text(self.killed)}\r\n".encode())
            self._done.set()
            self.client.close()

    def run(self, pending: bytes) -> None:
        """Relay until either side closes (the caller closes the upstream session)."""
        sock = self._sock
        with contextlib.suppress(OSError, AttributeError):
            sock.settimeout(None)  # IDLE may wait 29 minutes (RFC 2177)
        self.client.sock.settimeout(None)
        reader = threading.Thread(target=self._downstream, daemon=True,
                                  name="bridge-imap-downstream")
        reader.start()
        try:
            if pending:
                sock.sendall(pending)
            recv = self.client.sock.recv
            while True:
                data = recv(BUFFER_SIZE)
                if not data:
                    break
                sock.sendall(data)
        except (OSError, ssl.SSLError) as exc:
            logger.debug("client side ended: %s", exc)
        except Exception as exc:  # tlslite errors on a cut upstream
            logger.debug("upstream write ended: %s: %s", type(exc).__name__, exc)
        finally:
            if not self._done.is_set():
                self._shutdown_upstream()
            reader.join(timeout=10)


class ImapSide:
    """Serves the bridge's IMAP clients (one :meth:`serve` call per connection).

    Args:
        gate: the card gate that opens upstream sessions.
        password_ok: checks the local password (constant time).
        tls_context: the local certificate's server context (STARTTLS).
        record_error: remembers the last error for the status display (the text for
            the command line, the exception for the desktop app to word).
        throttle: paces sign-in attempts (shared with the SMTP side).
    """

    def __init__(self, gate: CardGate, password_ok: Callable[[str], bool],
                 tls_context: ssl.SSLContext, *,
                 record_error: Callable[[str, BaseException | None], None] | None = None,
                 throttle: AuthThrottle | None = None) -> None:
        self.gate = gate
        self._password_ok = password_ok
        self._throttle = throttle or AuthThrottle()
        self._tls = tls_context
        self._record_error = record_error or (lambda _text, _exc: None)
        self._relays: set[_Relay] = set()
        self._lock = threading.Lock()
        gate.add_listener(self._card_changed)

    @property
    def relayed_sessions(self) -> int:
        """Client sessions currently relayed to the operator."""
        with self._lock:
            return len(self._relays)

    def _card_changed(self, present: bool) -> None:
        if not present:
            self.card_removed()

    def card_removed(self) -> None:
        """Cut every relayed session with the card-removed BYE."""
        with self._lock:
            relays = list(self._relays)
        for relay in relays:
            relay.kill(CARD_REMOVED_TEXT)
        if relays:
            logger.info("card removed: %d IMAP session(s) closed", len(relays))

    # -- not-authenticated state -------------------------------------------------------

    def _capabilities(self, connection: LineConnection) -> str:
        if connection.tls:
            return "IMAP4rev1 AUTH=PLAIN SASL-IR ID"
        return "IMAP4rev1 STARTTLS LOGINDISABLED"

    def serve(self, connection: LineConnection) -> None:
        """One client connection, from greeting to logout or relay end."""
        connection.sock.settimeout(_PRE_AUTH_TIMEOUT)
        connection.send(
            f"* OK [CAPABILITY {self._capabilities(connection)}] "
            "Compagnon MSSante bridge ready\r\n".encode())
        while True:
            try:
                command = self._read_command(connection)
            except LineTooLong:
                connection.send(b"* BYE line too long\r\n")
                return
            except _Cancelled:
                continue
            if command is None:
                return
            tag, name, args = command
            if name == "CAPABILITY":
                connection.send(f"* CAPABILITY {self._capabilities(connection)}\r\n"
                                f"{tag} OK CAPABILITY completed\r\n".encode())
            elif name == "NOOP":
                connection.send(f"{tag} OK NOOP completed\r\n".encode())
            elif name == "ID":
                # RFC 2971: Thunderbird and others identify themselves; say who we are.
                connection.send(f'* ID ("name" "Compagnon MSSante bridge")\r\n'
                                f"{tag} OK ID completed\r\n".encode())
            elif name == "LOGOUT":
                connection.send(f"* BYE logging out\r\n{tag} OK LOGOUT completed\r\n".encode())
                return
            elif name == "STARTTLS":
                if connection.tls:
                    connection.send(f"{tag} BAD already under TLS\r\n".encode())
                    continue
                if connection.buffered:
                    # Commands sent before the handshake: refuse them all (RFC 3207 s. 4.2).
                    connection.send(f"{tag} BAD data after STARTTLS\r\n".encode())
                    return
                connection.send(f"{tag} OK begin TLS negotiation now\r\n".encode())
                connection.starttls(self._tls)
            elif name in ("LOGIN", "AUTHENTICATE"):
                credentials = self._credentials(connection, tag, name, args)
                if credentials is None:
                    continue
                if self._sign_in(connection, tag, *credentials):
                    return
            else:
                connection.send(f"{tag} BAD {name or 'command'} not allowed before "
                                "sign-in\r\n".encode())

    def _read_command(self, connection: LineConnection) -> tuple[str, str, list[str]] | None:
        line = connection.readline()
        if line is None:
            return None
        args: list[str] = []
        while True:
            literal = _LITERAL.search(line)
            head = line[: literal.start()] if literal else line.rstrip(b"\r\n")
            args.extend(_tokens(head.decode("utf-8", "replace")))
            if literal is None:
                break
            size = int(literal.group(1))
            if size > _MAX_LITERAL:
                connection.send(b"* BAD literal too large\r\n")
                raise _Cancelled()
            if not literal.group(2):
                connection.send(b"+ ready for literal\r\n")
            data = connection.read_exact(size)
            next_line = connection.readline()
            if data is None or next_line is None:
                return None
            args.append(data.decode("utf-8", "replace"))
            line = next_line
        if not args:
            raise _Cancelled()
        tag = args[0]
        name = args[1].upper() if len(args) > 1 else ""
        return tag, name, args[2:]

    def _credentials(self, connection: LineConnection, tag: str, name: str,
                     args: list[str]) -> tuple[str, str] | None:
        if not connection.tls:
            connection.send(f"{tag} NO [PRIVACYREQUIRED] use STARTTLS before signing "
                            "in\r\n".encode())
            return None
        if name == "LOGIN":
            if len(args) != 2:
                connection.send(f"{tag} BAD LOGIN needs a user name and a password\r\n".encode())
                return None
            return args[0], args[1]
        if not args or args[0].upper() != "PLAIN":
            connection.send(f"{tag} NO [CANNOT] only AUTHENTICATE PLAIN is offered\r\n"
                            .encode())
            return None
        if len(args) > 1:
            response = args[1]
        else:
            connection.send(b"+ \r\n")
            line = connection.readline()
            if line is None:
                return None
            response = line.strip().decode("ascii", "replace")
            if response == "*":
                connection.send(f"{tag} BAD authentication cancelled\r\n".encode())
                return None
        try:
            decoded = base64.b64decode(response, validate=True) if response != "=" else b""
            _authzid, user, password = decoded.decode("utf-8").split("\x00")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            connection.send(f"{tag} BAD malformed PLAIN response\r\n".encode())
            return None
        return user, password

    def _sign_in(self, connection: LineConnection, tag: str, user: str, password: str) -> bool:
        """Check the local password, open the upstream session, relay; True when done."""
        if not self._throttle.admit(connection.identity):
            del password
            connection.send(f"{tag} NO [UNAVAILABLE] too many failed sign-ins, try again "
                            "later\r\n".encode())
            return False
        ok = user.strip().lower() == self.gate.address.lower() and self._password_ok(password)
        del password
        if not ok:
            logger.info("IMAP bridge: wrong local user name or password")
            self._throttle.failed(connection.identity, "imap")
            connection.send(f"{tag} NO [AUTHENTICATIONFAILED] wrong bridge user name or "
                            "password (see the companion's bridge settings)\r\n".encode())
            return False
        self._throttle.succeeded(connection.identity)
        connection.signed_in()
        try:
            upstream = self.gate.open_imap()
        except CardAbsent as exc:
            connection.send(f"{tag} NO [UNAVAILABLE] {exc.client_text}\r\n".encode())
            return False
        except Exception as exc:  # operator unreachable, refused, TLS...: say, keep serving
            logger.warning("IMAP bridge: upstream session failed: %s", type(exc).__name__)
            self._record_error(f"IMAP upstream: {type(exc).__name__}: {exc}", exc)
            connection.send(f"{tag} NO [UNAVAILABLE] the MSSante operator cannot be reached "
                            f"({_quote_text(type(exc).__name__)})\r\n".encode())
            return False
        try:
            capabilities = _upstream_capabilities(upstream)
            connection.send(f"{tag} OK [CAPABILITY {capabilities}] signed in to the MSSante "
                            "operator through the bridge\r\n".encode())
            relay = _Relay(connection, upstream)
            with self._lock:
                self._relays.add(relay)
            try:
                if not self.gate.card_present:  # removed between open and registration
                    relay.kill(CARD_REMOVED_TEXT)
                relay.run(connection.take_buffer())
            finally:
                with self._lock:
                    self._relays.discard(relay)
        finally:
            with contextlib.suppress(Exception):
                upstream.shutdown()
            # imaplib's shutdown closes the socket only after closing its reader, which
            # can fail while the downstream thread still reads: close the socket anyway.
            with contextlib.suppress(Exception):
                upstream._imap.sock.close()  # imapclient has no close()
        return True


def _upstream_capabilities(upstream: IMAPClient) -> str:
    imap: Any = upstream._imap
    try:
        typ, data = imap.capability()
    except (imaplib.IMAP4.error, OSError):
        typ, data = "NO", []
    if typ != "OK" or not data or not data[-1]:
        words = [c.decode() if isinstance(c, bytes) else str(c)
                 for c in upstream.capabilities()]
    else:
        words = data[-1].decode("ascii", "replace").split()
    kept = [w for w in words if not w.upper().startswith(_DROPPED_CAPABILITIES)]
    if not any(w.upper() in ("IMAP4REV1", "IMAP4REV2") for w in kept):
        kept.insert(0, "IMAP4rev1")
    return " ".join(kept)


def _tokens(text: str) -> list[str]:
    """IMAP atoms and quoted strings (RFC 3501 section 4.3, with \\\\ and \\" escapes)."""
    tokens: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == " ":
            i += 1
            continue
        if text[i] == '"':
            i += 1
            value = []
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                value.append(text[i])
                i += 1
            tokens.append("".join(value))
            i += 1
            continue
        end = text.find(" ", i)
        end = n if end < 0 else end
        tokens.append(text[i:end])
        i = end
    return tokens
