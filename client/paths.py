"""Where the application keeps its state.

``MSSANTE_COMPANION_HOME``, when set, holds all state (config, cache, directory index),
so that tests and scripts are isolated; otherwise the platform's directories are used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = ["AppPaths", "HOME_ENV", "app_paths"]

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
        """Create every directory (mode 0700) and return ``self``."""
        for directory in (self.config, self.data, self.cache, self.logs):
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self


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
