"""Comments and docstrings cite nothing a reader of the repository cannot open.

A note such as "see design section 6" or "(issue 11)" points at a document that lives
outside the repository: a maintainer who clones it cannot follow the reference, and the
reason behind the code is lost. Comments say why in the code's own terms, or cite an
RFC or a published specification, or ``ARCHITECTURE.md`` / ``README.md``.

Every text file of the product, the sandbox, the tools and the tests is read (generated
caches and binary files skipped); a citation fails the test with its file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Directories whose files must not cite outside documents (top-level documents such as
#: the changelog may name the project's issues).
SCANNED = (
    "benchmarks", "client", "cps", "fuzz", "gateway", "packaging", "resources", "sandbox",
    "tests", "ui",
)
#: Caches, and inputs written by others: ANS's sample documents, fuzzing seeds.
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache"}
SKIPPED_DIRS = (ROOT / "tests" / "data", ROOT / "fuzz" / "seeds")

#: "design section 6", "DESIGN section 2", "(design 2)", "DESIGN.md", "issue 11",
#: "issue #11", "(issue: ...)"; "DESIGN" only in capitals ("by design" is plain English).
OUTSIDE_CITATIONS = re.compile(
    r"\bdesign\s+(section\s+)?\d|(?-i:\bDESIGN\b)|\bissues?\s+#?\d|\(issue\b",
    re.IGNORECASE,
)


def _text_files() -> list[Path]:
    files = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if not path.is_file() or SKIPPED_PARTS.intersection(path.relative_to(ROOT).parts):
                continue
            if any(path.is_relative_to(skipped) for skipped in SKIPPED_DIRS):
                continue
            if path == Path(__file__).resolve():
                continue  # this file shows the citations it forbids
            files.append(path)
    return files


def _citations(path: Path) -> list[str]:
    raw = path.read_bytes()
    if b"\0" in raw:
        return []  # binary (icons, compiled translations)
    text = raw.decode("utf-8", errors="replace")
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if OUTSIDE_CITATIONS.search(line)
    ]


def test_the_pattern_finds_the_citations_it_is_meant_to_find() -> None:
    for cited in (
        "# Tokens live 2 to 5 minutes (design section 2).",
        "(DESIGN section 2)",
        "no national id (design 2)",
        "see DESIGN.md",
        "Insertion within 1 s (issue 3).",
        "(issue: never advise deleting the cache)",
        "fixed by issue #12",
        "Issues 3 and 4",
    ):
        assert OUTSIDE_CITATIONS.search(cited), cited
    for fine in (
        "RFC 8446 section 4.2.3",
        "cert.verify_directly_issued_by(issuer)",
        "the issuer of the certificate",
        "Build scripts run fixed build tools by design.",
        "see ARCHITECTURE.md, The path of a PIN",
    ):
        assert not OUTSIDE_CITATIONS.search(fine), fine


def test_no_comment_cites_a_document_outside_the_repository() -> None:
    files = _text_files()
    assert len(files) > 100, "the scan found too few files: is ROOT right?"
    found = [hit for path in files for hit in _citations(path)]
    assert not found, (
        "These lines cite a document outside the repository; say why in the code's own "
        "terms, or cite an RFC, a specification, ARCHITECTURE.md or README.md:\n"
        + "\n".join(found)
    )
