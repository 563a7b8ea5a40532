"""Operator authentication, mail, directory, attachments, bridge and CLI (no Qt)."""

__version__ = "0.1.0"

__all__ = ["__version__"]
