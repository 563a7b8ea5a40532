"""The liste blanche in force: the imported one, else the one shipped with the application.

A fresh install must be able to write to a colleague before its first download of the
list, so the last published list ships in ``resources/data/`` and serves until a list is
imported or refreshed. Whoever checks a recipient (compose, sending, the bridge) asks the
one :class:`CurrentWhitelist` of the process, which notices a newly imported file by its
modification time and size and reads it again: an import applies at once, with no
restart and no new sign-in.

    current = current_whitelist()
    current.space()          # TrustSpace or None (nothing imported, nothing shipped)
    current.status()         # origin, date, number of domains, for Settings
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from client.whitelist import (
    TrustSpace,
    WhitelistError,
    bundled_whitelist_path,
    default_whitelist_path,
)

__all__ = [
    "ORIGIN_IMPORTED",
    "ORIGIN_NONE",
    "ORIGIN_SHIPPED",
    "CurrentWhitelist",
    "WhitelistStatus",
    "current_whitelist",
    "domain_of",
]

logger = logging.getLogger(__name__)

ORIGIN_IMPORTED = "imported"
ORIGIN_SHIPPED = "shipped"
ORIGIN_NONE = "none"


@dataclass(frozen=True)
class WhitelistStatus:
    """What Settings shows: where the list comes from, its date and size.

    ``error`` is set when an imported file exists but cannot be read (the shipped list
    then serves, and Settings says so).
    """

    origin: str
    domains: int = 0
    generated: datetime | None = None
    path: Path | None = None
    error: WhitelistError | None = None

    @property
    def loaded(self) -> bool:
        """A list is in force (imported or shipped)."""
        return self.origin != ORIGIN_NONE


def domain_of(address: str) -> str:
    """The lower-cased domain of an address (or of a bare domain)."""
    return address.strip().rpartition("@")[2].strip().rstrip(".").lower()


class CurrentWhitelist:
    """The list in force, read again when the imported file changes (thread-safe)."""

    def __init__(self, imported: Path | None = None, shipped: Path | None = None) -> None:
        self._imported = imported
        self._shipped = shipped
        self._lock = threading.Lock()
        self._key: tuple[str, str, int, int] | None = None
        self._space: TrustSpace | None = None
        self._status = WhitelistStatus(ORIGIN_NONE)

    @property
    def imported_path(self) -> Path:
        """Where the imported list is kept."""
        return self._imported if self._imported is not None else default_whitelist_path()

    @property
    def shipped_path(self) -> Path:
        """The list shipped with the application."""
        return self._shipped if self._shipped is not None else bundled_whitelist_path()

    def space(self) -> TrustSpace | None:
        """The list in force, or None when there is none at all."""
        with self._lock:
            self._refresh_locked()
            return self._space

    def status(self) -> WhitelistStatus:
        """Origin, date and size of the list in force."""
        with self._lock:
            self._refresh_locked()
            return self._status

    def _refresh_locked(self) -> None:
        error: WhitelistError | None = None
        for origin, path in ((ORIGIN_IMPORTED, self.imported_path),
                             (ORIGIN_SHIPPED, self.shipped_path)):
            try:
                stat = path.stat()
            except OSError:
                continue
            key = (origin, str(path), stat.st_mtime_ns, stat.st_size)
            if key == self._key:
                return
            try:
                space = TrustSpace.load(path)
            except WhitelistError as exc:
                logger.warning("the %s liste blanche is unusable: %s", origin, exc)
                error = error or exc
                continue
            self._key, self._space = key, space
            self._status = WhitelistStatus(origin, len(space), space.generated, path, error)
            logger.info("liste blanche in force: %s, %d domains, generated %s",
                        origin, len(space), space.generated)
            return
        self._key, self._space = None, None
        self._status = WhitelistStatus(ORIGIN_NONE, error=error)


_CURRENT = CurrentWhitelist()


def current_whitelist() -> CurrentWhitelist:
    """The process's list in force (paths from :func:`client.paths.app_paths`)."""
    return _CURRENT
