"""Errors of the spool (a branch of :class:`client.errors.ClientError`).

    ClientError
     └── SpoolError
          ├── SpoolBusy(directory)              another spool process holds the directory
          └── EnvelopeInvalid(name, reason)     an outgoing file that cannot be sent as is
"""

from __future__ import annotations

from pathlib import Path

from client.errors import ClientError

__all__ = ["EnvelopeInvalid", "SpoolBusy", "SpoolError"]


class SpoolError(ClientError):
    """Root of the spool's errors."""


class SpoolBusy(SpoolError):
    """Another spool process works on this directory (it holds the lock).

    Attributes:
        directory: the spool directory.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        super().__init__(f"{directory} is used by another spool process")


class EnvelopeInvalid(SpoolError):
    """An outgoing file cannot be sent: bad JSON, wrong sender, missing attachment...

    Attributes:
        name: the file's name in ``outgoing/``.
        reason: what is wrong, in words (the ``failed/`` report carries it).
        code: ``invalid`` (the file itself) or ``policy`` (a recipient is refused).
    """

    def __init__(self, name: str, reason: str, code: str = "invalid") -> None:
        self.name = name
        self.reason = reason
        self.code = code
        super().__init__(f"{name}: {reason}")
