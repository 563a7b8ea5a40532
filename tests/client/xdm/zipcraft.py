"""Hand-made ZIP archives for hostile-package tests.

``zipfile`` refuses to write what attackers write (lying sizes, symlink attributes on
odd names, the encryption flag without encryption, duplicate names), so this writes the
local headers, central directory and end record itself (PKWARE APPNOTE 4.3.7, 4.3.12,
4.3.16).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

__all__ = ["RawEntry", "build_zip", "deflate", "deflate_zeros", "nested_zip_bomb"]

_MIB = 1024 * 1024


@dataclass
class RawEntry:
    """One member as written: ``payload`` is stored as is (compressed when method 8)."""

    name: str
    payload: bytes
    crc: int
    size: int
    method: int = 8
    flags: int = 0
    external_attr: int = 0o100644 << 16
    create_system: int = 3


def deflate(name: str, data: bytes, **overrides: int) -> RawEntry:
    """An honest deflated entry for ``data``; keyword overrides for lying fields."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = compressor.compress(data) + compressor.flush()
    entry = RawEntry(name, payload, zlib.crc32(data), len(data))
    for key, value in overrides.items():
        setattr(entry, key, value)
    return entry


def deflate_zeros(name: str, mebibytes: int) -> RawEntry:
    """An entry expanding to ``mebibytes`` MiB of zeros, built without compressing them.

    A full flush leaves no back-reference across the boundary, so the compressed MiB can
    be repeated; a final empty block ends the stream.
    """
    zero = bytes(_MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = compressor.compress(zero) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zero, crc)
    return RawEntry(name, chunk * mebibytes + tail, crc, mebibytes * _MIB)


def build_zip(entries: list[RawEntry]) -> bytes:
    """Serialise ``entries`` into a ZIP archive exactly as given."""
    out = bytearray()
    central = bytearray()
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = entry.flags | (0x800 if not entry.name.isascii() else 0)
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, entry.method, 0, 0x21,
                           entry.crc, len(entry.payload), entry.size, len(name), 0)
        out += name + entry.payload
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50,
                               (entry.create_system << 8) | 20, 20, flags, entry.method,
                               0, 0x21, entry.crc, len(entry.payload), entry.size,
                               len(name), 0, 0, 0, 0, entry.external_attr, offset)
        central += name
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                       len(central), start, 0)
    return bytes(out)


def nested_zip_bomb(layers: int = 3, fan_out: int = 16, leaf_mib: int = 64) -> bytes:
    """A 42.zip-shaped bomb: ``fan_out`` copies of the layer below, ``layers`` deep.

    The leaves are ``fan_out`` entries of ``leaf_mib`` MiB of zeros, so the whole
    expands to ``fan_out ** layers * leaf_mib`` MiB (256 GiB with the defaults) while
    the outer archive stays small.
    """
    layer = build_zip([deflate_zeros(f"{i:X}.BIN", leaf_mib) for i in range(fan_out)])
    for depth in range(1, layers):
        layer = build_zip([deflate(f"L{depth}_{i:X}.ZIP", layer) for i in range(fan_out)])
    return layer
