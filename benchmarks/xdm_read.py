"""Reading a received IHE XDM package with every safety check vs. a bare unzip.

``read_xdm`` decompresses in small counted reads (zip bomb limits), validates names and
attributes, parses METADATA.XML and checks each document's size and SHA-1. The baseline
is ``zipfile`` reading the same members with no check. Target: at most 2x the baseline.
"""

from __future__ import annotations

import io
import os
import time
import zipfile

from client.xdm import DocumentInput, pack_xdm, read_xdm
from sandbox.xdm_sample import SAMPLE_AUTHOR, SAMPLE_CDA_PATH, SAMPLE_PATIENT, minimal_pdf

TARGET = 2.0
ROUNDS = 5


def _package(megabytes: int) -> bytes:
    # A realistic attachment: the CDA, its PDF, and a large scanned image (incompressible).
    documents = [
        DocumentInput(SAMPLE_CDA_PATH.read_bytes(), SAMPLE_CDA_PATH.name),
        DocumentInput(minimal_pdf(["CR"]), "cr.pdf"),
        DocumentInput(os.urandom(megabytes * 1024 * 1024), "scan.jpg", mime_type="image/jpeg"),
    ]
    return pack_xdm(documents, SAMPLE_PATIENT, SAMPLE_AUTHOR).data


def _bare(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(len(archive.read(info)) for info in archive.infolist())


def _best(function: object, data: bytes) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        function(data)  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


def run(megabytes: int = 40) -> list[dict[str, object]]:
    """One row: checked read time vs. bare unzip time of a ``megabytes`` MB package."""
    data = _package(megabytes)
    measured = _best(read_xdm, data)
    baseline = _best(_bare, data)
    ratio = measured / baseline
    return [{
        "name": f"xdm inspect of a {megabytes} MB package (s)",
        "measured": round(measured, 4),
        "baseline": round(baseline, 4),
        "ratio": round(ratio, 2),
        "target": f"<= {TARGET}x bare unzip",
        "met": ratio <= TARGET,
    }]


if __name__ == "__main__":
    print(run())
