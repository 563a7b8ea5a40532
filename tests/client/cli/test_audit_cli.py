"""``audit show|verify|export`` on the application's trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from client.audit import AuditLog
from client.cli import main


def _seed() -> AuditLog:
    log = AuditLog()
    log.append("sign-in", address="a@x.mssante.fr", method="psc")
    log.append("send", message_id="<1@x>", recipients=["b@y.mssante.fr", "c@z.mssante.fr"])
    log.append("receipt-requested", message_id="<1@x>")
    return log


def test_show_json_lists_events(capsys: pytest.CaptureFixture[str]) -> None:
    _seed()
    assert main(["audit", "show", "--json"]) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    assert [e["event"] for e in events] == ["sign-in", "send", "receipt-requested"]
    assert events[1]["fields"]["recipients"] == ["b@y.mssante.fr", "c@z.mssante.fr"]


def test_show_text_filters_and_limits(capsys: pytest.CaptureFixture[str]) -> None:
    _seed()
    assert main(["audit", "show", "--event", "send", "--limit", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert "send" in out[0]
    assert "recipients=b@y.mssante.fr,c@z.mssante.fr" in out[0]


def test_show_empty_trail(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "show"]) == 0
    assert "No audit events" in capsys.readouterr().out


def test_verify_ok_then_tampered(capsys: pytest.CaptureFixture[str]) -> None:
    log = _seed()
    assert main(["audit", "verify", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["count"] == 3
    text = log.path.read_text(encoding="utf-8").replace("c@z.mssante.fr", "c@evil.fr")
    log.path.write_text(text, encoding="utf-8")
    assert main(["audit", "verify"]) == 3
    err = capsys.readouterr().err
    assert "line 2" in err
    assert "security officer" in err


def test_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed()
    out = tmp_path / "trail.csv"
    assert main(["audit", "export", str(out), "--format", "csv", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["count"] == 3
    assert out.read_text(encoding="utf-8").count("\n") == 4


def test_export_keeps_an_existing_file_unless_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed()
    out = tmp_path / "trail.jsonl"
    out.write_text("an earlier export kept for comparison\n", encoding="utf-8")
    assert main(["audit", "export", str(out), "--json"]) == 5
    captured = capsys.readouterr()
    error = json.loads(captured.out)["error"]
    assert (error["kind"], error["exit_status"]) == ("exists", 5)
    assert error["message"].endswith("replace it); nothing was written.")
    assert "--overwrite" in captured.err
    assert out.read_text(encoding="utf-8") == "an earlier export kept for comparison\n"
    assert main(["audit", "export", str(out), "--overwrite"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
