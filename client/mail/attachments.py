"""Saving attachments under safe names.

An attachment name comes from the sender: it may hold ``../``, an absolute path, a
Windows device name (``CON``, ``NUL``, ``COM1``...), control characters, characters
Windows forbids, or be empty. :func:`safe_filename` makes a name that stays inside the
target directory on every OS; :func:`save_attachments` never overwrites a file unless
told to, and checks every target before writing the first, so a refusal writes nothing.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from client.mail.errors import AttachmentExists, UnsafeAttachmentName
from client.mail.reading import Attachment

__all__ = ["safe_filename", "save_attachments"]

logger = logging.getLogger(__name__)

# Windows reserved device names, with or without an extension (CON.txt is CON).
_DEVICE_NAMES = {
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
    *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10)),
    "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³",
}
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_MAX_BYTES = 200


def safe_filename(name: str, index: int = 0) -> str:
    """A file name derived from ``name`` that is safe to create in any directory.

    Keeps the last path component only, removes control and Windows-forbidden
    characters, leading dots (no hidden files, no ``..``) and trailing dots and spaces,
    prefixes device names with ``_``, and shortens to 200 UTF-8 bytes keeping the
    extension. An empty result becomes ``piece-jointe-<index>``.
    """
    text = unicodedata.normalize("NFC", name)
    text = re.split(r"[/\\]", text)[-1]
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

    Raises:
        AttachmentExists: a target exists and ``overwrite`` is false (nothing written).
        UnsafeAttachmentName: a name would leave ``directory`` (never expected after
            :func:`safe_filename`; checked anyway).
    """
    directory.mkdir(parents=True, exist_ok=True)
    root = directory.resolve()
    taken: set[str] = set()
    targets: list[tuple[Path, Attachment]] = []
    for attachment in attachments:
        name = _unique(safe_filename(attachment.filename, attachment.index), taken)
        taken.add(name.lower())
        target = root / name
        if target.parent != root or name in (".", "..") or os.sep in name:
            raise UnsafeAttachmentName(attachment.filename)
        if not overwrite and (target.exists() or target.is_symlink()):
            raise AttachmentExists(target)
        targets.append((target, attachment))
    written: list[Path] = []
    for target, attachment in targets:
        if overwrite:
            # Replace atomically and never follow a symlink planted at the target.
            temp = target.with_name(f".{target.name}.part")
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(attachment.data)
            os.replace(temp, target)
        else:
            # "x": exclusive creation, so a file appearing meanwhile is not overwritten.
            try:
                with open(target, "xb") as handle:
                    handle.write(attachment.data)
            except FileExistsError as exc:
                raise AttachmentExists(target) from exc
        written.append(target)
    return written
