"""Showing documents in the app: a CDA rendered for reading, a PDF page rendered for the
viewer.

- CDA: :func:`client.xdm.cda_render.render_cda` (safe parse, header, narrative to HTML)
  on ANS's example documents vs. the bare defusedxml parse of the same bytes. Target: at
  most 3x the parse.
- PDF: opening a real report and rendering its first page into the pixmap the viewer
  shows (:func:`ui.pdf_view.render_pixmap`) vs. PDFium's own open and render of the same
  page. Target: at most 1.5x, and under the 50 ms GUI-thread budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import defusedxml.ElementTree as SafeET

from client.xdm.cda_render import render_cda

CDA_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "cda"
CDA_TARGET = 3.0
PDF_TARGET = 1.5
GUI_BUDGET = 0.050
ROUNDS = 15


def _best(function: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _cda_row() -> dict[str, object]:
    documents = [p.read_bytes() for p in sorted(CDA_DIR.glob("*.xml"))]

    def rendered() -> None:
        for data in documents:
            render_cda(data).to_html()

    def parsed() -> None:
        for data in documents:
            SafeET.fromstring(data, forbid_dtd=True)

    measured, baseline = _best(rendered), _best(parsed)
    ratio = measured / baseline
    return {"name": f"CDA reading view of {len(documents)} ANS examples (s)",
            "measured": round(measured, 4), "baseline": round(baseline, 4),
            "ratio": round(ratio, 2), "target": f"<= {CDA_TARGET}x defusedxml parse",
            "met": ratio <= CDA_TARGET}


def _pdf_row() -> dict[str, object]:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pypdfium2 as pdfium
    from PySide6.QtWidgets import QApplication

    from ui.pdf_view import SCREEN_SCALE, render_pixmap

    # A QApplication, not a QGuiApplication: the benchmarks after this one in the same
    # process build widgets, which an application without widgets cannot hold.
    _app = QApplication.instance() or QApplication([])
    level1 = CDA_DIR / "IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml"
    embedded = render_cda(level1.read_bytes()).embedded
    assert embedded is not None
    data = embedded.data

    def viewer() -> None:
        document = pdfium.PdfDocument(data)
        render_pixmap(document, 0, SCREEN_SCALE)
        document.close()

    def bare() -> None:
        document = pdfium.PdfDocument(data)
        page = document[0]
        page.render(scale=SCREEN_SCALE, prefer_bgrx=True, may_draw_forms=False).close()
        page.close()
        document.close()

    measured, baseline = _best(viewer), _best(bare)
    ratio = measured / baseline
    return {"name": "PDF viewer: open + first page at 100 % (s)",
            "measured": round(measured, 4), "baseline": round(baseline, 4),
            "ratio": round(ratio, 2),
            "target": f"<= {PDF_TARGET}x PDFium alone, < {GUI_BUDGET * 1000:.0f} ms",
            "met": ratio <= PDF_TARGET and measured < GUI_BUDGET}


def run() -> list[dict[str, object]]:
    """Two rows: the CDA reading view and the PDF page render."""
    return [_cda_row(), _pdf_row()]


if __name__ == "__main__":
    print(run())
