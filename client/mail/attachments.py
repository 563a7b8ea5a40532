"""Saving attachments under safe names.

An attachment name comes from the sender: it may hold ``../``, an absolute path, a
Windows device name (``CON``, ``NUL``, ``COM1``...), control characters, characters
Windows forbids, or be empty; it may also lie about its type: Unicode format characters
(category Cf: the right-to-left override U+202E shows ``ordonnance‮fdp.exe`` as
``ordonnanceexe.pdf``, zero-width spaces hide a split) and double extensions
(``ordonnance.pdf.exe``, shown as ``ordonnance.pdf`` where extensions are hidden).

:func:`safe_filename` makes a name that stays inside the target directory on every OS
and carries no format character; :func:`assess_filename` also flags executable and
script types, by extension or by content (:func:`looks_executable`), and renames them
with a neutral ``.bloque`` suffix, giving the reasons. :func:`save_attachments` never
overwrites a file unless told to, checks every target before writing the first (so a
refusal writes nothing), and writes files owner-only (0600).
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from client.mail.errors import AttachmentExists, UnsafeAttachmentName
from client.mail.reading import Attachment
from client.paths import private_dir

__all__ = [
    "BLOCKED_SUFFIX",
    "EXECUTABLE_EXTENSIONS",
    "executable_kind",
    "NameVerdict",
    "SavedAttachment",
    "assess_filename",
    "looks_executable",
    "safe_filename",
    "save_attachments",
    "save_attachments_checked",
]

logger = logging.getLogger(__name__)

# Windows reserved device names, with or without an extension (CON.txt is CON).
_DEVICE_NAMES = {
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
    *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10)),
    "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³",
}
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_MAX_BYTES = 200

#: Appended to a name whose type would run code when opened.
BLOCKED_SUFFIX = ".bloque"

#: Types a desktop runs or interprets when a file is opened (Windows, macOS, Linux).
EXECUTABLE_EXTENSIONS = frozenset("""
    exe com scr pif bat cmd msi msp mst cpl dll ocx sys drv lnk url scf inf reg hta chm
    vb vbs vbe js jse ws wsf wsc wsh ps1 ps1xml ps2 psc1 psm1 psd1 msh msh1 mshxml
    application gadget appref-ms jar jnlp appx msix msixbundle iso img vhd vhdx
    desktop sh bash zsh csh ksh run bin appimage deb rpm py pyw pyc pl rb php
    app command tool workflow pkg mpkg dmg scpt applescript terminal webloc fileloc
    action osx apk xll xlam ppam docm dotm xlsm xltm pptm potm sldm
    msc settingcontent-ms library-ms search-ms xbap jse psm1 class pyc lua tcl fish out elf
    so dylib snap flatpakref scptd
    pyz pyzw slk iqy appinstaller rdp sct mde mda accde ade adp shb shs xla xlm vsto
    mobileconfig diagcab hlp ins isp
""".split())

#: Document types a sender may put in front of an executable one to disguise it.
_DOCUMENT_EXTENSIONS = frozenset("""
    pdf doc docx odt rtf txt xls xlsx ods csv ppt pptx odp jpg jpeg png gif tif tiff bmp
    heic xml html htm hl7 dcm zip eml msg
