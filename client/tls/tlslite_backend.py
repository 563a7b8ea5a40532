"""Card-key TLS on tlslite-ng: portable, the private key never leaves the card.

tlslite-ng drives the handshake in Python and asks a key object for the one signature of
the client's CertificateVerify (RFC 5246 section 7.4.8, RFC 8446 section 4.4.3); our key
object forwards that digest to the card signer. Quirks of tlslite-ng 0.8.2:

- tlslite validates nothing about the server: we check the chain, host and validity with
  :class:`client.trust.TrustStore` *as soon as the server's Certificate arrives*, before
  the card is asked to sign, so a wrong server never costs a PIN or a signature;
- ``certificate_compression_send = []`` (0.8.2 sends a broken extension otherwise) and
  ``rsaSigHashes = ["sha256"]`` (what CPS3 signs);
- TLS 1.3 requires RSA-PSS for the client's signature (RFC 8446 section 4.2.3): a card
  without PSS (CPS3) is limited to TLS 1.2; nothing below TLS 1.2 is offered;
- only AEAD suites are offered, and :mod:`client.tls.fast_ciphers` backs them with OpenSSL;
  incoming application data then takes :mod:`client.tls.fast_records`'s path (about the
  speed of stdlib ``ssl`` for a mailbox download, see ``benchmarks/card_tls_download.py``).

:class:`TlsliteCardContext` has the ``wrap_socket`` of an :class:`ssl.SSLContext`, which is
all that ``IMAPClient`` (implicit TLS and STARTTLS), ``smtplib`` (``SMTP_SSL`` and
``starttls``) and ``http.client.HTTPSConnection`` ask of a context.
"""

from __future__ import annotations

import logging
import socket
import ssl
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from client.tls import fast_ciphers
from client.tls._tlslite import (
    X509,
    AlertDescription,
    ContentType,
    HandshakeSettings,
    RSAKey,
    TLSAlert,
    TLSConnection,
    TLSError,
    TLSLocalAlert,
    TLSRemoteAlert,
    X509CertChain,
    powMod,
)
from client.tls.errors import ClientCertificateRefused, HandshakeFailed, ResumptionRefused
from client.tls.resumption import SessionCache
from client.tls.signer import DIGEST_INFO_PREFIXES, Signer
from client.tls.tls_socket import CLIENT_CERT_ALERTS, VERSION_NAMES, CardTlsSocket
from client.trust import ProtocolTooOld, TrustError, TrustStore

__all__ = ["CardTlsSocket", "TlsliteCardContext"]

logger = logging.getLogger(__name__)

class _CardRSAKey(RSAKey):  # type: ignore[misc]
    """tlslite's RSA key interface; the private operation is a card signature."""

    def __init__(self, signer: Signer) -> None:
        # RSAKey.__init__ only raises NotImplementedError: set the fields it would.
        public = signer.certificate.public_key()
        if not isinstance(public, rsa.RSAPublicKey):
            raise HandshakeFailed("-", "the card certificate does not hold an RSA key")
        numbers = public.public_numbers()
        self.n = numbers.n
        self.e = numbers.e
        self.key_type = "rsa"
        self._key_hash = None
        self._signer = signer

    def hasPrivateKey(self) -> bool:  # tlslite's interface
        return True

    def _rawPublicKeyOp(self, ciphertext: int) -> int:
        return int(powMod(ciphertext, self.e, self.n))

    def _rawPrivateKeyOp(self, message: int) -> int:
        raise NotImplementedError("the card signs digests, never raw RSA")

    def acceptsPassword(self) -> bool:
        return False

    def write(self, password: Any = None) -> str:
        raise NotImplementedError("a card key cannot be exported")

    def sign(
        self,
        bytes: bytearray,  # tlslite's parameter name
        padding: str = "pkcs1",
        hashAlg: str | None = None,
        saltLen: int | None = None,
    ) -> bytearray:
        """Sign what tlslite computed for CertificateVerify (a digest, maybe DigestInfo)."""
        data = bytes_(bytes)
        if padding.lower() == "pss":
            hash_name = hashAlg or "sha256"
            signature = self._signer.sign_digest(data, hash_name=hash_name, padding="pss")
        else:
            if hashAlg is not None:
                hash_name, digest = hashAlg, data
            else:
                hash_name, digest = _split_digest_info(data)
            signature = self._signer.sign_digest(digest, hash_name=hash_name, padding="pkcs1v15")
        return bytearray(signature)


def bytes_(value: bytes | bytearray) -> bytes:
    """``bytes(value)``; named so because tlslite's parameter shadows the builtin."""
    return bytes(value)


def _split_digest_info(data: bytes) -> tuple[str, bytes]:
    for name, prefix in DIGEST_INFO_PREFIXES.items():
        if data.startswith(prefix):
            return name, data[len(prefix):]
    raise HandshakeFailed("-", "unexpected data to sign for CertificateVerify")


