"""Render the app icon (``resources/icons/mssante-companion.svg``) for each installer.

Writes into ``build/icons/`` (or ``--out``):

- ``hicolor/<N>x<N>/apps/mssante-companion.png`` for N in :data:`PNG_SIZES` (freedesktop
  icon theme layout, copied as is into the .deb under ``/usr/share/icons/``);
- ``mssante-companion.ico`` (Windows executable and installer; PNG-compressed entries, which
  Windows reads since Vista);
- ``mssante-companion.iconset/`` (macOS; ``iconutil -c icns`` turns it into the .icns).

Qt's own SVG renderer draws it (PySide6-Essentials carries QtSvg), so the build needs no
other tool. Run with the project's venv: ``python packaging/make_icons.py``.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

__all__ = ["ICON_NAME", "PNG_SIZES", "ico_bytes", "render_icons"]

REPO = Path(__file__).resolve().parent.parent
ICON_NAME = "mssante-companion"
SVG = REPO / "resources" / "icons" / f"{ICON_NAME}.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# macOS iconset names: icon_<N>x<N>[@2x].png for N in 16, 32, 128, 256, 512.
ICONSET = {
    "icon_16x16.png": 16,
    "icon_16x16@2x.png": 32,
    "icon_32x32.png": 32,
    "icon_32x32@2x.png": 64,
    "icon_128x128.png": 128,
    "icon_128x128@2x.png": 256,
    "icon_256x256.png": 256,
    "icon_256x256@2x.png": 512,
    "icon_512x512.png": 512,
}


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """Return an ICO file holding the given PNG images, keyed by their pixel size.

    ICONDIR (6 bytes) then one ICONDIRENTRY (16 bytes) per image; a width or height of 0
    means 256. PNG payloads are stored as they are.
    """
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries = b""
    payload = b""
    for size in sizes:
        data = pngs[size]
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        payload += data
        offset += len(data)
    return header + entries + payload


def _render_png(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not an SVG that Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def render_icons(out: Path, svg: Path = SVG) -> dict[int, Path]:
    """Render every icon file into ``out``; return the hicolor PNG paths by size."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    pngs = {size: _render_png(svg, size) for size in PNG_SIZES}
    del app
    written: dict[int, Path] = {}
    for size, data in pngs.items():
        path = out / "hicolor" / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written[size] = path
    scalable = out / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(svg.read_bytes())
    (out / f"{ICON_NAME}.ico").write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    iconset = out / f"{ICON_NAME}.iconset"
    iconset.mkdir(parents=True, exist_ok=True)
    for name, size in ICONSET.items():
        (iconset / name).write_bytes(pngs[size])
    return written


def main(argv: list[str] | None = None) -> int:
    """Render the icons into ``--out`` (default ``build/icons``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "icons")
    args = parser.parse_args(argv)
    render_icons(args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
