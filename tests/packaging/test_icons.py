"""The app icon renders to every size the installers need."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

from .conftest import PACKAGING, load_script

make_icons = load_script("make_icons")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_ico_holds_each_png_with_a_correct_directory() -> None:
    pngs = {16: PNG_MAGIC + b"a" * 10, 256: PNG_MAGIC + b"b" * 20}
    data = make_icons.ico_bytes(pngs)
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 2)
    for index, size in enumerate(sorted(pngs)):
        width, height, _c, _r, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        assert width == height == (0 if size == 256 else size)
        assert (planes, bits) == (1, 32)
        assert data[offset : offset + length] == pngs[size]


def test_renders_every_size_from_the_svg(tmp_path: Path) -> None:
    # A subprocess: rendering needs a QGuiApplication, which must not be this process's.
    subprocess.run(
        [sys.executable, str(PACKAGING / "make_icons.py"), "--out", str(tmp_path)],
        check=True, capture_output=True,
    )
    for size in make_icons.PNG_SIZES:
        png = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / "mssante-companion.png"
        data = png.read_bytes()
        assert data.startswith(PNG_MAGIC)
        width, height = struct.unpack(">II", data[16:24])  # IHDR
        assert (width, height) == (size, size)
    iconset = sorted(p.name for p in (tmp_path / "mssante-companion.iconset").iterdir())
    assert iconset == sorted(make_icons.ICONSET)
    ico = (tmp_path / "mssante-companion.ico").read_bytes()
    assert struct.unpack_from("<HHH", ico) == (0, 1, len(make_icons.ICO_SIZES))
