"""uvicorn's configuration for the gateway (a module of its own: worker processes started
with ``spawn`` unpickle it by its module path, which ``__main__`` cannot give)."""

from __future__ import annotations

import ssl

import uvicorn

__all__ = ["ServerConfig"]


class ServerConfig(uvicorn.Config):
    """uvicorn's configuration, with TLS 1.2 as the floor of the server context."""

    def load(self) -> None:
        """Load as uvicorn does, then refuse TLS below 1.2 (RFC 8996 retired 1.0/1.1)."""
        super().load()
        if self.ssl is not None:
            self.ssl.minimum_version = ssl.TLSVersion.TLSv1_2
