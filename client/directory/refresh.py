"""Scheduled refresh of the national directory and the liste blanche, when online.

ANS republishes both files regularly. The desktop app calls :func:`refresh_if_due`
from a worker (at start-up, then every few hours): each source whose last successful
refresh is older than its interval is downloaded and imported; a failure leaves the
current data in place and is reported, never raised. The liste blanche is asked for
conditionally (``If-None-Match`` / ``If-Modified-Since`` from the last good download), so
an unchanged list costs one small answer; a refused list (checksum, format) leaves the
last good one in force. URLs and the interval are
configurable in ``updates.toml`` of the config directory::

    [updates]
    directory_url = "https://.../Extraction_Correspondance_MSSante"
    whitelist_url = "https://espacedeconfiance.mssante.fr/listeblanchemssante.xml"
    whitelist_checksum_url = "https://espacedeconfiance.mssante.fr/listeblanchemssante.xml.checksum"
    interval_hours = 24
    enabled = true
"""

from __future__ import annotations

import json
import logging
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from client.directory.download import Validators, download, download_if_changed
from client.directory.errors import DirectoryError
from client.directory.service import Directory
from client.errors import ClientError
from client.paths import app_paths, private_dir
from client.whitelist import (
    DEFAULT_CHECKSUM_URL,
    DEFAULT_URL,
    default_whitelist_path,
    import_whitelist,
)

__all__ = [
    "DEFAULT_DIRECTORY_URL",
    "RefreshOutcome",
    "UpdateSources",
    "refresh_if_due",
]

logger = logging.getLogger(__name__)

# ANS's public extraction service (annuaire.sante.fr, "extractions publiques"); verify
# against the site when it changes, or set directory_url in updates.toml.
DEFAULT_DIRECTORY_URL = (
    "https://service.annuaire.sante.fr/annuaire-sante-webservices/V300/services/"
    "extraction/Extraction_Correspondance_MSSante"
)
CONFIG_FILENAME = "updates.toml"
STATE_FILENAME = "refresh-state.json"


@dataclass(frozen=True)
class UpdateSources:
    """Where the published files are fetched from, and how often."""

    directory_url: str = DEFAULT_DIRECTORY_URL
    whitelist_url: str = DEFAULT_URL
    whitelist_checksum_url: str = DEFAULT_CHECKSUM_URL
    interval: timedelta = timedelta(hours=24)
    enabled: bool = True

    @classmethod
    def load(cls, path: Path | None = None) -> UpdateSources:
        """The configured sources (``updates.toml``), defaults for what is not set.

        Raises:
            DirectoryError: the file exists but is not valid TOML or has bad values.
        """
        path = path if path is not None else app_paths().config / CONFIG_FILENAME
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise DirectoryError(f"{path} is not valid TOML ({exc})") from exc
        section = data.get("updates", {})
        if not isinstance(section, dict):
            raise DirectoryError(f"{path}: [updates] must be a table")
        defaults = cls()
        try:
            hours = float(section.get("interval_hours", defaults.interval.total_seconds() / 3600))
        except (TypeError, ValueError) as exc:
            raise DirectoryError(f"{path}: interval_hours must be a number") from exc
        if hours <= 0:
            raise DirectoryError(f"{path}: interval_hours must be positive")
        return cls(
            directory_url=str(section.get("directory_url", defaults.directory_url)),
            whitelist_url=str(section.get("whitelist_url", defaults.whitelist_url)),
            whitelist_checksum_url=str(
                section.get("whitelist_checksum_url", defaults.whitelist_checksum_url)
            ),
            interval=timedelta(hours=hours),
            enabled=bool(section.get("enabled", True)),
        )


@dataclass(frozen=True)
class RefreshOutcome:
    """What happened to one source: ``refreshed``, ``unchanged`` (the server says the
    last good file is current), ``skipped`` (not due or disabled) or ``failed``."""

    name: str
    status: str
    detail: str = ""
    error: BaseException | None = None


def _state_path() -> Path:
    return app_paths().data / STATE_FILENAME


def _read_state(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _due(state: dict[str, str], name: str, now: datetime, interval: timedelta) -> bool:
    try:
        last = datetime.fromisoformat(state[name])
    except (KeyError, ValueError):
        return True
    return now - last >= interval


def refresh_if_due(
    sources: UpdateSources | None = None,
    *,
    directory: Directory | None = None,
    force: bool = False,
    now: datetime | None = None,
    cancel: object = None,
) -> list[RefreshOutcome]:
    """Refresh the liste blanche and the directory when due; report each outcome.

    Args:
        sources: URLs and interval (default: :meth:`UpdateSources.load`).
        directory: the app's :class:`Directory` (default: one on the default index).
        force: refresh even when not due.
        now: the current time (tests).
        cancel: stops the directory import (see :func:`import_extraction`).
    """
    sources = sources if sources is not None else UpdateSources.load()
    if not sources.enabled and not force:
        return [RefreshOutcome(name, "skipped", "disabled") for name in ("whitelist",
                                                                          "directory")]
    now = now or datetime.now(UTC)
    state_path = _state_path()
    state = _read_state(state_path)
    outcomes: list[RefreshOutcome] = []
    target = default_whitelist_path()
    private_dir(target.parent)

    if force or _due(state, "whitelist", now, sources.interval):
        try:
            validators = Validators(state.get("whitelist-etag", ""),
                                    state.get("whitelist-last-modified", ""))
            if not target.exists():
                validators = Validators()  # nothing imported yet: ask for the whole file
            with tempfile.TemporaryDirectory(dir=target.parent, prefix=".refresh-") as tmp:
                xml = download_if_changed(sources.whitelist_url, Path(tmp), validators)
                if xml is None:
                    outcome = RefreshOutcome("whitelist", "unchanged", "not modified")
                else:
                    checksum = None
                    if sources.whitelist_checksum_url:
                        checksum = download(sources.whitelist_checksum_url,
                                            Path(tmp)).read_text(encoding="ascii",
                                                                 errors="replace")
                    space = import_whitelist(xml, checksum=checksum, target=target)
                    state["whitelist-etag"] = validators.etag
                    state["whitelist-last-modified"] = validators.last_modified
                    outcome = RefreshOutcome("whitelist", "refreshed", f"{len(space)} domains")
            state["whitelist"] = now.isoformat()
            outcomes.append(outcome)
        except (ClientError, OSError) as exc:
            logger.warning("liste blanche refresh failed: %s", exc)
            outcomes.append(RefreshOutcome("whitelist", "failed", str(exc), exc))
    else:
        outcomes.append(RefreshOutcome("whitelist", "skipped", "not due"))

    if force or _due(state, "directory", now, sources.interval):
        owned = directory is None
        service = directory or Directory()
        try:
            report = service.import_source(sources.directory_url, cancel=cancel)
            state["directory"] = now.isoformat()
            outcomes.append(RefreshOutcome("directory", "refreshed", f"{report.rows} rows"))
        except (ClientError, OSError) as exc:
            logger.warning("directory refresh failed: %s", exc)
            outcomes.append(RefreshOutcome("directory", "failed", str(exc), exc))
        finally:
            if owned:
                service.close()
    else:
        outcomes.append(RefreshOutcome("directory", "skipped", "not due"))

    state_path.write_text(json.dumps(state, indent=2), encoding="utf-8")
    return outcomes
