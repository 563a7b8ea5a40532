"""A fast path for incoming application data records on an established tlslite connection.

tlslite-ng spends about 0.2 ms of Python per record around the decryption (generators,
header objects, defragmenter), and mail servers send small records (Dovecot: ~4 KiB), so
the record layer, not the cipher, limits a download. Once the handshake is over, an
``application_data`` record is simple to open (RFC 8446 section 5.2 and 5.3; RFC 5288
section 3 for TLS 1.2 AES-GCM; RFC 7905 section 2 for ChaCha20-Poly1305): this module does
just that with tlslite's own read state (keys, IV, sequence number).

Anything else (an alert, a TLS 1.3 NewSessionTicket or KeyUpdate, a TLS 1.2 record of
another type, a record that fails to decrypt) is put back in front of tlslite's read
buffer with the sequence number untouched, and tlslite processes it the usual way.
"""

from __future__ import annotations

import logging
from typing import Any

from client.tls.fast_ciphers import FastAESGCM, FastChaCha20Poly1305

__all__ = ["read_application_data", "supported"]

logger = logging.getLogger(__name__)

_APPLICATION_DATA = 23
_HEADER = 5


def supported(connection: Any) -> bool:
    """True when the connection's read state is one this fast path knows."""
    layer = connection._recordLayer
    state = layer._readState
    version = tuple(connection.version)
    return (
        version in ((3, 3), (3, 4))
        and isinstance(state.encContext, FastAESGCM | FastChaCha20Poly1305)
        and state.fixedNonce is not None
        and not getattr(layer, "early_data_ok", False)
    )


def _read_exact(buffered: Any, count: int, before: bytes | bytearray = b"") -> bytearray | None:
    """Read ``count`` bytes; on end of stream or error, give back all that was taken."""
    data = bytearray()
    try:
        while len(data) < count:
            chunk = buffered.recv(count - len(data))
            if not chunk:
                # End of stream: tlslite will see the same bytes and report the close.
                buffered._read_buffer[0:0] = bytes(before) + data
                return None
            data += chunk
    except BaseException:
        # A timeout must not lose a partial record: the next read starts from it.
        buffered._read_buffer[0:0] = bytes(before) + data
        raise
    return data


def read_application_data(connection: Any) -> bytes | None:
    """Decrypt the next record if it is application data; None to let tlslite handle it."""
    layer = connection._recordLayer
    buffered = layer.sock
    header = _read_exact(buffered, _HEADER)
    if header is None:
        return None
    length = (header[3] << 8) | header[4]
    body = _read_exact(buffered, length, before=header)
    if body is None:
        return None
    state = layer._readState
    tls13 = tuple(connection.version) >= (3, 4)
    plaintext = None
    if header[0] == _APPLICATION_DATA:
        seq = state.seqnum.to_bytes(8, "big")
        cipher = state.encContext
        if tls13 or (cipher.name == "chacha20-poly1305" and len(state.fixedNonce) == 12):
            # RFC 8446 section 5.3: the IV XOR the sequence number, left-padded.
            fixed = state.fixedNonce
            nonce = (int.from_bytes(fixed, "big") ^ state.seqnum).to_bytes(len(fixed), "big")
            aad = bytes(header) if tls13 else None
            sealed = body
        else:
            nonce = bytes(state.fixedNonce) + bytes(body[:8])
            sealed = body[8:]
            aad = None
        if aad is None:
            size = len(sealed) - cipher.tagLength
            aad = seq + bytes([_APPLICATION_DATA, header[1], header[2], size >> 8, size & 0xFF])
        if len(sealed) >= cipher.tagLength:
            plaintext = cipher.open(nonce, sealed, aad)
    if plaintext is not None and tls13:
        inner = plaintext.rstrip(b"\x00")
        if not inner or inner[-1] != _APPLICATION_DATA:
            plaintext = None  # an alert or a post-handshake message: tlslite's business
        else:
            plaintext = inner[:-1]
    if plaintext is None:
        buffered._read_buffer[0:0] = header + body
        return None
    state.seqnum += 1
    return bytes(plaintext)
