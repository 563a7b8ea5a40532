"""Hostile and broken packages: each refused with its own error, nothing written."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from client.xdm import (
    DocumentIntegrityError,
    DuplicateEntry,
    EncryptedEntry,
    InvalidXdmInput,
    Limits,
    MetadataInvalid,
    NotAnXdmPackage,
    SymlinkEntry,
    UnsafeEntryName,
    UnsafePackage,
    XdmError,
    ZipBombSuspected,
    extract_xdm,
    read_xdm,
)
from sandbox.xdm_sample import build_sample_xdm_zip

from .zipcraft import RawEntry, build_zip, deflate, deflate_zeros, nested_zip_bomb

METADATA = "IHE_XDM/SUBSET01/METADATA.XML"
CDA = "IHE_XDM/SUBSET01/DOC0001.XML"


@pytest.fixture(scope="module")
def sample() -> bytes:
    return build_sample_xdm_zip()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return nested_zip_bomb()


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _rebuild(data: bytes, change: Callable[[str, bytes], list[RawEntry]]) -> bytes:
    """The sample package with each member replaced by what ``change`` returns."""
    entries: list[RawEntry] = []
    for name, content in _members(data):
        entries += change(name, content)
    return build_zip(entries)


def _assert_refused_and_nothing_written(data: bytes, error: type[XdmError],
                                        tmp_path: Path) -> XdmError:
    before = set(tmp_path.rglob("*"))
    with pytest.raises(error) as info:
        read_xdm(data)
    assert set(tmp_path.rglob("*")) == before
    return info.value


def test_the_untouched_sample_is_accepted(sample: bytes) -> None:
    assert len(read_xdm(sample).documents) == 2


def test_nested_42_style_bomb_is_never_expanded(bomb: bytes, tmp_path: Path) -> None:
    tracemalloc.start()
    try:
        started = time.monotonic()
        with pytest.raises(NotAnXdmPackage, match="METADATA.XML"):
            read_xdm(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 256 GiB once fully expanded; only the outer layer (a few MB) is ever decompressed.
    assert peak < 32 * 1024 * 1024
    assert time.monotonic() - started < 30


def test_bomb_layer_dressed_as_a_package_is_refused_by_the_declared_sizes(
    bomb: bytes,
) -> None:
    (_, layer), *_ = _members(bomb)
    (_, leaves), *_ = _members(layer)
    with pytest.raises(NotAnXdmPackage):  # refused from the central directory alone
        read_xdm(leaves)
    dressed = build_zip([deflate(METADATA, b"<x/>")]
                        + [deflate_zeros(f"IHE_XDM/SUBSET01/{i:X}.BIN", 64) for i in range(16)])
    with pytest.raises(ZipBombSuspected, match="declares"):
        read_xdm(dressed)


def test_high_ratio_entry_is_stopped_while_streaming(sample: bytes) -> None:
    # 100 MiB of zeros, honestly declared (under the size limits): the ratio stops it
    # after the first MiB, without reading the rest.
    package = build_zip([deflate(n, c) for n, c in _members(sample)]
                        + [deflate_zeros("IHE_XDM/SUBSET01/ZEROS.BIN", 100)])
    tracemalloc.start()
    try:
        with pytest.raises(ZipBombSuspected, match="compression ratio") as info:
            read_xdm(package)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.entry == "IHE_XDM/SUBSET01/ZEROS.BIN"
    assert peak < 8 * 1024 * 1024


def test_lying_size_header_does_not_let_data_through(sample: bytes) -> None:
    liar = deflate_zeros("IHE_XDM/SUBSET01/LIAR.BIN", 50)
    liar.size = 1000  # declares 1 kB, holds 50 MiB
    package = build_zip([deflate(n, c) for n, c in _members(sample)] + [liar])
    with pytest.raises(UnsafePackage, match="corrupt"):
        read_xdm(package)


def test_total_size_and_entry_count_limits(sample: bytes) -> None:
    with pytest.raises(ZipBombSuspected, match=r"declares \d+ bytes"):
        read_xdm(sample, Limits(max_total_size=100_000))
    with pytest.raises(ZipBombSuspected, match="expands beyond 100000 bytes") as info:
        read_xdm(sample, Limits(max_entry_size=100_000))
    assert info.value.entry == CDA
    with pytest.raises(ZipBombSuspected, match="more than 4 entries"):
        read_xdm(sample, Limits(max_entries=4))
    with pytest.raises(ZipBombSuspected, match="larger than"):
        read_xdm(sample, Limits(max_archive_size=1000))


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("../../evil.sh", ".."),
     ("IHE_XDM/SUBSET01/../../../evil.sh", ".."),
     ("/etc/cron.d/evil", "absolute"),
     ("C:/Windows/evil.dll", "absolute"),
     ("IHE_XDM\\..\\evil.sh", "backslash"),
     ("IHE_XDM//SUBSET01/x", "canonical"),
     ("evil\x07.txt", "control")],
)
def test_unsafe_names_are_refused(sample: bytes, name: str, fragment: str,
                                  tmp_path: Path) -> None:
    package = build_zip([deflate(n, c) for n, c in _members(sample)]
                        + [deflate(name, b"#!/bin/sh\n")])
    error = _assert_refused_and_nothing_written(package, UnsafeEntryName, tmp_path)
    assert fragment in str(error)
    assert not (tmp_path.parent / "evil.sh").exists()


@pytest.mark.parametrize("duplicate", [METADATA, "ihe_xdm/subset01/metadata.xml"])
def test_duplicate_names_are_refused(sample: bytes, duplicate: str, tmp_path: Path) -> None:
    package = build_zip([deflate(n, c) for n, c in _members(sample)]
                        + [deflate(duplicate, b"<x/>")])
    error = _assert_refused_and_nothing_written(package, DuplicateEntry, tmp_path)
    assert isinstance(error, DuplicateEntry) and error.entry == duplicate


def test_symlink_entry_is_refused(sample: bytes, tmp_path: Path) -> None:
    link = deflate("IHE_XDM/SUBSET01/DOC0003.XML", b"/etc/passwd",
                   external_attr=0o120777 << 16)
    package = build_zip([deflate(n, c) for n, c in _members(sample)] + [link])
    _assert_refused_and_nothing_written(package, SymlinkEntry, tmp_path)


def test_device_entry_is_refused(sample: bytes, tmp_path: Path) -> None:
    device = deflate("IHE_XDM/SUBSET01/DEV", b"", external_attr=0o020644 << 16)
    package = build_zip([deflate(n, c) for n, c in _members(sample)] + [device])
    _assert_refused_and_nothing_written(package, SymlinkEntry, tmp_path)


def test_encrypted_entry_is_refused(sample: bytes, tmp_path: Path) -> None:
    package = _rebuild(sample, lambda n, c: [deflate(n, c, flags=0x1 if n == CDA else 0)])
    error = _assert_refused_and_nothing_written(package, EncryptedEntry, tmp_path)
    assert isinstance(error, EncryptedEntry) and error.entry == CDA


def test_corrupt_data_is_refused(sample: bytes) -> None:
    package = _rebuild(sample, lambda n, c: [deflate(n, c, crc=0) if n == CDA
                                             else deflate(n, c)])
    with pytest.raises(UnsafePackage, match="corrupt"):
        read_xdm(package)


def test_xxe_metadata_is_refused(sample: bytes, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")

    def xxe(name: str, content: bytes) -> list[RawEntry]:
        if name != METADATA:
            return [deflate(name, content)]
        hostile = content.replace(
            b"<lcm:SubmitObjectsRequest",
            f'<!DOCTYPE lcm:SubmitObjectsRequest [<!ENTITY xxe SYSTEM "file://{secret}">]>'
            "<lcm:SubmitObjectsRequest".encode(), 1,
        ).replace(b"<rim:Value>Original</rim:Value>", b"<rim:Value>&xxe;</rim:Value>", 1)
        assert b"<!ENTITY xxe" in hostile
        return [deflate(name, hostile)]

    with pytest.raises(MetadataInvalid, match="DTD or entities") as info:
        read_xdm(_rebuild(sample, xxe))
    assert "SECRET" not in str(info.value)


def test_billion_laughs_metadata_is_refused(sample: bytes) -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1 or "") + ";") * 10}">'
                         .encode() for i in range(1, 10))
              + b"]><lolz>&lol9;</lolz>")
    package = _rebuild(sample, lambda n, c: [deflate(n, laughs if n == METADATA else c)])
    with pytest.raises(MetadataInvalid, match="DTD or entities"):
        read_xdm(package)


def test_malformed_metadata_is_refused(sample: bytes) -> None:
    package = _rebuild(sample, lambda n, c: [deflate(n, c[:200] if n == METADATA else c)])
    with pytest.raises(MetadataInvalid, match="not well-formed"):
        read_xdm(package)


def test_metadata_without_a_required_slot_names_it(sample: bytes) -> None:
    def drop_uri(name: str, content: bytes) -> list[RawEntry]:
        if name == METADATA:
            content = content.replace(b'name="URI"', b'name="XURI"', 1)
        return [deflate(name, content)]

    with pytest.raises(MetadataInvalid, match="'URI'"):
        read_xdm(_rebuild(sample, drop_uri))


def test_hash_mismatch_is_refused(sample: bytes) -> None:
    def tamper(name: str, content: bytes) -> list[RawEntry]:
        if name == CDA:
            content = content.replace(b"PAT-TROIS", b"PAT-QUATR", 1)  # same size
        return [deflate(name, content)]

    with pytest.raises(DocumentIntegrityError, match="SHA-1") as info:
        read_xdm(_rebuild(sample, tamper))
    assert info.value.uri == "DOC0001.XML"
    assert info.value.expected != info.value.actual and len(info.value.actual) == 40


def test_size_mismatch_is_refused(sample: bytes) -> None:
    package = _rebuild(sample, lambda n, c: [deflate(n, c + b"\n" if n == CDA else c)])
    with pytest.raises(DocumentIntegrityError, match="size"):
        read_xdm(package)


def test_missing_document_is_refused(sample: bytes) -> None:
    package = _rebuild(sample, lambda n, c: [] if n == CDA else [deflate(n, c)])
    with pytest.raises(DocumentIntegrityError, match="absent"):
        read_xdm(package)


def test_missing_metadata_is_refused(sample: bytes) -> None:
    package = _rebuild(sample, lambda n, c: [] if n == METADATA else [deflate(n, c)])
    with pytest.raises(NotAnXdmPackage, match="METADATA.XML"):
        read_xdm(package)


def test_uri_escaping_the_subset_is_refused(sample: bytes) -> None:
    def escape(name: str, content: bytes) -> list[RawEntry]:
        if name == METADATA:
            content = content.replace(b"<rim:Value>DOC0001.XML</rim:Value>",
                                      b"<rim:Value>../../README.TXT</rim:Value>", 1)
        return [deflate(name, content)]

    with pytest.raises(DocumentIntegrityError, match="outside"):
        read_xdm(_rebuild(sample, escape))


def test_not_a_zip_is_refused() -> None:
    with pytest.raises(NotAnXdmPackage, match="ZIP"):
        read_xdm(b"%PDF-1.4 not a zip")


def test_extract_writes_only_below_the_target_and_never_overwrites(
    sample: bytes, tmp_path: Path
) -> None:
    package = read_xdm(sample)
    target = tmp_path / "out"
    written = extract_xdm(package, target)
    assert all(p.resolve().is_relative_to(target.resolve()) for p in written)
    assert (target / CDA).read_bytes() == package.documents[0].data
    with pytest.raises(InvalidXdmInput, match="already exists"):
        extract_xdm(package, target)


def test_extract_does_not_follow_a_planted_symlink(sample: bytes, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = tmp_path / "out"
    target.mkdir()
    (target / "IHE_XDM").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafeEntryName, match="outside the target"):
        extract_xdm(read_xdm(sample), target)
    assert list(outside.iterdir()) == []
