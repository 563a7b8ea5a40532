"""Where the application keeps its state.

``MSSANTE_COMPANION_HOME``, when set, holds all state (config, cache, directory index),
so that tests and scripts are isolated; otherwise the platform's directories are used.

Every folder the application creates goes through :func:`private_dir`: owner-only
(0700) on POSIX, missing parents included (``Path.mkdir(parents=True, mode=...)`` gives
the parents the umask's default, typically 0755, and the umask may widen nothing but
can narrow the mode). On Windows the mode bits mean nothing: the folders live under the
user's profile (``%APPDATA%``, ``%LOCALAPPDATA%``), whose inherited ACLs already give
access to the user, SYSTEM and Administrators only; nothing here changes ACLs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = ["AppPaths", "HOME_ENV", "app_paths", "private_dir"]

HOME_ENV = "MSSANTE_COMPANION_HOME"
_APP_NAME = "mssante-companion"


@dataclass(frozen=True)
class AppPaths:
    """The directories of one installation; created on first use with owner-only access."""

    config: Path
    data: Path
    cache: Path
    logs: Path

    def ensure(self) -> AppPaths:
        """Create every directory (mode 0700, parents too) and return ``self``.

        The four folders themselves are also narrowed to 0700 when an earlier version
        left them wider.
        """
        for directory in (self.config, self.data, self.cache, self.logs):
            private_dir(directory, tighten=True)
        return self


def private_dir(path: Path, *, tighten: bool = False) -> Path:
    """Create ``path`` and any missing parent owner-only (0700 on POSIX); return it.

    Folders that already exist are left alone (a parent may be the user's home, or a
    folder the user chose), except ``path`` itself when ``tighten`` is set and it is
    the user's own.
    """
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:
            continue  # created by another process meanwhile: left as it is
        if os.name == "posix":
            # mkdir's mode is masked by the umask (0700 & ~umask): say it explicitly.
            os.chmod(directory, 0o700)
    if tighten and os.name == "posix" and path.is_dir():
        info = path.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            os.chmod(path, 0o700)
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is not a directory")
    return path


def app_paths() -> AppPaths:
    """Return the application's directories, honouring ``MSSANTE_COMPANION_HOME``."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser()
        return AppPaths(
            config=root / "config",
            data=root / "data",
            cache=root / "cache",
            logs=root / "logs",
        )
    return AppPaths(
        config=Path(platformdirs.user_config_dir(_APP_NAME, appauthor=False)),
        data=Path(platformdirs.user_data_dir(_APP_NAME, appauthor=False)),
        cache=Path(platformdirs.user_cache_dir(_APP_NAME, appauthor=False)),
        logs=Path(platformdirs.user_log_dir(_APP_NAME, appauthor=False)),
    )
