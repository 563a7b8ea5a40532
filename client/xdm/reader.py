"""Reading a received ``IHE_XDM.ZIP`` safely: limits, names, metadata, integrity.

A package comes from outside (a mail attachment), so the archive is checked before any
content is trusted, and every check fails with its own error:

- sizes are counted while decompressing, never taken from the headers: total and
  per-entry uncompressed size, compression ratio once past a threshold, entry count
  (zip bombs, including 42.zip-style nesting: inner archives are never opened);
- names: absolute paths, drive letters, ``..``, backslashes, control characters, and
  duplicates (also up to case, which would collide on Windows and macOS);
- Unix external attributes: symlinks and special files are refused;
- encrypted entries are refused;
- ``METADATA.XML`` is parsed with defusedxml, DTDs refused (XXE, billion laughs);
- every document is found at its ``URI``, and its size and SHA-1 match the metadata.
Extraction writes only below the target, with exclusive creation (no overwrite, no
following of pre-existing links).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import logging
import lzma
import os
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from client.paths import private_dir
from client.xdm.cda import CdaHeader, looks_like_cda, parse_cda_header
from client.xdm.errors import (
    DocumentIntegrityError,
    DuplicateEntry,
    EncryptedEntry,
    InvalidXdmInput,
    NotAnXdmPackage,
    SymlinkEntry,
    UnsafeEntryName,
    UnsafePackage,
    ZipBombSuspected,
)
from client.xdm.metadata import DocumentEntry, XdsMetadata, parse_metadata

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "PatientSummary",
    "XdmDocument",
    "XdmPackage",
    "extract_xdm",
    "read_xdm",
]

logger = logging.getLogger(__name__)

_MIB = 1024 * 1024
_METADATA_RE = re.compile(r"^IHE_XDM/([^/]+)/METADATA\.XML$", re.IGNORECASE)
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds applied while reading a package (counted on decompressed bytes).

    ``max_ratio`` is checked once an entry has produced ``ratio_threshold`` bytes, so
    that small, very repetitive files (XML) are not refused.
    """

    max_archive_size: int = 256 * _MIB
    max_entries: int = 1000
    max_total_size: int = 256 * _MIB
    max_entry_size: int = 128 * _MIB
    max_ratio: float = 200.0
    ratio_threshold: int = 1 * _MIB


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class PatientSummary:
    """The patient as METADATA.XML states it (patientId and sourcePatientInfo)."""

    ins: str
    ins_oid: str
    family: str
    given: str
    sex: str
    birth_date: _dt.date | None

    @property
    def display_name(self) -> str:
        """``NOM Prénom``."""
        return f"{self.family.upper()} {self.given}".strip()


@dataclass(frozen=True)
class XdmDocument:
    """One document of the package: its metadata, bytes and, for a CDA, its header."""

    entry: DocumentEntry
    path: str
    data: bytes
    cda: CdaHeader | None = None
    cda_error: str = ""

    @property
    def title(self) -> str:
        """The document title from METADATA.XML (or the CDA title)."""
        return self.entry.title or (self.cda.title if self.cda else "") or self.entry.uri


