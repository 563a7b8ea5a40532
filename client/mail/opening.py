"""Opening attachments safely: what they are, what may be launched, and where they go.

An attachment's name and type come from the sender. Before anything is opened:

- :func:`classify` looks at the *content* as well as the name: a document the app can
  show itself (PDF, image, text, CDA, IHE XDM package) is shown from memory and never
  written to disk; a program or script (by extension, or by content: PE, ELF, Mach-O,
  shebang, Windows shortcut, ``.desktop`` entry...) is never handed to the system, whatever
  its name claims; anything else may go to the system's viewer;
- :class:`OpeningFolder` is the only place such a file is written: a folder of the app's
  cache, mode 0700, one 0700 sub-folder per opening, files 0600 created exclusively
  without following links, names through :func:`client.mail.attachments.safe_filename`,
  and emptied when the app starts and when it quits.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from client.mail.attachments import EXECUTABLE_EXTENSIONS, executable_kind, safe_filename
from client.paths import app_paths, private_dir

__all__ = [
    "BLOCKED_EXTENSIONS",
    "OpenVerdict",
    "OpeningFolder",
    "classify",
    "save_copy",
    "write_private",
]

logger = logging.getLogger(__name__)

#: Extensions that run code when "opened" on Windows, macOS or Linux desktops (or that
#: carry macros or mount as disks): the list the saving code renames, plus pages a
#: browser would open with their scripts running (saving those is fine: they are only
#: never handed to the system from here). Compared case-insensitively, on every suffix
#: of the name as it would be written, so ``compte-rendu.pdf.exe`` is caught, and so is
#: an ``.e<zero-width space>xe`` that the name sanitiser turns into ``.exe``.
BLOCKED_EXTENSIONS = EXECUTABLE_EXTENSIONS | frozenset(
    "html htm xhtml xht shtml mht mhtml svg svgz".split())

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_TEXT_EXTENSIONS = frozenset({"txt", "text", "csv", "log", "hpr", "hl7", "md", "ini"})
_OPEN_ROOT_NAME = "open"
_PRIVATE_DIR = 0o700
_PRIVATE_FILE = 0o600


@dataclass(frozen=True)
class OpenVerdict:
    """How an attachment may be opened.

    ``kind`` is one of ``pdf``, ``image``, ``text``, ``cda``, ``xdm`` (the app shows it),
    ``external`` (the system's viewer may) or ``blocked`` (never launched; ``reason``
    says why in English, ``detail`` names the extension or the content found).
    """

    kind: str
    reason: str = ""
    detail: str = ""

    @property
    def in_app(self) -> bool:
        """The app shows it itself, from memory."""
        return self.kind in ("pdf", "image", "text", "cda", "xdm")


def _suffixes(name: str) -> list[str]:
    parts = name.lower().rstrip(". ").split(".")
    return [p.strip() for p in parts[1:]]


def _is_xdm(filename: str, data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    if filename.upper().endswith("IHE_XDM.ZIP"):
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(n.upper().startswith("IHE_XDM/") for n in archive.namelist()[:500])
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False


def _is_text(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut in the middle of a character at the end of the sample is fine.
        return exc.start >= len(sample) - 3
    return True


def classify(filename: str, content_type: str, data: bytes) -> OpenVerdict:
    """Decide how an attachment may be opened (see :class:`OpenVerdict`)."""
    head = data[:4096]
    program = executable_kind(head)
    # The name the file would be written under (format characters stripped, NFKC):
    # what the system's handler would go by.
    written = safe_filename(filename)
    blocked = [s for s in _suffixes(written) if s in BLOCKED_EXTENSIONS]
    if program:
        return OpenVerdict("blocked", "the content is a program or a script", program)
    if blocked:
        return OpenVerdict("blocked", "this type of file can run a program",
                           "." + blocked[-1])
    ctype = content_type.lower()
    if b"%PDF-" in data[:1024]:
        return OpenVerdict("pdf")
    bitmap = head.startswith(b"BM") and len(head) > 26 and head[6:10] == b"\0\0\0\0"
    if bitmap or (head.startswith(b"RIFF") and head[8:12] == b"WEBP") or any(
        head.startswith(magic) for magic, _ in _IMAGE_MAGIC
    ):
        return OpenVerdict("image")
    if _is_xdm(filename, data):
        return OpenVerdict("xdm")
    from client.xdm.cda import looks_like_cda

    if looks_like_cda(data):
        return OpenVerdict("cda")
    suffixes = _suffixes(written)
    if (ctype == "text/plain" or (suffixes and suffixes[-1] in _TEXT_EXTENSIONS)) \
            and _is_text(data):
        return OpenVerdict("text")
    return OpenVerdict("external")


def write_private(path: Path, data: bytes) -> Path:
    """Create ``path`` with ``data``, mode 0600, never following or replacing a link or
    an existing file (``FileExistsError``)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, _PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    if os.name == "posix":
        os.chmod(path, _PRIVATE_FILE)  # whatever the umask
    return path


def save_copy(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` chosen by the user in a save dialog (which asked
    before replacing it): mode 0600, replaced atomically, a link at ``target`` replaced
    rather than followed."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.part")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    write_private(temp, data)
    try:
        os.replace(temp, target)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return target


class OpeningFolder:
    """The private folder where attachments handed to the system's viewer are written.

    ``root`` defaults to ``<cache>/open``. Call :meth:`purge` when the app starts and when
    it quits: a viewer may still hold a file open, which is why the file cannot be
    removed as soon as it is handed over.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else app_paths().cache / _OPEN_ROOT_NAME

    def ensure(self) -> Path:
        """Create the folder (0700, parents included) and return it."""
        return private_dir(self.root, tighten=True)

    def write(self, filename: str, data: bytes, index: int = 0) -> Path:
        """Write one attachment under a safe name in a new 0700 sub-folder; return it."""
        directory = Path(tempfile.mkdtemp(prefix="a-", dir=self.ensure()))
        return write_private(directory / safe_filename(filename, index), data)

    def purge_opened(self) -> int:
        """Remove what was handed to the system's viewer (the app locks: nothing opened
        stays on disk meanwhile; a viewer that still shows it keeps its own copy, and
        on POSIX its open file). A structured document packed for a draft stays: the
        draft's compose window waits, hidden, for the user to come back."""
        removed = 0
        if self.root.is_dir() and not self.root.is_symlink():
            for entry in self.root.iterdir():
                removed += _remove(entry)
        return removed

    def purge(self) -> int:
        """Remove everything the app left to open, and the private folders beside it that
        only live while a window is open (``open-*`` of older versions, ``xdm-*`` where the
        compose window packs a structured document: the message carries its own copy);
        return how many entries were removed."""
        removed = self.purge_opened()
        if self.root.is_symlink():
            removed += _remove(self.root)
        parent = self.root.parent
        if parent.is_dir():
            for legacy in (*parent.glob("open-*"), *parent.glob("xdm-*")):
                removed += _remove(legacy)
        if removed:
            logger.info("removed %d attachment(s) left by an earlier opening", removed)
        return removed


def _remove(path: Path) -> int:
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return 0
    try:
        if stat.S_ISDIR(mode):
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError as exc:
        # A viewer may still hold it (Windows); the next purge removes it.
        logger.warning("could not remove an opened attachment yet (%s)", type(exc).__name__)
        return 0
    return 1
