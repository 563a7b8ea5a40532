"""The sample extraction has the published shape and the sandbox users."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from client.directory.columns import COLUMNS, HEADER_LINE
from sandbox.directory_sample import (
    SANDBOX_ROWS,
    iter_sample_rows,
    write_sample_extraction,
    write_sample_zip,
)


def _rows(path: Path) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("|")
    return [dict(zip(header, line.split("|"), strict=True)) for line in lines[1:]]


def test_header_is_the_published_31_columns(tmp_path: Path) -> None:
    path = write_sample_extraction(tmp_path / "x.txt", rows=50)
    first_line = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first_line == HEADER_LINE
    assert len(first_line.split("|")) == 31 == len(COLUMNS)
    assert all(len(line.split("|")) == 31 for line in path.read_text("utf-8").splitlines())


def test_sandbox_users_are_present(tmp_path: Path) -> None:
    rows = {row["Adresse BAL"]: row for row in _rows(write_sample_extraction(tmp_path, 300))}
    jean = rows["jean.martin@hopital-sandbox.mssante.fr"]
    assert (jean["Nom d'exercice"], jean["Prénom d'exercice"]) == ("MARTIN", "JEAN")
    assert jean["Identification nationale PP"] == "810001234567"
    assert jean["Libellé Profession"] == "Médecin"
    claire = rows["claire.dubois@clinique-sandbox.mssante.fr"]
    assert claire["Libellé savoir-faire"].startswith("Cardiologie")
    assert claire["L6LIGNEACHEMINEMENT structure BAL"] == "69003 LYON"
    sandbox_boxes = {
        (row["Type de BAL"], address) for address, row in rows.items()
        if address.endswith(("@hopital-sandbox.mssante.fr", "@clinique-sandbox.mssante.fr"))
    }
    assert {bal for bal, _ in sandbox_boxes} == {"PER", "ORG", "APP"}


def test_sample_has_the_awkward_cases(tmp_path: Path) -> None:
    rows = _rows(write_sample_extraction(tmp_path / "x.txt", rows=3000, seed=7))
    assert {row["Type de BAL"] for row in rows} == {"PER", "ORG", "APP", "CAB"}
    given = {row["Prénom d'exercice"] for row in rows}
    family = {row["Nom d'exercice"] for row in rows}
    assert any(any(ch in name for ch in "ÉéïÑñ") for name in given)
    assert any("-" in name for name in family) and any(" " in name for name in family)
    addresses = [row["Adresse BAL"] for row in rows]
    assert len(set(addresses)) < len(addresses), "duplicate addresses are expected"
    assert any(row["Code savoir-faire"] == "" for row in rows)
    assert {"10", "21", "40", "50", "60", "70"} <= {row["Code Profession"] for row in rows}


def test_deterministic_and_seed_dependent(tmp_path: Path) -> None:
    a = write_sample_extraction(tmp_path / "a.txt", rows=400, seed=1).read_bytes()
    b = write_sample_extraction(tmp_path / "b.txt", rows=400, seed=1).read_bytes()
    c = write_sample_extraction(tmp_path / "c.txt", rows=400, seed=2).read_bytes()
    assert a == b != c


def test_bom_and_crlf_variants(tmp_path: Path) -> None:
    raw = write_sample_extraction(tmp_path / "x.txt", rows=20, crlf=True, bom=True).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfType de BAL|")
    assert raw.count(b"\r\n") == 21


def test_zip_has_the_published_names(tmp_path: Path) -> None:
    txt = write_sample_extraction(tmp_path / "x.txt", rows=20)
    zip_path = write_sample_zip(txt)
    assert zip_path.name.startswith("Extraction_Correspondance_MSSante_")
    assert zip_path.suffix == ".zip" and len(zip_path.stem.rsplit("_", 1)[1]) == 12
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.namelist() == [zip_path.stem + ".txt"]
        assert archive.read(zip_path.stem + ".txt") == txt.read_bytes()


def test_too_few_rows_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        list(iter_sample_rows(len(SANDBOX_ROWS) - 1))
