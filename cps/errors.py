"""Errors of the card layer.

Every error raised by ``cps`` derives from :class:`CardError` and carries structured
data; the wording a user reads is chosen at the edge (CLI, dialog). Third-party errors
(``PyKCS11.PyKCS11Error``, ``smartcard.Exceptions.*``) are translated where they enter.

    CardError
"""

from __future__ import annotations

__all__ = ["CardError"]


class CardError(Exception):
    """Root of every error raised by the card layer."""
