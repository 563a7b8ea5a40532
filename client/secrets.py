"""Secrets in the operating system's keyring (service ``mssante-companion``).

One module over :mod:`keyring` so that every secret of the application (a PKCS#12
password, optionally a PSC refresh token) goes through the same rules:

- a locked keyring, a refused unlock or no keyring at all gives a :class:`SecretStoreUnavailable`
  saying so: the caller asks the user instead, nothing is lost;
- nothing here ever deletes a secret implicitly: :func:`forget` is only called on an
  explicit user request;
- secrets are never logged (only their names are).

A server has no desktop keyring: the operator profile's ``[secrets]`` table then names
where the secrets come from, explicitly (:func:`read_configured`): a file readable only by
the service's user (``source = "file"``), or a systemd credential (``source =
"systemd-credential"``, read from ``$CREDENTIALS_DIRECTORY``). There is never a silent
fallback from one source to another, and never a secret on the command line.

Tests use a real Secret Service (``gnome-keyring-daemon`` under ``dbus-run-session``), or
select a backend by name with ``PYTHON_KEYRING_BACKEND``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from client.errors import ClientError

if TYPE_CHECKING:
    from client.profiles.model import SecretsSettings

__all__ = [
    "CACHE_KEY_BYTES",
    "CREDENTIALS_ENV",
    "SERVICE",
    "CredentialMissing",
    "SecretFileRefused",
    "SecretSourceError",
    "SecretStoreError",
    "SecretStoreUnavailable",
    "backend_name",
    "decode_key",
    "forget",
    "load",
    "read_cache_key",
    "read_configured",
    "read_credential",
    "read_secret_file",
    "store",
]

logger = logging.getLogger(__name__)

SERVICE = "mssante-companion"


class SecretStoreError(ClientError):
    """The keyring failed while reading or writing a secret.

    Attributes:
        name: the secret's name (never its value).
        reason: what the keyring said.
    """

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"keyring error for {name}: {reason}")


class SecretStoreUnavailable(SecretStoreError):
    """No usable keyring: none installed, locked, or the unlock was refused."""


def _keyring() -> Any:
    import keyring

    return keyring


def _is_unusable(backend: Any) -> bool:
    # keyring's "fail" backend (no keyring found) and "null" backend have priority <= 0.
    try:
        return float(backend.priority) <= 0
    except Exception:  # a backend without a priority is considered usable
        return False


def backend_name() -> str:
    """The keyring backend in use (for ``doctor``), e.g. ``SecretService Keyring``."""
    backend = _keyring().get_keyring()
    return str(getattr(backend, "name", type(backend).__name__))


def _close_leaked_connections(exc: BaseException) -> None:
    """Close D-Bus connections keyring left open in the failing frames.

    keyring 25's SecretService backend opens a connection, then raises ``KeyringLocked``
    before closing it when the collection stays locked; the socket would otherwise live
    as long as the exception's traceback.
    """
    tb = exc.__traceback__
    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            if type(value).__name__ == "DBusConnection" and hasattr(value, "close"):
                try:
                    value.close()
                except OSError:
                    logger.debug("could not close a leaked D-Bus connection")
        tb = tb.tb_next


def _translate(name: str, exc: Exception) -> SecretStoreError:
    from keyring import errors

    _close_leaked_connections(exc)

    if isinstance(exc, errors.KeyringLocked | errors.NoKeyringError | errors.InitError):
        return SecretStoreUnavailable(name, str(exc) or type(exc).__name__)
    # secretstorage raises its own errors (LockedException, PromptDismissedException...)
    # through some keyring versions: a locked or dismissed store is "unavailable".
    kind = type(exc).__name__
    if "Locked" in kind or "Dismissed" in kind or "DBus" in kind:
        return SecretStoreUnavailable(name, f"{kind}: {exc}")
    return SecretStoreError(name, f"{kind}: {exc}")


def _usable_backend(name: str) -> Any:
    """The keyring backend, or SecretStoreUnavailable when the system has none usable."""
    backend = _keyring().get_keyring()
    if _is_unusable(backend):
        raise SecretStoreUnavailable(name, "no keyring is available on this system")
    return backend


def load(name: str) -> str | None:
    """The secret stored under ``name``, or None when there is none.

    Raises:
        SecretStoreUnavailable: no usable keyring, or it is locked.
        SecretStoreError: the keyring failed otherwise.
    """
    backend = _usable_backend(name)
    try:
        value = backend.get_password(SERVICE, name)
    except Exception as exc:  # translated below
        raise _translate(name, exc) from exc
    logger.debug("secret %s %s", name, "found" if value is not None else "absent")
    return value if value is None else str(value)


def store(name: str, value: str) -> None:
    """Store ``value`` under ``name`` (replacing a previous value of the same name).

    Raises:
        SecretStoreUnavailable: no usable keyring, or it is locked.
        SecretStoreError: the keyring failed otherwise.
    """
    backend = _usable_backend(name)
    try:
        backend.set_password(SERVICE, name, value)
    except Exception as exc:  # translated below
        raise _translate(name, exc) from exc
    logger.info("secret %s stored in %s", name, backend_name())


def forget(name: str) -> bool:
    """Delete the secret ``name`` on the user's explicit request; True if it existed.

    Raises:
        SecretStoreUnavailable: no usable keyring, or it is locked.
        SecretStoreError: the keyring failed otherwise.
    """
    from keyring import errors

    backend = _usable_backend(name)
    try:
        backend.delete_password(SERVICE, name)
    except errors.PasswordDeleteError:
        return False
    except Exception as exc:  # translated below
        raise _translate(name, exc) from exc
    logger.info("secret %s forgotten", name)
    return True


# -- secrets named by the profile (servers: no desktop keyring) ---------------------------

CREDENTIALS_ENV = "CREDENTIALS_DIRECTORY"
CACHE_KEY_BYTES = 32
_MAX_SECRET_BYTES = 4096

SecretKind = Literal["password", "cache-key"]


class SecretSourceError(ClientError):
    """A secret named by the profile's ``[secrets]`` table cannot be read.

    Attributes:
        location: the file, or the credential's name.
        reason: what is wrong, in words.
    """

    def __init__(self, location: str, reason: str) -> None:
        self.location = location
        self.reason = reason
        super().__init__(f"{location}: {reason}")


class SecretFileRefused(SecretSourceError):
    """A secret file is missing, unreadable, empty, or readable by others than its owner.

    Attributes:
        path: the file.
        fix: what the administrator should do.
    """

    def __init__(self, path: Path, reason: str, fix: str) -> None:
        self.path = path
        self.fix = fix
        super().__init__(str(path), reason)


class CredentialMissing(SecretSourceError):
    """A systemd credential is absent (no ``$CREDENTIALS_DIRECTORY`` or no such file).

    Attributes:
        name: the credential's name (``LoadCredential=NAME:...``).
    """

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        super().__init__(name, reason)


def _read_bounded(path: Path) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(_MAX_SECRET_BYTES + 1)
    if len(data) > _MAX_SECRET_BYTES:
        raise SecretFileRefused(path, "the file is too large to be a secret",
                                "put only the secret in it, on one line")
    return data


def read_secret_file(path: Path) -> bytes:
    """The content of a secret file, refused when others than its owner may read it.

    The file must belong to the user running the program and have no group or other
    permission (``chmod 600`` or ``400``): a secret others can read is no longer secret.

    Raises:
        SecretFileRefused: missing, unreadable, wrong owner, permissions too wide, empty.
    """
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise SecretFileRefused(path, "the file does not exist",
                                "create it (chmod 600) or fix [secrets] in the profile") from exc
    except OSError as exc:
        raise SecretFileRefused(path, exc.strerror or str(exc),
                                "check the path and the permissions of its folders") from exc
    if not stat.S_ISREG(info.st_mode):
        raise SecretFileRefused(path, "it is not a regular file", "point to a regular file")
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise SecretFileRefused(
            path, f"it belongs to user id {info.st_uid}, not to the user running the program "
            f"({os.geteuid()})", "chown it to the service's user")
    if info.st_mode & 0o077:
        raise SecretFileRefused(
            path, f"its permissions {stat.filemode(info.st_mode)} let others read it",
            f"run 'chmod 600 {path}'")
    try:
        data = _read_bounded(path)
    except OSError as exc:
        raise SecretFileRefused(path, exc.strerror or str(exc),
                                "check the file's permissions") from exc
    if not data.strip():
        raise SecretFileRefused(path, "the file is empty", "write the secret in it")
    return data


def read_credential(name: str) -> bytes:
    """A systemd credential (``LoadCredential=``/``SetCredentialEncrypted=``) by name.

    systemd places it in a private, read-only ``$CREDENTIALS_DIRECTORY`` that only the
    service's user can read, so no permission check is made here.

    Raises:
        CredentialMissing: not run by systemd with that credential.
    """
    directory = os.environ.get(CREDENTIALS_ENV)
    if not directory:
        raise CredentialMissing(
            name, f"${CREDENTIALS_ENV} is not set: the program is not run by systemd with "
            f"LoadCredential={name}:FILE (or the profile should use another [secrets] source)")
    path = Path(directory) / name
    if "/" in name or name in ("", ".", ".."):
        raise CredentialMissing(name, "not a valid credential name")
    try:
        data = _read_bounded(path)
    except OSError as exc:
        raise CredentialMissing(
            name, f"no credential {name!r} in {directory}: add LoadCredential={name}:FILE "
            "to the service") from exc
    if not data.strip():
        raise CredentialMissing(name, "the credential is empty")
    return data


def read_configured(settings: SecretsSettings, kind: SecretKind) -> bytes | None:
    """The secret ``kind`` from the profile's ``[secrets]`` source; None for the keyring.

    Raises:
        SecretSourceError: the configured file or credential cannot be used.
    """
    if settings.source == "keyring":
        return None
    if settings.source == "file":
        path = settings.password_file if kind == "password" else settings.cache_key_file
        if path is None:
            key = "password_file" if kind == "password" else "cache_key_file"
            raise SecretSourceError(
                f"secrets.{key}", f'the profile says source = "file" but has no {key}')
        data = read_secret_file(path)
    else:
        name = (settings.password_credential if kind == "password"
                else settings.cache_key_credential)
        data = read_credential(name)
    logger.debug("secret %s read from the %s source", kind, settings.source)
    return data


def decode_key(text: str, size: int) -> bytes:
    """A key kept in the keyring as base64 text, checked to be ``size`` bytes long.

    Raises:
        ValueError: ``is damaged`` (not base64) or ``has the wrong length``: what the caller
            says after naming the key.
    """
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("is damaged") from exc
    if len(key) != size:
        raise ValueError("has the wrong length")
    return key


def read_cache_key(settings: SecretsSettings) -> bytes | None:
    """The 32-byte cache key from the configured source (base64 text); None for the keyring.

    Raises:
        SecretSourceError: unreadable, or not 32 bytes once decoded.
    """
    data = read_configured(settings, "cache-key")
    if data is None:
        return None
    try:
        key = base64.b64decode(data.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SecretSourceError(_where(settings), "the cache key is not base64 text "
                                "(make one with 'head -c 32 /dev/urandom | base64')") from exc
    if len(key) != CACHE_KEY_BYTES:
        raise SecretSourceError(_where(settings), f"the cache key must be {CACHE_KEY_BYTES} "
                                "bytes (make one with 'head -c 32 /dev/urandom | base64')")
    return key


def _where(settings: SecretsSettings) -> str:
    if settings.source == "file":
        return str(settings.cache_key_file)
    return settings.cache_key_credential