""".split())

# File signatures of programs and shortcuts (by content, whatever the name says), with
# what each is called in the reason given to the user.
_EXECUTABLE_MAGIC = (
    (b"MZ", "Windows program (PE)"),
    (b"\x7fELF", "Linux program (ELF)"),
    (b"\xfe\xed\xfa\xce", "macOS program (Mach-O)"),
    (b"\xfe\xed\xfa\xcf", "macOS program (Mach-O)"),
    (b"\xce\xfa\xed\xfe", "macOS program (Mach-O)"),
    (b"\xcf\xfa\xed\xfe", "macOS program (Mach-O)"),
    (b"\xca\xfe\xba\xbe", "macOS universal program or Java class"),
    (b"#!", "script (#!)"),
    (b"L\x00\x00\x00\x01\x14\x02\x00", "Windows shortcut (.lnk)"),
)
# Text launchers, compared case-insensitively after leading blanks.
_LAUNCHER_TEXT = (
    (b"[desktop entry]", "desktop launcher (.desktop)"),
    (b"[internetshortcut]", "Internet shortcut (.url)"),
    (b"@echo off", "Windows batch script"),
)


def executable_kind(data: bytes) -> str:
    """What program, script or shortcut ``data`` starts like, in words; "" for none."""
    head = data[:64].lstrip(b"\xef\xbb\xbf")
    for magic, kind in _EXECUTABLE_MAGIC:
        if head.startswith(magic):
            return kind
    text = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    for start, kind in _LAUNCHER_TEXT:
        if text.startswith(start):
            return kind
    return ""


def looks_executable(data: bytes) -> bool:
    """True when ``data`` starts like a program, a script or a shortcut."""
    return bool(executable_kind(data))


def _strip_format_characters(text: str) -> str:
    # Category Cf: bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069), zero-width
    # space/joiners (U+200B-U+200D), BOM, soft hyphen... invisible, or reordering what is
    # shown; also line/paragraph separators.
    return "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Zl", "Zp"))


def safe_filename(name: str, index: int = 0) -> str:
    """A file name derived from ``name`` that is safe to create in any directory.

    Keeps the last path component only, removes Unicode format characters (category Cf:
    bidi overrides, zero-width characters), control and Windows-forbidden
    characters, leading dots (no hidden files, no ``..``) and trailing dots and spaces,
    prefixes device names with ``_``, and shortens to 200 UTF-8 bytes keeping the
    extension. An empty result becomes ``piece-jointe-<index>``.
    """
    text = _strip_format_characters(unicodedata.normalize("NFKC", name))
    text = re.split(r"[/\\]", text)[-1]
    text = re.sub(r" {2,}", " ", text)  # runs of spaces that push ".exe" out of view
    text = _FORBIDDEN.sub("_", text)
    text = text.strip().lstrip(".").rstrip(". ")
    if not text or set(text) <= {"_", " ", "."}:
        return f"piece-jointe-{index + 1}"
    stem, dot, ext = text.partition(".")
    if stem.upper().rstrip(" ") in _DEVICE_NAMES:
        text = "_" + text
    if len(text.encode("utf-8")) > _MAX_BYTES:
        base, extension = os.path.splitext(text)
        extension = extension[:20]
        budget = _MAX_BYTES - len(extension.encode("utf-8"))
        base = base.encode("utf-8")[:budget].decode("utf-8", "ignore")
        text = base + extension
    return text


@dataclass(frozen=True)
class NameVerdict:
    """What :func:`assess_filename` made of a sender's name.

    Attributes:
        name: the name to use (safe, and neutralised when ``blocked``).
        original: the sender's name, as received.
        reasons: why it differs, among ``format-characters`` (invisible or reordering
            characters removed), ``double-extension`` (a document extension in front of an
            executable one), ``executable-type`` (the extension runs code),
            ``executable-content`` (the bytes are a program, a script or a shortcut).
        blocked: the type would run code when opened: never hand it to the system.
    """

    name: str
    original: str
    reasons: tuple[str, ...] = ()
    blocked: bool = False


def assess_filename(name: str, index: int = 0, data: bytes | None = None) -> NameVerdict:
    """:func:`safe_filename`, plus the executable checks (by extension, and by content
    when ``data`` is given); a blocked name gets :data:`BLOCKED_SUFFIX`."""
    reasons: list[str] = []
    if any(unicodedata.category(c) in ("Cf", "Zl", "Zp") for c in name):
        reasons.append("format-characters")
    safe = safe_filename(name, index)
    parts = safe.lower().rstrip(" ").split(".")
    extensions = [p.strip() for p in parts[1:]]
    final = extensions[-1] if extensions else ""
    blocked = False
    if final in EXECUTABLE_EXTENSIONS:
        blocked = True
        if any(e in _DOCUMENT_EXTENSIONS for e in extensions[:-1]):
            reasons.append("double-extension")
        reasons.append("executable-type")
    if data is not None and looks_executable(data):
        blocked = True
        reasons.append("executable-content")
    if blocked:
        safe = safe_filename(safe + BLOCKED_SUFFIX, index)
        if not safe.endswith(BLOCKED_SUFFIX):  # shortened: keep the suffix whatever it costs
            safe = safe[: -len(BLOCKED_SUFFIX)] + BLOCKED_SUFFIX
    return NameVerdict(safe, name, tuple(reasons), blocked)


@dataclass(frozen=True)
class SavedAttachment:
    """One file written by :func:`save_attachments_checked`."""

    path: Path
    verdict: NameVerdict


def _unique(name: str, taken: set[str]) -> str:
    if name.lower() not in taken:
        return name
    base, extension = os.path.splitext(name)
    n = 2
    while f"{base} ({n}){extension}".lower() in taken:
        n += 1
    return f"{base} ({n}){extension}"


def save_attachments(
    attachments: Sequence[Attachment], directory: Path, *, overwrite: bool = False
) -> list[Path]:
    """Write ``attachments`` into ``directory``; returns the paths written.

    See :func:`save_attachments_checked`, which also says why a name was changed.
    """
    return [saved.path for saved in
            save_attachments_checked(attachments, directory, overwrite=overwrite)]


def save_attachments_checked(
    attachments: Sequence[Attachment], directory: Path, *, overwrite: bool = False
) -> list[SavedAttachment]:
    """Write ``attachments`` into ``directory`` (files 0600; missing folders 0700).

    Names go through :func:`assess_filename` (content included): an executable or
    script type is written under a neutral name ending in :data:`BLOCKED_SUFFIX`.

    Raises:
        AttachmentExists: a target exists and ``overwrite`` is false (nothing written).
        UnsafeAttachmentName: a name would leave ``directory`` (never expected after
            :func:`safe_filename`; checked anyway).
    """
    private_dir(directory)
    root = directory.resolve()
    taken: set[str] = set()
    targets: list[tuple[Path, Attachment, NameVerdict]] = []
    for attachment in attachments:
        verdict = assess_filename(attachment.filename, attachment.index, attachment.data)
        name = _unique(verdict.name, taken)
        taken.add(name.lower())
        target = root / name
        if target.parent != root or name in (".", "..") or os.sep in name:
            raise UnsafeAttachmentName(attachment.filename)
        if not overwrite and (target.exists() or target.is_symlink()):
            raise AttachmentExists(target)
        if verdict.reasons:
            logger.info("attachment %d renamed: %s", attachment.index,
                        ", ".join(verdict.reasons))
        targets.append((target, attachment, verdict))
    written: list[SavedAttachment] = []
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    for target, attachment, verdict in targets:
        if overwrite:
            # Replace atomically and never follow a symlink planted at the target.
            temp = target.with_name(f".{target.name}.part")
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | nofollow, 0o600)
            _write_private(fd, attachment.data)
            os.replace(temp, target)
        else:
            # O_EXCL: exclusive creation, so a file appearing meanwhile is not overwritten.
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600)
            except FileExistsError as exc:
                raise AttachmentExists(target) from exc
            _write_private(fd, attachment.data)
        written.append(SavedAttachment(target, verdict))
    return written


def _write_private(fd: int, data: bytes) -> None:
    # The umask can only narrow 0600; fchmod also narrows a file replaced in place.
    if hasattr(os, "fchmod"):
        os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
