"""The socket a card TLS connection presents to mail and HTTP libraries.

:class:`CardTlsSocket` has the subset of :class:`ssl.SSLSocket` that ``imaplib``,
``smtplib`` and ``http.client`` use: ``sendall``, ``recv``, ``recv_into``, a buffered
``makefile("rb")`` (tlslite's own is unbuffered: ``readline`` would read byte by byte),
``close`` that waits for open readers like a real socket, and ``version``/``cipher``/
``getpeercert``. Incoming application data takes :mod:`client.tls.fast_records`'s path
when it can; tlslite handles everything else.
"""

from __future__ import annotations

import io
import logging
import socket
from typing import Any

from cryptography.hazmat.primitives import serialization

from client.tls import fast_records
from client.tls._tlslite import (
    AlertDescription,
    TLSAbruptCloseError,
    TLSAlert,
    TLSError,
    TLSRemoteAlert,
)
from client.tls.errors import ClientCertificateRefused

__all__ = ["CLIENT_CERT_ALERTS", "VERSION_NAMES", "CardTlsSocket"]

logger = logging.getLogger(__name__)

# Alerts by which a server says "your certificate is not acceptable" (RFC 8446 section 6.2).
CLIENT_CERT_ALERTS = {
    AlertDescription.bad_certificate: "bad_certificate",
    AlertDescription.certificate_revoked: "certificate_revoked",
    AlertDescription.certificate_expired: "certificate_expired",
    AlertDescription.certificate_unknown: "certificate_unknown",
    AlertDescription.unknown_ca: "unknown_ca",
    AlertDescription.access_denied: "access_denied",
    AlertDescription.unsupported_certificate: "unsupported_certificate",
    getattr(AlertDescription, "certificate_required", 116): "certificate_required",
}
VERSION_NAMES = {(3, 3): "TLSv1.2", (3, 4): "TLSv1.3"}
_RECORD = 16384  # maximum TLS plaintext fragment (RFC 8446 section 5.1)


class _RawReader(io.RawIOBase):
    """Unbuffered reader over a :class:`CardTlsSocket` (wrapped in a BufferedReader)."""

    def __init__(self, owner: CardTlsSocket) -> None:
        super().__init__()
        self._owner = owner
        owner._io_refs += 1

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            super().close()
            self._owner._decref_reader()

    def readinto(self, buffer: Any) -> int:
        return self._owner.recv_into(buffer)