class _VerifyingConnection(TLSConnection):  # type: ignore[misc]
    """A TLSConnection that checks the server's chain the moment it arrives."""

    def __init__(self, sock: socket.socket, trust: TrustStore, host: str) -> None:
        super().__init__(sock)
        _bulk_reads(self.sock)
        self._trust = trust
        self._host = host
        self.trust_error: TrustError | None = None
        self.server_chain: list[x509.Certificate] = []

    def _clientGetKeyFromChain(  # tlslite's hook
        self, certificate: Any, settings: Any, tack_ext: Any = None
    ) -> Iterator[Any]:
        chain = certificate.cert_chain
        if chain is not None and chain.getNumCerts():
            try:
                parsed = [x509.load_der_x509_certificate(bytes(c.bytes)) for c in chain.x509List]
                self._trust.verify_server(parsed, self._host)
                self.server_chain = parsed
            except TrustError as exc:
                self.trust_error = exc
            except ValueError as exc:
                self.trust_error = TrustError(f"{self._host}: unreadable certificate ({exc})")
            if self.trust_error is not None:
                # RFC 8446 section 6.2: tell the server why we stop, then stop.
                yield from self._sendError(AlertDescription.bad_certificate, str(self.trust_error))
        yield from super()._clientGetKeyFromChain(certificate, settings, tack_ext)

    def _sendMsgs(self, msgs: Any) -> Iterator[Any]:  # tlslite's hook
        try:
            yield from super()._sendMsgs(msgs)
        except (BrokenPipeError, ConnectionResetError):
            # A server that refuses our certificate sends its alert and closes while our
            # last flight is still being written: read the alert it left for us, so the
            # failure says why (RFC 8446 section 6.2) instead of "broken pipe".
            try:
                for result in self._getMsg(ContentType.application_data):
                    if result in (0, 1):
                        yield result
                    else:
                        break
            except TLSRemoteAlert:
                raise
            except (TLSError, TLSAlert, OSError):
                logger.debug("no alert left by the server")
            raise


_BULK_READ = 256 * 1024


def _bulk_reads(buffered: Any) -> None:
    """Make tlslite's BufferedSocket read up to 256 KiB per system call.

    It reads ``max(4096, wanted)`` bytes: two system calls per 16 KiB record (the 5-byte
    header, then the rest). Reading ahead in large blocks takes one call per many records;
    ``del buffer[:n]`` on a bytearray is amortised O(1) in CPython.
    """
    raw = buffered.socket

    def recv(bufsize: int) -> bytearray:
        data = buffered._read_buffer
        if not data:
            data += raw.recv(max(_BULK_READ, bufsize))
        chunk: bytearray = data[:bufsize]
        del data[:bufsize]
        return chunk

    buffered.recv = recv


