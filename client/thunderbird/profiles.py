"""Finding Thunderbird profiles: ``profiles.ini`` in the platform's Thunderbird folder.

``profiles.ini`` lists ``[ProfileN]`` sections (``Name``, ``IsRelative``, ``Path``,
``Default``) and, since Thunderbird 68, ``[Install<hash>]`` sections whose ``Default``
names the profile each installation opens: that one wins, then ``Default=1``, then the
only profile. A profile is in use while its ``lock`` (Linux, macOS) or ``parent.lock``
(Windows) exists.
"""

from __future__ import annotations

import configparser
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from client.thunderbird.errors import NoThunderbirdProfile

__all__ = ["ThunderbirdProfile", "default_profile", "find_profiles", "is_running",
           "thunderbird_roots"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThunderbirdProfile:
    """One profile listed in ``profiles.ini``."""

    name: str
    path: Path
    default: bool


def thunderbird_roots() -> list[Path]:
    """Where ``profiles.ini`` lives on this platform (first existing wins)."""
    home = Path.home()
    if sys.platform == "win32":
        return [Path(os.environ.get("APPDATA", home / "AppData" / "Roaming")) / "Thunderbird"]
    if sys.platform == "darwin":
        return [home / "Library" / "Thunderbird"]
    return [home / ".thunderbird", home / "snap" / "thunderbird" / "common" / ".thunderbird",
            home / ".var" / "app" / "org.mozilla.Thunderbird" / ".thunderbird"]


def find_profiles(root: Path | None = None) -> list[ThunderbirdProfile]:
    """The profiles of ``root`` (default: the platform's folders), default first."""
    roots = [root] if root is not None else thunderbird_roots()
    for folder in roots:
        ini = folder / "profiles.ini"
        if not ini.is_file():
            continue
        parser = configparser.RawConfigParser()
        parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep case
        try:
            parser.read(ini, encoding="utf-8")
        except configparser.Error as exc:
            logger.warning("unreadable %s: %s", ini, exc)
            continue
        install_defaults = {
            parser.get(section, "Default") for section in parser.sections()
            if section.startswith("Install") and parser.has_option(section, "Default")
        }
        profiles = []
        for section in parser.sections():
            if not section.startswith("Profile") or not parser.has_option(section, "Path"):
                continue
            raw = parser.get(section, "Path")
            relative = parser.get(section, "IsRelative", fallback="1") == "1"
            path = (folder / raw) if relative else Path(raw)
            default = raw in install_defaults or (
                not install_defaults and parser.get(section, "Default", fallback="0") == "1")
            profiles.append(ThunderbirdProfile(parser.get(section, "Name", fallback=raw),
                                               path, default))
        if profiles:
            return sorted(profiles, key=lambda p: not p.default)
    return []


def default_profile(root: Path | None = None) -> ThunderbirdProfile:
    """The profile Thunderbird opens by default.

    Raises:
        NoThunderbirdProfile: none found (Thunderbird never started, or elsewhere).
    """
    profiles = find_profiles(root)
    if not profiles:
        searched = str(root) if root else ", ".join(str(r) for r in thunderbird_roots())
        raise NoThunderbirdProfile(searched)
    return profiles[0]


def is_running(profile_dir: Path) -> bool:
    """Whether Thunderbird holds the profile (its lock exists and points to a live pid)."""
    lock = profile_dir / "lock"
    if lock.is_symlink():
        target = os.readlink(lock)  # "IP:+PID" on Linux
        pid = target.rsplit("+", 1)[-1]
        if pid.isdigit():
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                return False  # a stale lock after a crash
            except PermissionError:
                return True
            return True
        return True
    return (profile_dir / "parent.lock").exists() and sys.platform == "win32"
