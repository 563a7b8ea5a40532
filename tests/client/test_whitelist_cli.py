"""``mssante-companion whitelist ...``: import (file, checksum), check exit codes, --json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from client.cli import main
from client.cli._common import EXIT_ERROR
from tests.helpers.data import LISTE_BLANCHE

DATA = LISTE_BLANCHE.parent


def test_import_with_checksum_then_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whitelist", "import", str(DATA / "listeblanchemssante.xml"),
                 "--checksum", str(DATA / "listeblanchemssante.xml.checksum"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["checksum_verified"] and summary["domains"] > 500
    assert main(["whitelist", "check", "dr.x@adsea29.mssante.fr"]) == 0
    assert "inside the MSSanté trust space" in capsys.readouterr().out
    assert main(["whitelist", "check", "someone@gmail.com"]) == 1
    assert "OUTSIDE" in capsys.readouterr().out
    assert main(["whitelist", "check", "a@adsea29.mssante.fr", "b@gmail.com"]) == 1
    capsys.readouterr()
    assert main(["whitelist", "check", "p@patient.mssante.fr", "--json"]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["inside"] and decision["is_patient"]


def test_checksum_mismatch_keeps_nothing(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    checksum = tmp_path / "bad.checksum"
    checksum.write_text("0" * 64, encoding="ascii")
    assert main(["whitelist", "import", str(DATA / "listeblanchemssante.xml"),
                 "--checksum", str(checksum)]) == EXIT_ERROR
    assert "does not match its published checksum" in capsys.readouterr().err
    # Nothing imported: the list shipped with the application answers.
    assert main(["whitelist", "info", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["origin"] == "shipped"
    assert main(["whitelist", "check", "a@adsea29.mssante.fr"]) == 0


def test_entity_bomb_is_worded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "listeblanchemssante.xml"
    shutil.copy(DATA / "listeblanchemssante.xml", bomb)
    text = bomb.read_text(encoding="utf-8").replace(
        "<ListeBlancheMSSante", '<!DOCTYPE l [<!ENTITY a "aaaa">]><ListeBlancheMSSante', 1)
    bomb.write_text(text, encoding="utf-8")
    assert main(["whitelist", "import", str(bomb)]) == EXIT_ERROR
    assert "was refused" in capsys.readouterr().err