@dataclass(frozen=True)
class XdmPackage:
    """A checked XDM package: metadata of each subset, documents, and the raw members."""

    metadata: XdsMetadata
    documents: tuple[XdmDocument, ...]
    patient: PatientSummary
    members: tuple[str, ...]
    subsets: tuple[XdsMetadata, ...] = ()
    warnings: tuple[str, ...] = ()
    _contents: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (``xdm inspect --json``); no document bytes."""
        ss = self.metadata.submission_set
        return {
            "patient": {
                "ins": self.patient.ins, "ins_oid": self.patient.ins_oid,
                "family_name": self.patient.family, "given_name": self.patient.given,
                "sex": self.patient.sex,
                "birth_date": self.patient.birth_date.isoformat()
                if self.patient.birth_date else None,
            },
            "submission_set": {
                "unique_id": ss.unique_id, "source_id": ss.source_id,
                "submission_time": ss.submission_time, "title": ss.title,
                "author": ss.author.person, "patient_id": ss.patient_id,
            },
            "documents": [_document_dict(d) for d in self.documents],
            "members": list(self.members),
            "warnings": list(self.warnings),
        }


def _document_dict(doc: XdmDocument) -> dict[str, Any]:
    e = doc.entry
    result: dict[str, Any] = {
        "path": doc.path, "uri": e.uri, "title": doc.title, "mime_type": e.mime_type,
        "size": e.size, "hash": e.hash_sha1, "unique_id": e.unique_id,
        "creation_time": e.creation_time,
        "class_code": e.class_code.code, "type_code": e.type_code.code,
        "type_display": e.type_code.display, "format_code": e.format_code.code,
        "author": e.author.person, "integrity": "ok", "cda": None,
        "missing_metadata": list(e.missing),
    }
    if doc.cda is not None:
        c = doc.cda
        result["cda"] = {
            "code": c.code.code if c.code else "",
            "code_system": c.code.scheme if c.code else "",
            "display": c.code.display if c.code else "",
            "title": c.title, "document_id": c.document_id,
            "patient_ins": c.patient_ins, "patient_ins_oid": c.patient_ins_oid,
            "patient": f"{c.patient_family} {c.patient_given}".strip(),
            "author": (f"{c.author.given} {c.author.family}".strip() if c.author else ""),
            "author_id": c.author.id if c.author else "",
        }
    elif doc.cda_error:
        result["cda_error"] = doc.cda_error
    return result


# ------------------------------------------------------------------ archive checks


def _check_name(name: str) -> str:
    """Return the member name if it is a safe relative path, else raise."""
    if not name or any(ord(c) < 32 or c == "\x7f" for c in name):
        raise UnsafeEntryName(name, "empty name or control characters in the name")
    if "\\" in name:
        raise UnsafeEntryName(name, "backslash in the name (a Windows path separator)")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise UnsafeEntryName(name, "absolute path")
    parts = name.rstrip("/").split("/")
    if any(part in ("..", ".") for part in parts) or "" in parts:
        raise UnsafeEntryName(name, "path climbs out of the package (..) or is not canonical")
    return name


def _check_member(info: zipfile.ZipInfo) -> None:
    _check_name(info.filename)
    if info.flag_bits & 0x1:
        raise EncryptedEntry(info.filename, "encrypted entries are not accepted")
    mode = info.external_attr >> 16
    # Only archives made on Unix (create_system 3) carry a meaningful st_mode.
    if info.create_system == 3 and mode:
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            raise SymlinkEntry(info.filename, "symbolic link")
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise SymlinkEntry(info.filename, "special file (device, pipe or socket)")


def _compressed_consumed(stream: IO[bytes], info: zipfile.ZipInfo) -> int:
    """Compressed bytes the decompressor has really used so far (at least 1).

    The ratio is measured on them, so that a bomb is stopped once it has produced
    ``ratio_threshold`` bytes, not after its declared size. CPython's ZipExtFile counts
    what it read from the archive (``_compress_left``) and zlib keeps what it has not
    used yet (``unconsumed_tail``); without them, the whole entry's size is used.
    """
    left = int(getattr(stream, "_compress_left", 0) or 0)
    decompressor = getattr(stream, "_decompressor", None)
    tail = len(getattr(decompressor, "unconsumed_tail", b"") or b"")
    return max(info.compress_size - left - tail, 1)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits,
                 total: int) -> bytes:
    """Decompress one member, counting real output against the limits."""
    chunks: list[bytes] = []
    produced = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                produced += len(chunk)
                compressed = _compressed_consumed(stream, info)
                if produced > limits.max_entry_size:
                    raise ZipBombSuspected(
                        info.filename,
                        f"expands beyond {limits.max_entry_size} bytes",
                    )
                if total + produced > limits.max_total_size:
                    raise ZipBombSuspected(
                        info.filename,
                        f"the package expands beyond {limits.max_total_size} bytes in total",
                    )
                if produced >= limits.ratio_threshold and produced / compressed > limits.max_ratio:
                    raise ZipBombSuspected(
                        info.filename,
                        f"compression ratio above {limits.max_ratio:.0f}:1",
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, ValueError) as exc:
        raise UnsafePackage(info.filename, f"corrupt data ({exc})") from exc
    except (NotImplementedError, RuntimeError) as exc:
        raise UnsafePackage(info.filename, f"unsupported entry ({exc})") from exc
    except (OSError, EOFError) as exc:
        raise UnsafePackage(info.filename, f"truncated or corrupt data ({exc})") from exc
    return b"".join(chunks)


def _open_zip(source: bytes | Path | IO[bytes], limits: Limits) -> zipfile.ZipFile:
    target: str | IO[bytes]
    if isinstance(source, bytes | bytearray):
        size = len(source)
        target = io.BytesIO(source)
    elif isinstance(source, Path):
        size = source.stat().st_size
        target = str(source)  # ZipFile opens and closes the file itself
    else:
        size = source.seek(0, os.SEEK_END)
        source.seek(0)
        target = source
    if size > limits.max_archive_size:
        raise ZipBombSuspected("", f"the archive is larger than {limits.max_archive_size} bytes")
    try:
        return zipfile.ZipFile(target)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, struct.error,
            NotImplementedError) as exc:
        raise NotAnXdmPackage(f"not a readable ZIP archive ({exc})") from exc


def _members(archive: zipfile.ZipFile, limits: Limits) -> dict[str, bytes]:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise ZipBombSuspected("", f"more than {limits.max_entries} entries")
    seen: dict[str, str] = {}
    for info in infos:
        _check_member(info)
        key = info.filename.rstrip("/").casefold()
        if key in seen:
            raise DuplicateEntry(info.filename, f"same name as {seen[key]!r}")
        seen[key] = info.filename
    # Nothing is decompressed from an archive that cannot be a package (a photo ZIP
    # shown in the reader, a nested bomb): the central directory says so already.
    if not any(_METADATA_RE.match(i.filename) for i in infos):
        raise NotAnXdmPackage("no IHE_XDM/SUBSETnn/METADATA.XML in the archive")
    # Headers may lie, so they can only make us stop earlier.
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_total_size:
        raise ZipBombSuspected("", f"declares {declared} bytes once expanded")
    contents: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        data = _read_member(archive, info, limits, total)
        total += len(data)
        contents[info.filename] = data
    return contents


# ------------------------------------------------------------------ XDM reading


def _patient(metadata: XdsMetadata) -> PatientSummary:
    pid = metadata.submission_set.patient_id
    parts = pid.split("^")
    authority = parts[3].split("&") if len(parts) > 3 else []
    info = metadata.documents[0].source_patient_info
    family = given = sex = ""
    birth: _dt.date | None = None
    for value in info:
        key, _, rest = value.partition("|")
        if key == "PID-5":
            names = rest.split("^")
            family, given = names[0], names[1] if len(names) > 1 else ""
        elif key == "PID-7":
            try:
                birth = _dt.datetime.strptime(rest[:8], "%Y%m%d").date()
            except ValueError:
                birth = None
        elif key == "PID-8":
            sex = rest
    return PatientSummary(ins=parts[0], ins_oid=authority[1] if len(authority) > 1 else "",
                          family=family, given=given, sex=sex, birth_date=birth)


def _document(entry: DocumentEntry, subset: str, contents: dict[str, bytes],
              by_key: dict[str, str]) -> XdmDocument:
    path = posixpath.normpath(posixpath.join(subset, entry.uri))
    if entry.uri.startswith("/") or "\\" in entry.uri or not path.startswith(subset + "/"):
        raise DocumentIntegrityError(entry.uri, "its URI points outside its submission set")
    member = by_key.get(path.casefold())
    if member is None:
        raise DocumentIntegrityError(entry.uri, "listed in METADATA.XML but absent from the ZIP")
    data = contents[member]
    if len(data) != entry.size:
        raise DocumentIntegrityError(entry.uri, "size differs from METADATA.XML",
                                     str(entry.size), str(len(data)))
    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    if digest != entry.hash_sha1:
        raise DocumentIntegrityError(entry.uri, "SHA-1 hash differs from METADATA.XML "
                                     "(altered or corrupted)", entry.hash_sha1, digest)
    cda: CdaHeader | None = None
    error = ""
    if entry.mime_type in ("text/xml", "application/xml") and looks_like_cda(data):
        try:
            cda = parse_cda_header(data)
        except ValueError as exc:
            error = str(exc)
    return XdmDocument(entry=entry, path=member, data=data, cda=cda, cda_error=error)


def read_xdm(source: bytes | Path | IO[bytes], limits: Limits = DEFAULT_LIMITS) -> XdmPackage:
    """Read and check an XDM package held in memory, in a file, or in a binary stream.

    Raises:
        NotAnXdmPackage: not a ZIP, or no ``IHE_XDM/<subset>/METADATA.XML``.
        UnsafePackage: (a subclass naming the entry) zip bomb, unsafe or duplicate
            name, symlink, encrypted or corrupt entry.
        MetadataInvalid: ``METADATA.XML`` malformed, hostile or incomplete.
        DocumentIntegrityError: a document missing, or its size or SHA-1 wrong.
    """
    archive = _open_zip(source, limits)
    with archive:
        contents = _members(archive, limits)
    by_key = {name.casefold(): name for name in contents}
    metadata_paths = sorted(n for n in contents if _METADATA_RE.match(n))
    if not metadata_paths:
        raise NotAnXdmPackage("no IHE_XDM/SUBSETnn/METADATA.XML in the archive")
    subsets: list[XdsMetadata] = []
    documents: list[XdmDocument] = []
    for metadata_path in metadata_paths:
        subset = metadata_path.rsplit("/", 1)[0]
        metadata = parse_metadata(contents[metadata_path])
        subsets.append(metadata)
        documents += [_document(e, subset, contents, by_key) for e in metadata.documents]
    patient = _patient(subsets[0])
    warnings: list[str] = []
    for doc in documents:
        if doc.entry.patient_id.split("^")[0] != patient.ins:
            warnings.append(f"{doc.path}: patientId differs from the submission set's")
        if doc.cda and doc.cda.patient_ins and doc.cda.patient_ins != patient.ins:
            warnings.append(f"{doc.path}: the CDA names INS {doc.cda.patient_ins}, "
                            f"the metadata {patient.ins}")
        if doc.entry.missing:
            warnings.append(f"{doc.path}: METADATA.XML lacks {', '.join(doc.entry.missing)}")
        if doc.cda_error:
            warnings.append(f"{doc.path}: declared as XML but unreadable as CDA ({doc.cda_error})")
    return XdmPackage(
        metadata=subsets[0], documents=tuple(documents), patient=patient,
        members=tuple(contents), subsets=tuple(subsets), warnings=tuple(warnings),
        _contents=contents,
    )


def _iter_members(package: XdmPackage) -> Iterator[tuple[str, bytes]]:
    yield from package._contents.items()


def extract_xdm(package: XdmPackage, target: Path) -> list[Path]:
    """Write every member of a checked package below ``target``; return the paths.

    Files are created exclusively (an existing file is never overwritten) and without
    following links; a path that would resolve outside ``target`` is refused.

    Raises:
        InvalidXdmInput: ``target`` exists and is not a directory, or a file is already
            there.
        UnsafeEntryName: a member would land outside ``target``.
    """
    if not target.exists():
        private_dir(target)
    if not target.is_dir():
        raise InvalidXdmInput(f"{target} is not a directory; choose an empty folder.")
    root = target.resolve()
    written: list[Path] = []
    for name, data in _iter_members(package):
        _check_name(name)
        parts = name.split("/")
        directory = root
        # One level at a time, refusing any link already present in the target, so
        # that no directory is ever created outside it.
        for part in parts[:-1]:
            directory = directory / part
            if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
                raise UnsafeEntryName(name, "it would be written outside the target folder")
            private_dir(directory)
        destination = directory / parts[-1]
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
            | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(destination, flags, 0o600)
        except FileExistsError as exc:
            raise InvalidXdmInput(
                f"{destination} already exists; extract into an empty folder."
            ) from exc
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        written.append(destination)
    return written
