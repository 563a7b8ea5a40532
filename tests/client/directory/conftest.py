"""Fixtures of the directory tests: sample extractions and an imported index."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from client.directory.importer import import_extraction
from client.directory.index import DirectoryIndex
from sandbox.directory_sample import write_sample_extraction


@pytest.fixture(scope="session")
def sample_txt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 3,000-row sample extraction (seed 0), shared read-only by the tests."""
    return write_sample_extraction(
        tmp_path_factory.mktemp("extraction")
        / "Extraction_Correspondance_MSSante_202611020630.txt",
        rows=3000,
    )


@pytest.fixture(scope="session")
def sample_index_path(sample_txt: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index built once from :func:`sample_txt` (tests must not write to it)."""
    path = tmp_path_factory.mktemp("index") / "directory.sqlite3"
    import_extraction(sample_txt, path)
    return path


@pytest.fixture
def index(sample_index_path: Path) -> Iterator[DirectoryIndex]:
    """A reader on the shared sample index."""
    with DirectoryIndex(sample_index_path) as reader:
        yield reader


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # stdlib name
        return


@pytest.fixture
def web_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A loopback HTTP server publishing ``tmp_path / "www"`` (a mirror of ANS's files)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