class CardTlsSocket:
    """A connected TLS socket (the subset of :class:`ssl.SSLSocket` mail libraries use)."""

    def __init__(self, connection: Any, raw: socket.socket, host: str) -> None:
        self._tls = connection
        self._raw = raw
        self.server_hostname = host
        self._closed = False
        # Like socket.socket: close() waits for the files made by makefile() to close
        # (http.client closes the connection before reading a response body).
        self._io_refs = 0
        self._close_requested = False
        self._pending = memoryview(b"")
        self._fast = fast_records.supported(connection)

    # -- data --------------------------------------------------------------------
    def _translate(self, exc: Exception) -> Exception:
        if isinstance(exc, TLSRemoteAlert) and exc.description in CLIENT_CERT_ALERTS:
            # TLS 1.3: a refused client certificate is only reported after our Finished,
            # so it shows up on the first read (RFC 8446 section 4.4.2.4).
            return ClientCertificateRefused(
                self.server_hostname, CLIENT_CERT_ALERTS[exc.description]
            )
        if isinstance(exc, TLSAbruptCloseError):
            return ConnectionResetError(f"{self.server_hostname}: connection closed")
        return ConnectionError(f"{self.server_hostname}: TLS error: {exc}")

    def sendall(self, data: bytes | bytearray | memoryview) -> None:
        """Send everything (one or more TLS records)."""
        view = memoryview(data).cast("B")
        # One record per write: tlslite fragments a large buffer by re-slicing what is
        # left after each record, which is quadratic in the message size.
        step = _RECORD
        try:
            for start in range(0, len(view), step):
                self._tls.write(view[start:start + step])
        except (TLSError, TLSAlert) as exc:
            raise self._translate(exc) from exc

    def send(self, data: bytes | bytearray | memoryview) -> int:
        """Send everything; return its length."""
        self.sendall(data)
        return len(data)

    def recv(self, size: int) -> bytes:
        """Up to ``size`` decrypted bytes; ``b""`` at the end of the stream."""
        if not self._pending and self._fast and not self._tls._readBuffer:
            record = fast_records.read_application_data(self._tls)
            if record is not None:
                self._pending = memoryview(record)
        if self._pending:
            chunk = bytes(self._pending[:size])
            self._pending = self._pending[size:]
            return chunk
        try:
            data = self._tls.read(max=size, min=1)
        except TLSRemoteAlert as exc:
            if exc.description == AlertDescription.close_notify:
                return b""
            raise self._translate(exc) from exc
        except (TLSError, TLSAlert) as exc:
            raise self._translate(exc) from exc
        return bytes(data)

    def recv_into(self, buffer: Any, nbytes: int = 0) -> int:
        """Read into ``buffer``; 0 at the end of the stream."""
        view = memoryview(buffer)
        data = self.recv(nbytes or len(view))
        view[: len(data)] = data
        return len(data)

    def makefile(self, mode: str = "rb", buffering: int | None = None, **_: Any) -> Any:
        """A buffered binary reader (imaplib and smtplib read lines from it)."""
        if "w" in mode:
            raise ValueError("write through sendall(); only reading files are offered")
        return io.BufferedReader(_RawReader(self), buffer_size=64 * 1024)

    # -- socket emulation --------------------------------------------------------
    def settimeout(self, value: float | None) -> None:
        """Timeout of the underlying socket."""
        self._raw.settimeout(value)

    def gettimeout(self) -> float | None:
        """Timeout of the underlying socket."""
        return self._raw.gettimeout()

    def setblocking(self, flag: bool) -> None:
        """Blocking mode of the underlying socket."""
        self._raw.setblocking(flag)

    def fileno(self) -> int:
        """The underlying descriptor (for select; decrypted data may already be buffered)."""
        return self._raw.fileno()

    def getpeername(self) -> Any:
        """The server's address."""
        return self._raw.getpeername()

    def getsockname(self) -> Any:
        """Our address."""
        return self._raw.getsockname()

    def setsockopt(self, *args: Any) -> None:
        """Pass a socket option through."""
        self._raw.setsockopt(*args)

    def shutdown(self, how: int) -> None:
        """Shut down the underlying socket."""
        try:
            self._raw.shutdown(how)
        except OSError:
            logger.debug("shutdown of an already closed socket")

    def _decref_reader(self) -> None:
        self._io_refs -= 1
        if self._close_requested and self._io_refs <= 0:
            self._real_close()

    def close(self) -> None:
        """Close now, or when the last reader made by :meth:`makefile` is closed."""
        self._close_requested = True
        if self._io_refs <= 0:
            self._real_close()

    def _real_close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._tls.close()
        except (TLSError, TLSAlert, OSError):
            logger.debug("close_notify not sent to %s", self.server_hostname)
        finally:
            self._raw.close()

    def unwrap(self) -> socket.socket:
        """Not supported: mail sessions never return to clear text."""
        raise OSError("TLS shutdown to clear text is not supported")

    # -- introspection (like SSLSocket) ------------------------------------------
    def version(self) -> str | None:
        """``"TLSv1.2"`` or ``"TLSv1.3"``."""
        return VERSION_NAMES.get(tuple(self._tls.version))

    def cipher(self) -> tuple[str, str | None, int | None]:
        """(cipher name, protocol, secret bits) like :meth:`ssl.SSLSocket.cipher`."""
        return (str(self._tls.getCipherName()), self.version(), None)

    @property
    def resumed(self) -> bool:
        """True when the handshake resumed an earlier session (no card signature)."""
        return bool(self._tls.resumed)

    @property
    def fast_path(self) -> bool:
        """True when incoming application data bypasses tlslite's record machinery."""
        return self._fast

    def cipher_implementation(self) -> str:
        """Which code encrypts records (``"cryptography"`` once fast ciphers are in)."""
        return str(self._tls.getCipherImplementation())

    def getpeercert(self, binary_form: bool = False) -> Any:
        """The server's leaf certificate (DER when ``binary_form``), validated."""
        if not self._tls.server_chain:
            return None
        leaf = self._tls.server_chain[0]
        if binary_form:
            return leaf.public_bytes(serialization.Encoding.DER)
        return {"subject": leaf.subject.rfc4514_string(), "issuer": leaf.issuer.rfc4514_string()}

    def __enter__(self) -> CardTlsSocket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        # A reader dropped without close() must not leak the socket.
        if not self._closed:
            self._raw.close()
