"""Errors of the IHE XDM layer.

Every error carries the data a caller needs to word it (the CLI registers sentences on
``client.cli._common.describe_error``); the message of each exception is already a
complete English sentence saying what is wrong.

    ClientError
    └── XdmError
        ├── InvalidIns(value, reason)          INS matricule or OID refused
        ├── InvalidXdmInput(reason)            pack: a document or identity unusable
        ├── UnsafePackage(entry, reason)       inspect: the ZIP itself is hostile
        │   ├── ZipBombSuspected
        │   ├── UnsafeEntryName
        │   ├── DuplicateEntry
        │   ├── SymlinkEntry
        │   └── EncryptedEntry
        ├── NotAnXdmPackage(reason)            not a ZIP, or no METADATA.XML
        ├── MetadataInvalid(reason)            METADATA.XML malformed, hostile or incomplete
        ├── CdaRefused(reason)                 a CDA document cannot be shown safely
        └── DocumentIntegrityError(uri, ...)   hash / size / missing document
"""

from __future__ import annotations

from client.errors import ClientError

__all__ = [
    "CdaRefused",
    "DocumentIntegrityError",
    "DuplicateEntry",
    "EncryptedEntry",
    "InvalidIns",
    "InvalidXdmInput",
    "MetadataInvalid",
    "NotAnXdmPackage",
    "SymlinkEntry",
    "UnsafeEntryName",
    "UnsafePackage",
    "XdmError",
    "ZipBombSuspected",
]


class XdmError(ClientError):
    """Root of the errors raised while packing or reading IHE XDM packages."""

    exit_status = 2


class InvalidIns(XdmError):
    """The patient's INS (matricule or OID) is not acceptable.

    Attributes:
        value: the matricule or OID that was refused.
        reason: what is wrong with it.
        kind: the same for wording: ``oid``, ``length``, ``characters``, ``first-digit``,
            ``key``, or ``""``.
    """

    def __init__(self, value: str, reason: str, kind: str = "") -> None:
        super().__init__(f"Invalid INS {value!r}: {reason}.")
        self.value = value
        self.reason = reason
        self.kind = kind


class InvalidXdmInput(XdmError):
    """A document or an identity given to the packer cannot be used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnsafePackage(XdmError):
    """The ZIP archive is hostile or unsafe; nothing was written.

    Attributes:
        entry: the name of the offending entry ("" for the archive as a whole).
        reason: what is wrong.
    """

    def __init__(self, entry: str, reason: str) -> None:
        where = f"entry {entry!r}" if entry else "the archive"
        super().__init__(f"Unsafe XDM package, {where}: {reason}.")
        self.entry = entry
        self.reason = reason


class ZipBombSuspected(UnsafePackage):
    """Sizes, compression ratio or entry count exceed the limits (checked while reading)."""


class UnsafeEntryName(UnsafePackage):
    """An entry name is absolute, climbs out of the target (``..``) or is otherwise unsafe."""


class DuplicateEntry(UnsafePackage):
    """Two entries map to the same file (same name, or same name up to case)."""


class SymlinkEntry(UnsafePackage):
    """An entry is a symbolic link or another special file (Unix external attributes)."""


class EncryptedEntry(UnsafePackage):
    """An entry is encrypted; XDM packages on MSSanté are not (the channel is)."""


class NotAnXdmPackage(XdmError):
    """The file is not a ZIP archive, or holds no ``IHE_XDM/SUBSETnn/METADATA.XML``."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Not an IHE XDM package: {reason}.")
        self.reason = reason


class MetadataInvalid(XdmError):
    """``METADATA.XML`` is malformed, hostile (entities, DTD) or lacks required parts."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Invalid METADATA.XML: {reason}.")
        self.reason = reason


class DocumentIntegrityError(XdmError):
    """A document does not match METADATA.XML (missing file, wrong SHA-1 or size).

    Attributes:
        uri: the document's ``URI`` slot.
        expected: the value announced by METADATA.XML ("" when the file is missing).
        actual: the value computed from the archive ("" when the file is missing).
    """

    def __init__(self, uri: str, reason: str, expected: str = "", actual: str = "") -> None:
        super().__init__(f"Document {uri!r} in the XDM package: {reason}.")
        self.uri = uri
        self.reason = reason
        self.expected = expected
        self.actual = actual


class CdaRefused(XdmError):
    """A CDA document is not shown: too large, malformed, hostile (DTD, entities,
    external references) or not an HL7 ``ClinicalDocument``.

    Attributes:
        reason: what is wrong, in English.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"The CDA document cannot be shown: {reason}.")
        self.reason = reason
