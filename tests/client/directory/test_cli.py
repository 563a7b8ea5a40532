"""``mssante-companion directory ...``: import, search, info, with and without --json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from client.cli import main
from client.cli._common import EXIT_ERROR
from sandbox.directory_sample import write_sample_extraction, write_sample_zip


def _json(capsys: pytest.CaptureFixture[str]) -> Any:
    return json.loads(capsys.readouterr().out)


def test_import_search_info_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    zip_path = write_sample_zip(write_sample_extraction(tmp_path / "x.txt", rows=400))
    assert main(["directory", "import", str(zip_path), "--json"]) == 0
    report = _json(capsys)
    assert report["rows"] == 400 and report["bad_rows_count"] == 0
    assert main(["--json", "directory", "search", "card", "lyon", "--limit", "5"]) == 0
    results = _json(capsys)
    assert results[0]["address"] == "claire.dubois@clinique-sandbox.mssante.fr"
    assert set(results[0]) >= {"address", "bal_type", "family_name", "given_name",
                               "profession", "specialty", "national_id", "organization",
                               "postal_code", "city"}
    assert main(["directory", "info", "--json"]) == 0
    assert _json(capsys)["rows"] == 400


def test_search_text_output_and_no_result(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    main(["directory", "import", str(write_sample_extraction(tmp_path / "x.txt", rows=100))])
    capsys.readouterr()
    assert main(["directory", "search", "jean", "martin"]) == 0
    assert capsys.readouterr().out.startswith("jean.martin@hopital-sandbox.mssante.fr")
    assert main(["directory", "search", "zzzzqqq"]) == 1
    assert "No mailbox matches" in capsys.readouterr().err
    assert main(["directory", "search", "sandbox", "--type", "APP", "--json"]) == 0
    assert {r["bal_type"] for r in _json(capsys)} == {"APP"}


def test_bad_header_is_worded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Nom|Prénom\nMARTIN|Jean\n", encoding="utf-8")
    assert main(["directory", "import", str(bad)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "its header lacks Type de BAL, Adresse BAL" in err
    assert "Download Extraction_Correspondance_MSSante again" in err


def test_search_before_import_is_worded(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["directory", "search", "martin"]) == EXIT_ERROR
    assert "No directory imported yet" in capsys.readouterr().err


def test_import_from_url(tmp_path: Path, web_root: tuple[Path, str],
                         capsys: pytest.CaptureFixture[str]) -> None:
    root, base = web_root
    zip_path = write_sample_zip(write_sample_extraction(tmp_path / "x.txt", rows=200), root)
    assert main(["directory", "import", f"{base}/{zip_path.name}", "--json"]) == 0
    assert _json(capsys)["rows"] == 200
    assert main(["directory", "import", f"{base}/missing.zip"]) == EXIT_ERROR
    assert "HTTP status 404" in capsys.readouterr().err
    assert main(["directory", "import", "http://example.org/x.zip"]) == EXIT_ERROR
    assert "only https://" in capsys.readouterr().err
