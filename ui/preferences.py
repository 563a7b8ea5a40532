"""The desktop app's own preferences (language, remote content, window state).

Stored as an INI file under ``app_paths().config`` so that ``MSSANTE_COMPANION_HOME``
isolates them like every other piece of state. Operator settings live in the profile
(``client``), not here.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from client.paths import app_paths

__all__ = ["ModuleSettingInvalid", "Preferences", "REMOTE_POLICIES", "is_automatic"]

logger = logging.getLogger(__name__)

#: Remote content policy: never load, ask per message (bar), always for trusted senders.
REMOTE_POLICIES = ("block", "ask", "trusted")


class ModuleSettingInvalid(Exception):  # reads as a state of the setting
    """The PKCS#11 module path saved in Settings cannot be used; ``cause`` says why."""

    def __init__(self, path: str, cause: BaseException) -> None:
        super().__init__(f"{path}: {type(cause).__name__}")
        self.path = path
        self.cause = cause


_AUTOMATIC = {"", "auto", "automatic", "automatique"}


def is_automatic(value: str) -> bool:
    """Whether a module setting means "find it" rather than a path."""
    return value.strip().lower() in _AUTOMATIC


class Preferences:
    """Typed accessors over a ``QSettings`` INI file."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            paths = app_paths().ensure()
            path = paths.config / "desktop.ini"
        self.path = path
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    def _text(self, key: str, default: str = "") -> str:
        value = self._settings.value(key, default)
        return str(value) if value is not None else default

    @property
    def language(self) -> str:
        """``""`` follows the system; else a code from :data:`ui.i18n.LANGUAGES`."""
        return self._text("ui/language")

    @language.setter
    def language(self, value: str) -> None:
        self._settings.setValue("ui/language", value)

    @property
    def remote_content(self) -> str:
        """One of :data:`REMOTE_POLICIES` (default ``ask``)."""
        value = self._text("mail/remote_content", "ask")
        return value if value in REMOTE_POLICIES else "ask"

    @remote_content.setter
    def remote_content(self, value: str) -> None:
        if value not in REMOTE_POLICIES:
            raise ValueError(f"remote content policy must be one of {REMOTE_POLICIES}")
        self._settings.setValue("mail/remote_content", value)

    @property
    def profile_path(self) -> str:
        """The operator profile chosen in the app (the env variable wins, see ``client``)."""
        return self._text("account/profile")

    @profile_path.setter
    def profile_path(self, value: str) -> None:
        self._settings.setValue("account/profile", value)

    @property
    def pkcs11_module(self) -> str:
        """A path chosen by the user, or ``""``: automatic (the profile's module, else the
        Cryptolib CPS paths of the OS). A word meaning "automatic" saved by an earlier
        version reads as ``""``, so that it never overrides the profile's module."""
        value = self._text("card/pkcs11_module").strip()
        return "" if is_automatic(value) else value

    @pkcs11_module.setter
    def pkcs11_module(self, value: str) -> None:
        value = value.strip()
        if is_automatic(value):
            self._settings.remove("card/pkcs11_module")
        else:
            self._settings.setValue("card/pkcs11_module", value)

    @property
    def extra_anchors(self) -> list[str]:
        """Trust anchor files added by an administrator."""
        value = self._settings.value("trust/anchors", [])
        if isinstance(value, str):
            return [value] if value else []
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value]
        return []

    @extra_anchors.setter
    def extra_anchors(self, value: list[str]) -> None:
        self._settings.setValue("trust/anchors", list(value))

    @property
    def ecps_idle_minutes(self) -> int:
        """With e-CPS, lock after this many idle minutes (default 15; 1 to 480)."""
        try:
            value = int(self._text("session/ecps_idle_minutes", "15"))
        except ValueError:
            return 15
        return min(480, max(1, value))

    @ecps_idle_minutes.setter
    def ecps_idle_minutes(self, value: int) -> None:
        self._settings.setValue("session/ecps_idle_minutes", int(value))

    def window_state(self, name: str) -> QByteArray | None:
        """Saved geometry/state blob of a window."""
        value = self._settings.value(f"windows/{name}")
        return value if isinstance(value, QByteArray) else None

    def set_window_state(self, name: str, value: QByteArray) -> None:
        """Remember a window's geometry/state."""
        self._settings.setValue(f"windows/{name}", value)

    def sync(self) -> None:
        """Write to disk now."""
        self._settings.sync()
