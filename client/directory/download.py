"""Fetching the published files (directory extraction, liste blanche) from their URLs.

Only HTTPS is accepted, except plain HTTP to a loopback address (tests, a local
mirror). The body is streamed to a private temporary file beside the destination, so
a 100 MB extraction never sits in memory and a cut download leaves nothing behind.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from client.directory.errors import DownloadError, ImportCancelled
from client.paths import private_dir

__all__ = ["DEFAULT_TIMEOUT", "MAX_DOWNLOAD_BYTES", "download", "is_url"]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, read=120.0)
MAX_DOWNLOAD_BYTES = 4 * 1024**3  # the extraction ZIP is about 100 MB; the text 2 GB


def is_url(text: str) -> bool:
    """Whether a command-line argument is a URL rather than a file path."""
    return urlsplit(text).scheme.lower() in {"http", "https"}


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname:
        host = parts.hostname
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if loopback:
            return
    raise DownloadError(url, "only https:// URLs are accepted (http only on loopback)")


def download(
    url: str,
    directory: Path,
    *,
    client: httpx.Client | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
) -> Path:
    """Download ``url`` into a new private file of ``directory``; return its path.

    The file keeps the URL's base name as its suffix (``.zip``, ``.xml``...) so that
    importers can tell the format; the caller deletes it when done.

    Raises:
        DownloadError: bad URL, HTTP error status, network failure or too large.
        ImportCancelled: ``cancel()`` returned True.
    """
    _check_url(url)
    private_dir(directory)
    name = Path(urlsplit(url).path).name or "download"
    handle, temp_name = tempfile.mkstemp(prefix=".download-", suffix=f"-{name}", dir=directory)
    own_client = client is None
    http = client or httpx.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=True)
    received = 0
    try:
        with os.fdopen(handle, "wb") as out, http.stream("GET", url) as response:
            if response.status_code != 200:
                raise DownloadError(url, f"HTTP status {response.status_code}")
            length = response.headers.get("content-length")
            total = int(length) if length and length.isdigit() else None
            for chunk in response.iter_bytes(1 << 20):
                received += len(chunk)
                if received > max_bytes:
                    raise DownloadError(url, f"larger than {max_bytes} bytes")
                out.write(chunk)
                if progress is not None:
                    progress(received, total)
                if cancel is not None and cancel():
                    raise ImportCancelled(0)
            if total is not None and received != total:
                raise DownloadError(url, f"cut short ({received} of {total} bytes)")
    except httpx.HTTPError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise DownloadError(url, f"network error ({type(exc).__name__}: {exc})") from exc
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    finally:
        if own_client:
            http.close()
    logger.info("downloaded %s (%d bytes)", url, received)
    return Path(temp_name)