class TlsliteCardContext:
    """Card-key client TLS context for one signer and one set of anchors.

    Args:
        signer: the card's authentication signer (or a software key).
        trust: anchors and rules for the server.
        client_chain: intermediates to send after the card certificate.
        handshake_timeout: seconds allowed for the handshake (the PIN prompt excluded
            only if the signer already holds a logged-in session).
        resumable: says whether earlier sessions may still be resumed (for a card: the
            card is still in); when it says no, they are dropped and the next handshake
            is a full one, signed by the card. None: always.
    """

    backend_name = "tlslite"
    # What http.client and smtplib read on a context: the server is always verified
    # (by :class:`TrustStore`, host name included) and nothing below TLS 1.2 is offered.
    verify_mode = ssl.CERT_REQUIRED
    check_hostname = True
    minimum_version = ssl.TLSVersion.TLSv1_2
    post_handshake_auth = None

    def __init__(
        self,
        signer: Signer,
        trust: TrustStore,
        *,
        client_chain: Sequence[x509.Certificate] = (),
        handshake_timeout: float | None = None,
        resumable: Callable[[], bool] | None = None,
    ) -> None:
        fast_ciphers.install()
        self._resumable = resumable
        self.signer = signer
        self.trust = trust
        self.client_chain = list(client_chain)
        self.handshake_timeout = handshake_timeout
        #: Sessions to resume (memory only); see :mod:`client.tls.resumption`.
        self.sessions = SessionCache()

    def _settings(self) -> Any:
        settings = HandshakeSettings()
        settings.minVersion = (3, 3)
        settings.maxVersion = (3, 4) if self.signer.supports_pss else (3, 3)
        settings.certificate_compression_send = []
        settings.rsaSigHashes = ["sha256"]
        settings.cipherNames = ["aes256gcm", "aes128gcm", "chacha20-poly1305"]
        if not self.signer.supports_pss:
            settings.rsaSchemes = ["pkcs1"]
        return settings

    def _certificate_chain(self) -> Any:
        ders = [
            c.public_bytes(serialization.Encoding.DER)
            for c in [self.signer.certificate, *self.client_chain]
        ]
        certificates = []
        for der in ders:
            certificate = X509()
            certificate.parseBinary(bytearray(der))
            certificates.append(certificate)
        return X509CertChain(certificates)

    def _handshake(
        self, connection: _VerifyingConnection, sock: socket.socket, host: str, peer: Any,
        sni: str | None, session: Any,
    ) -> None:
        """Run tlslite's client handshake; translate its failures (see ``wrap_socket``)."""
        try:
            connection.handshakeClientCert(
                certChain=self._certificate_chain(),
                privateKey=_CardRSAKey(self.signer),
                session=session,
                settings=self._settings(),
                serverName=sni,
            )
        except TLSLocalAlert as exc:
            sock.close()
            if connection.trust_error is not None:
                raise connection.trust_error from None
            if exc.description == AlertDescription.protocol_version:
                raise ProtocolTooOld(host) from exc
            raise HandshakeFailed(host, str(exc)) from exc
        except TLSRemoteAlert as exc:
            sock.close()
            if exc.description == AlertDescription.protocol_version:
                raise ProtocolTooOld(host) from exc
            if exc.description in CLIENT_CERT_ALERTS:
                raise ClientCertificateRefused(host, CLIENT_CERT_ALERTS[exc.description]) from exc
            if exc.description == AlertDescription.handshake_failure:
                # An old server picks its own version (TLS 1.0) and then finds none of our
                # TLS 1.2 AEAD suites: it says handshake_failure, not protocol_version.
                # Ask again, offering old versions, only to learn which one it speaks.
                old = _probe_version(peer, sni)
                if old is not None and old < (3, 3):
                    raise ProtocolTooOld(host, _OLD_NAMES.get(old, "")) from exc
            raise HandshakeFailed(host, str(exc)) from exc
        except (TLSError, OSError) as exc:
            sock.close()
            raise HandshakeFailed(host, str(exc) or type(exc).__name__) from exc
        except BaseException:
            sock.close()
            raise

    def wrap_socket(
        self,
        sock: socket.socket,
        server_side: bool = False,
        do_handshake_on_connect: bool = True,
        suppress_ragged_eofs: bool = True,
        server_hostname: str | None = None,
        session: Any = None,
    ) -> CardTlsSocket:
        """Run the client handshake over ``sock`` and return the TLS socket.

        Raises:
            TrustError: the server is not trusted (checked before the card signs).
            ProtocolTooOld: the server offers nothing from TLS 1.2 up.
            ClientCertificateRefused: the server refused the card certificate.
            ResumptionRefused: the server broke off a handshake offering an earlier
                session (it is not offered again: open the connection once more).
            HandshakeFailed: any other handshake failure.
            cps.errors.CardError: the card could not sign (PIN, removal).
        """
        if server_side:
            raise ValueError("the card TLS context is client-only")
        host = server_hostname or sock.getpeername()[0]
        peer = sock.getpeername()
        connection = _VerifyingConnection(sock, self.trust, host)
        previous_timeout = sock.gettimeout()
        if self.handshake_timeout is not None:
            sock.settimeout(self.handshake_timeout)
        sni = None if _is_ip(host) else host
        server = (host, str(peer[0]))
        if self._resumable is not None and not self._resumable():
            self.sessions.clear()
        session, known_chain = self.sessions.offer(server)
        try:
            self._handshake(connection, sock, host, peer, sni, session)
        except HandshakeFailed as exc:
            if session is None or type(exc) is not HandshakeFailed:
                raise
            # RFC 8446 section 4.6.1 lets a server decline a ticket with a full handshake;
            # some abort instead. Never offer this server a session again.
            self.sessions.refuse(server)
            logger.info("%s broke off a resumed handshake (%s): full handshakes from now on",
                        host, exc.reason)
            raise ResumptionRefused(host, exc.reason) from exc
        if session is not None and not connection.resumed:
            self.sessions.forget(server)
        sock.settimeout(previous_timeout)
        if connection.resumed:
            # No Certificate message in a resumed handshake: the chain is the one checked
            # when the session was made, for this very server.
            connection.server_chain = known_chain
        self.sessions.keep(server, connection.session, connection.server_chain)
        logger.debug(
            "card TLS with %s: %s %s (%s)%s", host, VERSION_NAMES.get(tuple(connection.version)),
            connection.getCipherName(), connection.getCipherImplementation(),
            ", resumed" if connection.resumed else "",
        )
        return CardTlsSocket(connection, sock, host)


_OLD_NAMES = {(3, 0): "SSLv3", (3, 1): "TLSv1", (3, 2): "TLSv1.1"}


def _probe_version(peer: Any, sni: str | None) -> tuple[int, int] | None:
    """The version a server picks when old versions are offered (no key used, no data)."""
    settings = HandshakeSettings()
    settings.minVersion = (3, 1)
    settings.maxVersion = (3, 3)
    settings.certificate_compression_send = []
    settings.cipherNames = ["aes128gcm", "aes256gcm", "aes128", "aes256", "3des"]
    try:
        raw = socket.create_connection(peer[:2], timeout=10)
    except OSError:
        return None
    connection = TLSConnection(raw)
    try:
        connection.handshakeClientCert(settings=settings, serverName=sni)
    except (TLSError, TLSAlert, OSError):
        logger.debug("version probe of %s ended", peer)
    finally:
        raw.close()
    version = getattr(connection, "version", None)
    return (int(version[0]), int(version[1])) if version else None


def _is_ip(host: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
    except OSError:
        return False
    return True
