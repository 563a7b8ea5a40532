"""Fetching the published files (directory extraction, liste blanche) from their URLs.

Only HTTPS is accepted, except plain HTTP to a loopback address (tests, a local
mirror). Redirects are followed by hand, at most :data:`MAX_REDIRECTS` of them, and each
hop is checked like the first URL: HTTPS (never a step down to HTTP), and a host among the
allowed ones (the first URL's host unless the caller names others), so that a redirect
cannot send the download to plain HTTP or to a host nobody chose (RFC 9110 section 15.4).

The body is streamed to a private temporary file beside the destination, so
a 100 MB extraction never sits in memory and a cut download leaves nothing behind.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

import httpx

from client.directory.errors import DownloadError, ImportCancelled
from client.paths import private_dir

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_DOWNLOAD_BYTES",
    "MAX_REDIRECTS",
    "Validators",
    "download",
    "download_if_changed",
    "is_url",
]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, read=120.0)
MAX_DOWNLOAD_BYTES = 4 * 1024**3  # the extraction ZIP is about 100 MB; the text 2 GB
MAX_REDIRECTS = 5
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}


@dataclass
class Validators:
    """HTTP cache validators of the last good download (RFC 9110 section 8.8, 13.1)."""

    etag: str = ""
    last_modified: str = ""

    def request_headers(self) -> dict[str, str]:
        """Conditional request headers (empty when nothing was downloaded before)."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class _NotModified(Exception):  # internal signal, never leaves the module
    """The server answered 304: the last good file is current."""


def download_if_changed(url: str, directory: Path, validators: Validators,
                        **options: object) -> Path | None:
    """Like :func:`download`, but None when the server says the file has not changed
    since the download ``validators`` describe (updated after a new download)."""
    try:
        return download(url, directory, validators=validators, **options)  # type: ignore[arg-type]
    except _NotModified:
        logger.info("%s not modified since the last download", url)
        return None


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
    raise DownloadError(url, "only https:// URLs are accepted (http only on loopback)",
                        kind="url")


def _check_redirect(previous: str, target: str, allowed_hosts: frozenset[str]) -> None:
    """A redirect hop: checked like the first URL, never to plain HTTP from HTTPS,
    never to a host outside ``allowed_hosts``."""
    _check_url(target)
    before, after = urlsplit(previous), urlsplit(target)
    if before.scheme == "https" and after.scheme != "https":
        raise DownloadError(target, "redirected from https:// to http://", kind="redirect")
    if (after.hostname or "").lower() not in allowed_hosts:
        raise DownloadError(target, f"redirected to a host that is not allowed "
                            f"({after.hostname})", kind="redirect")


def download(
    url: str,
    directory: Path,
    *,
    client: httpx.Client | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
    allowed_hosts: frozenset[str] | None = None,
    validators: Validators | None = None,
) -> Path:
    """Download ``url`` into a new private file of ``directory``; return its path.

    The file keeps the URL's base name as its suffix (``.zip``, ``.xml``...) so that
    importers can tell the format; the caller deletes it when done. Redirects go only
    to ``allowed_hosts`` (default: the host of ``url``) over HTTPS.

    Raises:
        DownloadError: bad URL or redirect, HTTP error status, network failure or too
            large; ``kind`` tells which.
        ImportCancelled: ``cancel()`` returned True.
    """
    _check_url(url)
    private_dir(directory)
    name = Path(urlsplit(url).path).name or "download"
    handle, temp_name = tempfile.mkstemp(prefix=".download-", suffix=f"-{name}", dir=directory)
    own_client = client is None
    http = client or httpx.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=False)
    hosts = allowed_hosts if allowed_hosts is not None else frozenset(
        {(urlsplit(url).hostname or "").lower()})
    received = 0
    headers = validators.request_headers() if validators is not None else {}
    try:
        with os.fdopen(handle, "wb") as out:
            received = _fetch(http, url, out, hosts, progress, cancel, max_bytes, headers,
                              validators)
    except httpx.HTTPError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise DownloadError(url, f"network error ({type(exc).__name__})",
                            kind="network") from exc
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    finally:
        if own_client:
            http.close()
    logger.info("downloaded %s (%d bytes)", url, received)
    return Path(temp_name)


def _fetch(
    http: httpx.Client,
    url: str,
    out: BinaryIO,
    hosts: frozenset[str],
    progress: Callable[[int, int | None], None] | None,
    cancel: Callable[[], bool] | None,
    max_bytes: int,
    headers: dict[str, str],
    validators: Validators | None,
) -> int:
    """GET ``url`` into ``out``, following checked redirects; return the byte count."""
    received = 0
    for _hop in range(MAX_REDIRECTS + 1):
        # follow_redirects=False per request: a caller's client may follow them itself.
        with http.stream("GET", url, headers=headers, follow_redirects=False) as response:
            if response.status_code == 304 and headers:
                raise _NotModified
            if response.status_code in _REDIRECT_STATUSES:
                location = response.headers.get("location", "")
                if not location:
                    raise DownloadError(url, "redirect without a Location", kind="redirect")
                target = urljoin(url, location)
                _check_redirect(url, target, hosts)
                logger.info("download redirected: %s -> %s", url, target)
                url = target
                continue
            if response.status_code != 200:
                raise DownloadError(url, f"HTTP status {response.status_code}",
                                    kind="status", status=response.status_code)
            length = response.headers.get("content-length")
            total = int(length) if length and length.isdigit() else None
            for chunk in response.iter_bytes(1 << 20):
                received += len(chunk)
                if received > max_bytes:
                    raise DownloadError(url, f"larger than {max_bytes} bytes",
                                        kind="too-large")
                out.write(chunk)
                if progress is not None:
                    progress(received, total)
                if cancel is not None and cancel():
                    raise ImportCancelled(0)
            if total is not None and received != total:
                raise DownloadError(url, f"cut short ({received} of {total} bytes)",
                                    kind="network")
            if validators is not None:
                validators.etag = response.headers.get("etag", "")
                validators.last_modified = response.headers.get("last-modified", "")
            return received
    raise DownloadError(url, f"more than {MAX_REDIRECTS} redirects", kind="redirect")
