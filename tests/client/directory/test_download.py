"""Downloads of the published files: every redirect hop is checked (https, allowed host)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from client.directory.download import MAX_REDIRECTS, download
from client.directory.errors import DownloadError

BODY = b"<ListeBlancheMSSante/>\n"


class _Redirecting(BaseHTTPRequestHandler):
    """``/file`` answers the body; ``/to?URL`` redirects to URL; ``/loop/N`` to N+1."""

    hits: list[str] = []

    def do_GET(self) -> None:  # stdlib name
        type(self).hits.append(self.path)
        if self.path == "/file":
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)
            return
        if self.path.startswith("/to?"):
            target = self.path[4:]
        elif self.path.startswith("/loop/"):
            target = f"/loop/{int(self.path[6:]) + 1}"
        else:
            self.send_error(404)
            return
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # stdlib name
        return


@pytest.fixture
def server() -> Iterator[str]:
    _Redirecting.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_a_redirect_on_the_same_host_is_followed(server: str, tmp_path: Path) -> None:
    path = download(f"{server}/to?/file", tmp_path)
    assert path.read_bytes() == BODY
    assert _Redirecting.hits == ["/to?/file", "/file"]


def test_a_redirect_to_another_host_is_refused(server: str, tmp_path: Path) -> None:
    # localhost is loopback too, but it is not the host the download was asked of.
    port = server.rsplit(":", 1)[1]
    with pytest.raises(DownloadError) as caught:
        download(f"{server}/to?http://localhost:{port}/file", tmp_path / "dl")
    assert caught.value.kind == "redirect"
    assert _Redirecting.hits == [f"/to?http://localhost:{port}/file"]
    assert list((tmp_path / "dl").iterdir()) == []  # nothing left behind


def test_a_redirect_to_plain_http_elsewhere_is_refused(server: str, tmp_path: Path) -> None:
    with pytest.raises(DownloadError) as caught:
        download(f"{server}/to?http://evil.test/listeblanchemssante.xml", tmp_path)
    assert caught.value.kind in {"redirect", "url"}
    assert "evil.test" in caught.value.url


def test_a_host_the_caller_allows_is_followed(server: str, tmp_path: Path) -> None:
    port = server.rsplit(":", 1)[1]
    path = download(f"{server}/to?http://localhost:{port}/file", tmp_path,
                    allowed_hosts=frozenset({"127.0.0.1", "localhost"}))
    assert path.read_bytes() == BODY


def test_redirect_loops_stop(server: str, tmp_path: Path) -> None:
    with pytest.raises(DownloadError) as caught:
        download(f"{server}/loop/0", tmp_path)
    assert caught.value.kind == "redirect"
    assert len(_Redirecting.hits) == MAX_REDIRECTS + 1


def test_a_client_that_follows_redirects_itself_is_still_checked(server: str,
                                                                 tmp_path: Path) -> None:
    import httpx

    port = server.rsplit(":", 1)[1]
    with httpx.Client(follow_redirects=True) as client, pytest.raises(DownloadError):
        download(f"{server}/to?http://localhost:{port}/file", tmp_path, client=client)


def test_an_http_error_carries_its_status(server: str, tmp_path: Path) -> None:
    with pytest.raises(DownloadError) as caught:
        download(f"{server}/missing", tmp_path)
    assert (caught.value.kind, caught.value.status) == ("status", 404)


def test_an_unreachable_server_is_a_network_error_without_raw_text(tmp_path: Path) -> None:
    with pytest.raises(DownloadError) as caught:
        download("http://127.0.0.1:9/file", tmp_path)
    assert caught.value.kind == "network"
    assert "Errno" not in caught.value.reason
