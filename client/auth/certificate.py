"""``certificate``: an applicative mailbox's PKCS#12 file (no card, no human).

The password comes from the OS keyring (:mod:`client.secrets`, name
``p12:<absolute path>``); when it is not there, it is asked once through a callback and
stored only with the user's consent. A wrong stored password is reported, never deleted.
The key then signs TLS handshakes in memory through the same card-TLS code path
(:class:`~client.auth.card_tls.CertificateTlsAuthenticator`), followed by SASL EXTERNAL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from client import secrets
from client.auth.errors import CertificateFileError, CertificatePasswordRequired
from client.tls.signer import SoftwareSigner

if TYPE_CHECKING:
    from client.profiles.model import SecretsSettings

__all__ = ["PasswordAnswer", "PasswordPrompt", "load_certificate_signer", "secret_name"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PasswordAnswer:
    """What the user typed, and whether to keep it in the keyring."""

    password: str
    remember: bool = False


#: Asks the PKCS#12 password: (file, retry?) -> answer, or None if cancelled.
PasswordPrompt = Callable[[Path, bool], PasswordAnswer | None]


def secret_name(path: Path) -> str:
    """The keyring name of a certificate file's password."""
    return f"p12:{path.resolve()}"


def _open(path: Path, data: bytes, password: str | None) -> SoftwareSigner:
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(
            data, password.encode("utf-8") if password is not None else None
        )
    except ValueError as exc:
        message = str(exc).lower()
        if "password" in message or "mac" in message or "decrypt" in message:
            raise CertificatePasswordRequired(path) from exc
        raise CertificateFileError(path, "not a readable PKCS#12 file") from exc
    except TypeError as exc:  # a password is needed but none was given
        raise CertificatePasswordRequired(path) from exc
    if certificate is None or key is None:
        raise CertificateFileError(path, "the file holds no certificate with its key")
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CertificateFileError(path, "only RSA keys are supported")
    return SoftwareSigner(key, certificate, list(extra))


def load_certificate_signer(
    path: Path, prompt: PasswordPrompt | None = None, *, use_keyring: bool = True,
    secrets_settings: SecretsSettings | None = None,
) -> SoftwareSigner:
    """Open the PKCS#12 file at ``path`` and return a signer over its key.

    Order: no password; the keyring's; then ``prompt`` (asked again after a wrong one,
    up to three times); a password the user chose to remember is stored after it worked.
    When ``secrets_settings`` names a file or a systemd credential, the password comes
    from there only (or from ``prompt``, given on an explicit request such as
    ``--password-stdin``): the keyring is not consulted.

    Raises:
        CertificateFileError: unreadable file or content.
        CertificatePasswordRequired: no password works and none can be asked.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CertificateFileError(path, exc.strerror or str(exc)) from exc
    for candidate in (None, ""):
        try:
            return _open(path, data, candidate)
        except CertificatePasswordRequired:
            continue
    if secrets_settings is not None and secrets_settings.source != "keyring":
        if prompt is not None:
            use_keyring = False
        else:
            return _open_with_configured(path, data, secrets_settings)
    name = secret_name(path)
    stored: str | None = None
    if use_keyring:
        try:
            stored = secrets.load(name)
        except secrets.SecretStoreError as exc:
            logger.info("keyring not usable for %s: %s", path, exc.reason)
    if stored is not None:
        try:
            return _open(path, data, stored)
        except CertificatePasswordRequired:
            logger.warning("the password kept for %s no longer opens it", path)
    if prompt is None:
        raise CertificatePasswordRequired(path)
    retry = stored is not None
    for _ in range(3):
        answer = prompt(path, retry)
        if answer is None:
            raise CertificatePasswordRequired(path)
        try:
            signer = _open(path, data, answer.password)
        except CertificatePasswordRequired:
            retry = True
            continue
        if answer.remember and use_keyring:
            try:
                secrets.store(name, answer.password)
            except secrets.SecretStoreError as exc:
                logger.warning("password for %s not kept: %s", path, exc.reason)
        return signer
    raise CertificatePasswordRequired(path)


def _open_with_configured(path: Path, data: bytes, settings: SecretsSettings) -> SoftwareSigner:
    """Open with the password of the profile's ``[secrets]`` file or credential."""
    raw = secrets.read_configured(settings, "password")
    assert raw is not None  # noqa: S101 - only called for file and systemd sources
    try:
        password = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise CertificateFileError(path, "the configured password is not UTF-8 text") from exc
    try:
        return _open(path, data, password)
    except CertificatePasswordRequired:
        where = (str(settings.password_file) if settings.source == "file"
                 else f"the systemd credential {settings.password_credential}")
        raise CertificateFileError(
            path, f"the password in {where} does not open it; write the right one there"
        ) from None
