"""Small stdlib TLS servers on loopback for the card TLS backend tests (real OpenSSL peers)."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["serve_tls", "write_pem_pair"]


def write_pem_pair(folder: Path, name: str, cert: x509.Certificate,
                   key: rsa.RSAPrivateKey) -> tuple[Path, Path]:
    cert_path = folder / f"{name}.pem"
    key_path = folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))
    return cert_path, key_path


@contextmanager
def serve_tls(
    context: ssl.SSLContext, *, host: str = "127.0.0.1", payload_size: int = 0
) -> Iterator[tuple[int, list[object]]]:
    """Accept connections; answer one line with the client's CN, then send ``payload_size``.

    Yields (port, outcomes): each outcome is the peer CN or the server-side exception.
    """
    listener = socket.create_server((host, 0))
    port = listener.getsockname()[1]
    outcomes: list[object] = []
    stop = threading.Event()

    def handle(raw: socket.socket) -> None:
        with raw:
            try:
                with context.wrap_socket(raw, server_side=True) as tls:
                    peer = tls.getpeercert()
                    cn = ""
                    if peer:
                        for rdn in peer.get("subject", ()):
                            for key, value in rdn:
                                if key == "commonName":
                                    cn = value
                    line = b""
                    while not line.endswith(b"\n"):
                        chunk = tls.recv(1024)
                        if not chunk:
                            break
                        line += chunk
                    if line.startswith(b"upload "):
                        # "upload N": read N more bytes, answer their SHA-256.
                        import hashlib

                        size = int(line.split()[1])
                        rest = line.split(b"\n", 1)[1]
                        digest = hashlib.sha256(rest)
                        received = len(rest)
                        while received < size:
                            chunk = tls.recv(1 << 16)
                            if not chunk:
                                break
                            digest.update(chunk)
                            received += len(chunk)
                        tls.sendall(digest.hexdigest().encode() + b"\n")
                    tls.sendall(f"hello {cn}\n".encode())
                    if payload_size:
                        block = bytes(range(256)) * 256
                        sent = 0
                        while sent < payload_size:
                            part = block[: min(len(block), payload_size - sent)]
                            tls.sendall(part)
                            sent += len(part)
                    outcomes.append(cn)
                    try:
                        tls.unwrap()
                    except (OSError, ssl.SSLError):
                        pass
            except (OSError, ssl.SSLError) as exc:
                outcomes.append(exc)

    def accept_loop() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            raw.settimeout(30)
            handle(raw)

    thread = threading.Thread(target=accept_loop, daemon=True)
    thread.start()
    try:
        yield port, outcomes
    finally:
        stop.set()
        thread.join(5)
        listener.close()
