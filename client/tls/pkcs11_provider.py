"""Card-key TLS through OpenSSL's pkcs11-provider and the stdlib ``ssl`` module (Linux).

OpenSSL 3 can use a token's key through the ``pkcs11`` provider (Debian package
``pkcs11-provider``; bookworm has it only in backports). Python's ``ssl`` has no API to
load a provider, so the provider must be activated through an OpenSSL configuration file
(``OPENSSL_CONF``) *before* the process first uses ``ssl``; the key is then named by a
``-----BEGIN PKCS#11 PROVIDER URI-----`` PEM file that ``load_cert_chain`` accepts.

This backend is chosen only when :func:`probe` finds the provider module and the
process's OpenSSL actually loaded it; otherwise :class:`TlsBackendUnavailable` says why
and the portable tlslite backend is used. Limits: the PIN goes to the provider
configuration (``pkcs11-module-token-pin``), not through the companion's PIN prompt, and
signatures cannot be counted; it was not exercised on the development machine (the
package is not installable there), see the issue report.
"""

from __future__ import annotations

import logging
import os
import ssl
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from client.tls.errors import TlsBackendUnavailable
from client.trust import TrustStore

__all__ = ["ProviderProbe", "Pkcs11ProviderContext", "probe"]

logger = logging.getLogger(__name__)

_MODULE_NAMES = ("pkcs11.so", "pkcs11.dylib")


@dataclass(frozen=True)
class ProviderProbe:
    """What :func:`probe` found."""

    available: bool
    module: Path | None
    reason: str


def _modules_dir() -> Path | None:
    explicit = os.environ.get("OPENSSL_MODULES")
    if explicit:
        return Path(explicit)
    try:
        out = subprocess.run(  # noqa: S603 - fixed argument list
            ["openssl", "version", "-m"],  # noqa: S607 - the system's openssl
            capture_output=True, text=True, timeout=5, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    # MODULESDIR: "/usr/lib/x86_64-linux-gnu/ossl-modules"
    _, _, value = out.partition(":")
    value = value.strip().strip('"')
    return Path(value) if value else None


def probe() -> ProviderProbe:
    """Find the pkcs11 provider module and whether this process can use it."""
    if ssl.OPENSSL_VERSION_INFO < (3, 0):
        return ProviderProbe(False, None, f"{ssl.OPENSSL_VERSION} has no providers")
    directory = _modules_dir()
    module = next(
        (directory / n for n in _MODULE_NAMES if directory and (directory / n).is_file()), None
    )
    if module is None:
        return ProviderProbe(False, None, "the pkcs11-provider package is not installed")
    if not os.environ.get("OPENSSL_CONF"):
        return ProviderProbe(
            False, module, "OPENSSL_CONF does not activate the pkcs11 provider for this process"
        )
    return ProviderProbe(True, module, "")


class Pkcs11ProviderContext:
    """A stdlib client context whose key is a PKCS#11 object (via the provider).

    Args:
        key_uri: RFC 7512 URI of the card's authentication key.
        certificate_pem: the card certificate, PEM.
        trust: server anchors.
    """

    backend_name = "pkcs11-provider"

    def __init__(self, key_uri: str, certificate_pem: bytes, trust: TrustStore) -> None:
        found = probe()
        if not found.available:
            raise TlsBackendUnavailable(self.backend_name, found.reason)
        self.context = trust.ssl_context()
        with tempfile.TemporaryDirectory(prefix="mssante-p11-") as folder:
            cert = Path(folder) / "cert.pem"
            key = Path(folder) / "key.pem"
            cert.write_bytes(certificate_pem)
            # pkcs11-provider's decoder reads this PEM type and keeps only the URI.
            key.write_text(
                "-----BEGIN PKCS#11 PROVIDER URI-----\n"
                + _der_uri_base64(key_uri)
                + "\n-----END PKCS#11 PROVIDER URI-----\n"
            )
            try:
                self.context.load_cert_chain(str(cert), str(key))
            except ssl.SSLError as exc:
                raise TlsBackendUnavailable(self.backend_name, f"key not loadable: {exc}") from exc

    def wrap_socket(self, sock: object, server_hostname: str | None = None,
                    **kwargs: object) -> ssl.SSLSocket:
        """Like :meth:`ssl.SSLContext.wrap_socket`."""
        return self.context.wrap_socket(sock, server_hostname=server_hostname)  # type: ignore[arg-type]


def _der_uri_base64(uri: str) -> str:
    """The provider's PEM body: DER ``SEQUENCE { VisibleString desc, UTF8String uri }``."""
    import base64

    def tlv(tag: int, value: bytes) -> bytes:
        length = len(value)
        if length < 0x80:
            header = bytes([length])
        else:
            raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
            header = bytes([0x80 | len(raw)]) + raw
        return bytes([tag]) + header + value

    description = b"PKCS#11 Provider URI v1.0"
    body = tlv(0x1A, description) + tlv(0x0C, uri.encode("utf-8"))
    return base64.encodebytes(tlv(0x30, body)).decode("ascii").strip()
