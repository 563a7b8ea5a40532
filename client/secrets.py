"""Secrets in the operating system's keyring (service ``mssante-companion``).

One module over :mod:`keyring` so that every secret of the application (a PKCS#12
password, optionally a PSC refresh token) goes through the same rules:

- a locked keyring, a refused unlock or no keyring at all gives a :class:`SecretStoreUnavailable`
  saying so: the caller asks the user instead, nothing is lost;
- nothing here ever deletes a secret implicitly: :func:`forget` is only called on an
  explicit user request;
- secrets are never logged (only their names are).

Tests use a real Secret Service (``gnome-keyring-daemon`` under ``dbus-run-session``), or
select a backend by name with ``PYTHON_KEYRING_BACKEND``.
"""

from __future__ import annotations

import logging
from typing import Any

from client.errors import ClientError

__all__ = [
    "SERVICE",
    "SecretStoreError",
    "SecretStoreUnavailable",
    "backend_name",
    "forget",
    "load",
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
    except Exception:  # noqa: BLE001 - a backend without a priority is considered usable
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
    except Exception as exc:  # noqa: BLE001 - translated below
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
    except Exception as exc:  # noqa: BLE001 - translated below
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
    except Exception as exc:  # noqa: BLE001 - translated below
        raise _translate(name, exc) from exc
    logger.info("secret %s forgotten", name)
    return True
