"""The sandbox PKI's publication point: CRLs over HTTP and an OCSP responder, on loopback.

IGC-Santé publishes its CRLs at HTTP distribution points named in every certificate; the
sandbox PKI (:mod:`sandbox.pki`) names ``http://127.0.0.1:<port>/crl/<ca>.crl`` and
``http://127.0.0.1:<port>/ocsp/<ca>``, and this server answers there:

* ``GET /crl/{root,persons,orgs}.crl``: the authority's current CRL, DER
  (``application/pkix-crl``, RFC 5280 section 4.2.1.13), read from disk at each request so
  that a revocation made by another process is served at once;
* ``POST /ocsp/<ca>``: an OCSP response (RFC 6960 appendix A.1).

Run it in a thread (:class:`CrlServer`) or as ``python -m sandbox.crl_server PKI_DIR``
(prints ``READY`` once bound).
"""

from __future__ import annotations

import logging
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sandbox.pki import Pki, build_pki
from sandbox.processes import HOST

__all__ = ["CrlServer", "main"]

logger = logging.getLogger(__name__)

_CAS = ("root", "persons", "orgs")
_MAX_REQUEST = 64 * 1024


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # stdlib name
        logger.info("%s %s", self.address_string(), format % args)

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # http.server's name
        parts = self.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "crl" and parts[1].removesuffix(".crl") in _CAS:
            path = self.server.pki.crl_der_path(parts[1].removesuffix(".crl"))
            if self.server.offline.is_set():
                self._reply(503, b"offline\n", "text/plain")
                return
            self._reply(200, path.read_bytes(), "application/pkix-crl")
            return
        self._reply(404, b"not found\n", "text/plain")

    def do_POST(self) -> None:  # http.server's name
        parts = self.path.strip("/").split("/")
        length = int(self.headers.get("Content-Length") or 0)
        if len(parts) != 2 or parts[0] != "ocsp" or parts[1] not in _CAS or not (
            0 < length <= _MAX_REQUEST
        ):
            self._reply(404, b"not found\n", "text/plain")
            return
        request = self.rfile.read(length)
        if self.server.offline.is_set():
            self._reply(503, b"offline\n", "text/plain")
            return
        self._reply(200, self.server.pki.ocsp_answer(parts[1], request),
                    "application/ocsp-response")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, pki: Pki, port: int) -> None:
        self.pki = pki
        self.offline = threading.Event()
        super().__init__((HOST, port), _Handler)


class CrlServer:
    """Serves a :class:`Pki`'s CRLs and OCSP answers on its loopback port, in a thread.

    ``offline()`` / ``online()`` make it answer 503, to test that clients keep the last
    valid CRL when the publication point fails.
    """

    def __init__(self, pki: Pki) -> None:
        port = pki.serving_port
        if port is None:
            raise ValueError(f"the PKI in {pki.directory} names no loopback CRL server")
        self.pki = pki
        self._server = _Server(pki, port)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="sandbox-crl-server", daemon=True)

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self._server.server_address[1])

    def start(self) -> CrlServer:
        """Serve in a daemon thread."""
        self._thread.start()
        return self

    def offline(self) -> None:
        """Answer 503 to every request from now on."""
        self._server.offline.set()

    def online(self) -> None:
        """Serve again."""
        self._server.offline.clear()

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def main(argv: list[str] | None = None) -> int:
    """``python -m sandbox.crl_server PKI_DIR``: serve until killed."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m sandbox.crl_server PKI_DIR", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    pki = build_pki(Path(args[0]))
    server = CrlServer(pki)
    print(f"READY {server.port}", flush=True)
    try:
        server._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
