"""Errors of Thunderbird provisioning.

    ClientError
    └── ThunderbirdError
        ├── NoThunderbirdProfile   no profile found (or the one given does not exist)
        ├── ThunderbirdRunning     the profile is in use: Thunderbird rewrites its prefs
        ├── NssToolMissing         certutil/modutil or libnss3 not installed
        └── NssError               an NSS operation failed (primary password, tool error)
"""

from __future__ import annotations

from client.errors import ClientError

__all__ = ["NoThunderbirdProfile", "NssError", "NssToolMissing", "ThunderbirdError",
           "ThunderbirdRunning"]


class ThunderbirdError(ClientError):
    """Root of provisioning errors."""


class NoThunderbirdProfile(ThunderbirdError):
    """No Thunderbird profile where one was looked for.

    Attributes:
        searched: the folders or the path looked at.
    """

    exit_status = 3  # not found: the folders looked at hold no profile

    def __init__(self, searched: str) -> None:
        super().__init__(f"no Thunderbird profile in {searched}")
        self.searched = searched


class ThunderbirdRunning(ThunderbirdError):
    """Thunderbird has the profile open (its lock file exists).

    Attributes:
        profile: the profile folder.
    """

    def __init__(self, profile: str) -> None:
        super().__init__(f"Thunderbird is using {profile}")
        self.profile = profile


class NssToolMissing(ThunderbirdError):
    """An NSS tool or library is not installed.

    Attributes:
        tool: ``certutil``, ``modutil`` or ``libnss3``.
    """

    def __init__(self, tool: str) -> None:
        super().__init__(f"{tool} is not installed")
        self.tool = tool


class NssError(ThunderbirdError):
    """An NSS operation on the profile failed.

    Attributes:
        operation: what was attempted; reason: what NSS said.
    """

    def __init__(self, operation: str, reason: str) -> None:
        super().__init__(f"{operation}: {reason}")
        self.operation = operation
        self.reason = reason
