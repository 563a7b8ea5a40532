"""``mssante-companion xdm pack`` and ``xdm inspect`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from client.cli import main
from client.cli._common import EXIT_ERROR
from sandbox.xdm_sample import SAMPLE_CDA_PATH, minimal_pdf

from .zipcraft import build_zip, deflate

PATIENT_ARGS = ["--ins", "279035121518989", "--ins-oid", "1.2.250.1.213.1.4.10",
                "--family", "PAT-TROIS", "--given", "DOMINIQUE", "--sex", "F",
                "--birth-date", "1979-03-28"]
AUTHOR_ARGS = ["--author-id", "810001234567", "--author-family", "MARTIN",
               "--author-given", "JEAN"]


def _pack(tmp_path: Path, *extra: str) -> Path:
    pdf = tmp_path / "rendu.pdf"
    pdf.write_bytes(minimal_pdf(["Rendu"]))
    out = tmp_path / "IHE_XDM.ZIP"
    status = main(["xdm", "pack", str(SAMPLE_CDA_PATH), str(pdf), *PATIENT_ARGS,
                   *extra, "-o", str(out)])
    assert status == 0
    return out


def test_pack_then_inspect_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _pack(tmp_path, *AUTHOR_ARGS, "--recipient", "claire.dubois@clinique-sandbox.mssante.fr",
                "--json")
    packed = json.loads(capsys.readouterr().out)
    assert packed["output"] == str(out)
    assert packed["headers"]["X-MSS-CODECDA"] == "11502-2"
    assert packed["integration_subject"].startswith("XDM/1.0/DDM+")

    assert main(["xdm", "inspect", str(out), "--json", "--extract", str(tmp_path / "x")]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["patient"]["ins"] == "279035121518989"
    assert document["patient"]["birth_date"] == "1979-03-28"
    assert document["submission_set"]["author"].startswith("810001234567^MARTIN^JEAN")
    assert [d["mime_type"] for d in document["documents"]] == ["text/xml", "application/pdf"]
    assert document["documents"][0]["cda"]["code"] == "11502-2"
    assert document["documents"][0]["cda"]["author"] == "Marcel CAMPARINI"
    assert len(document["extracted"]) == 5
    assert (tmp_path / "x" / "IHE_XDM" / "SUBSET01" / "DOC0001.XML").read_bytes() == (
        SAMPLE_CDA_PATH.read_bytes())


def test_pack_defaults_the_sender_to_the_cda_author(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _pack(tmp_path)
    capsys.readouterr()
    assert main(["xdm", "inspect", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Patient: PAT-TROIS DOMINIQUE" in text
    assert "Marcel CAMPARINI" in text


def test_wrong_ins_is_worded_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [a if a != "279035121518989" else "279035121518988" for a in PATIENT_ARGS]
    out = tmp_path / "out.zip"
    status = main(["xdm", "pack", str(SAMPLE_CDA_PATH), *args, *AUTHOR_ARGS, "-o", str(out)])
    assert status == 2
    err = capsys.readouterr().err
    assert "wrong control key 88" in err and "INSi" in err
    assert not out.exists()


def test_hostile_package_is_worded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = tmp_path / "IHE_XDM.ZIP"
    hostile.write_bytes(build_zip([deflate("../../evil.sh", b"x")]))
    assert main(["xdm", "inspect", str(hostile), "--extract", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "'../../evil.sh'" in err and "Nothing was extracted" in err
    assert not (tmp_path / "x").exists()


def test_missing_file_is_worded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["xdm", "inspect", str(tmp_path / "absent.zip")]) == EXIT_ERROR
    assert "absent.zip" in capsys.readouterr().err
