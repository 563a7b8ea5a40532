"""The audit trail: hash chain, tamper evidence, torn writes, concurrency, no content.

These run without a keyring, so the entries are unsealed (the format of earlier
versions); the keyed chain is in ``test_audit_sealed.py``.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from client import audit_key
from client.audit import AuditLog, AuditTampered, default_audit_path, record, record_many
from tests.helpers.fake_keyring import no_keyring


@pytest.fixture(autouse=True)
def _without_keyring() -> Iterator[None]:
    with no_keyring():
        audit_key.forget_cached_key()
        yield
        audit_key.forget_cached_key()


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_events_chain_and_read_back(app_home: Path) -> None:
    log = AuditLog()
    first = log.append("sign-in", address="a@x.mssante.fr", method="card-tls")
    second = log.append("send", message_id="<1@x>", recipients=["b@y.mssante.fr"])
    assert log.path == default_audit_path()
    assert str(log.path).startswith(str(app_home))
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev == first.hash
    assert [e.event for e in log.entries()] == ["sign-in", "send"]
    assert log.entries()[1].fields == {"message_id": "<1@x>", "recipients": ["b@y.mssante.fr"]}
    result = log.verify()
    assert (result.count, result.last_seq, result.last_hash) == (2, 2, second.hash)
    assert oct(log.path.stat().st_mode & 0o777) == "0o600"


def test_each_append_is_fsynced(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real(fd))[1])
    log = AuditLog()
    log.append("card-removed", slot=0)
    log.append("card-removed", slot=1)
    assert len(calls) == 2


def test_a_batch_is_chained_in_order_with_one_fsync(monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
    log = AuditLog()
    first = log.append("sign-in", address="a@x.mssante.fr", method="card-tls")
    calls: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real(fd))[1])
    batch = log.append_many([
        ("send", {"message_id": f"<{n}@x>", "recipients": ["b@y.mssante.fr"]})
        for n in range(3)])
    assert len(calls) == 1
    assert [e.seq for e in batch] == [2, 3, 4] and batch[0].prev == first.hash
    assert [e.fields["message_id"] for e in log.entries()[1:]] == ["<0@x>", "<1@x>", "<2@x>"]
    assert log.verify().count == 4
    assert log.append_many([]) == []
    with pytest.raises(ValueError, match="content"):  # one refused: none is written
        log.append_many([("send", {"message_id": "<5@x>"}), ("send", {"body": "secret"})])
    assert log.verify().count == 4
    assert [e.seq for e in record_many([("card-removed", {"slot": 0})])] == [5]


@pytest.mark.parametrize(
    "name", ["body", "subject", "pin", "token", "access_token", "password", "Raw"]
)
def test_content_and_secret_fields_are_refused(name: str) -> None:
    log = AuditLog()
    with pytest.raises(ValueError, match=name):
        log.append("send", **{name: "x"})
    assert not log.path.exists()


def test_structured_values_are_refused() -> None:
    with pytest.raises(TypeError, match="headers"):
        AuditLog().append("send", headers={"Subject": "x"})
    with pytest.raises(ValueError, match="not a word"):
        AuditLog().append("two words")


def _three(log: AuditLog) -> None:
    for n in range(3):
        log.append("send", message_id=f"<{n}@x>", recipients=[f"r{n}@y.fr"])


def test_edited_field_is_detected() -> None:
    log = AuditLog()
    _three(log)
    lines = _lines(log.path)
    lines[1] = lines[1].replace("r1@y.fr", "attacker@evil.fr")
    log.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(AuditTampered) as info:
        log.verify()
    assert info.value.line == 2
    assert "hash" in info.value.reason


def test_rehashed_edit_breaks_the_next_link() -> None:
    """An attacker who recomputes the edited line's hash still breaks the following line."""
    from client.audit import _chain_hash

    log = AuditLog()
    _three(log)
    lines = _lines(log.path)
    obj = json.loads(lines[1])
    obj["fields"]["recipients"] = ["attacker@evil.fr"]
    obj["hash"] = _chain_hash(obj["prev"], obj)
    lines[1] = json.dumps(obj)
    log.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(AuditTampered) as info:
        log.verify()
    assert info.value.line == 3


@pytest.mark.parametrize("damage", ["delete", "swap", "duplicate"])
def test_removed_reordered_or_replayed_lines_are_detected(damage: str) -> None:
    log = AuditLog()
    _three(log)
    lines = _lines(log.path)
    if damage == "delete":
        del lines[1]
    elif damage == "swap":
        lines[0], lines[1] = lines[1], lines[0]
    else:
        lines.insert(2, lines[1])
    log.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(AuditTampered):
        log.verify()


def test_a_torn_write_is_tolerated_and_the_chain_goes_on() -> None:
    log = AuditLog()
    first = log.append("sign-in", address="a@x.fr")
    with log.path.open("ab") as handle:  # a crash in the middle of the next write
        handle.write(b'{"seq": 2, "time": "2026-')
    after = log.append("send", message_id="<2@x>", recipients=["b@y.fr"])
    assert after.seq == 2
    assert after.prev == first.hash
    result = log.verify()
    assert result.count == 2
    assert result.torn_lines == (2,)


def test_concurrent_processes_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from client.audit import AuditLog
        log = AuditLog(Path({str(path)!r}))
        for n in range(25):
            log.append("bridge-session", worker=int(sys.argv[1]), n=n)
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(w)]) for w in range(4)
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    result = AuditLog(path).verify()
    assert result.count == 100
    assert result.torn_lines == ()


def test_export_jsonl_verifies_and_csv_has_a_row_per_event(tmp_path: Path) -> None:
    log = AuditLog()
    _three(log)
    copy = tmp_path / "copy.jsonl"
    assert log.export(copy) == 3
    assert AuditLog(copy).verify().last_hash == log.verify().last_hash
    sheet = tmp_path / "copy.csv"
    assert log.export(sheet, fmt="csv") == 3
    rows = sheet.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("seq,time,event")
    assert len(rows) == 4
    with pytest.raises(ValueError, match="format"):
        log.export(tmp_path / "x", fmt="xml")


def test_record_reports_write_failures_without_raising(
    app_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (app_home / "data").mkdir()
    (app_home / "data" / "audit").write_text("not a directory", encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="client.audit"):
        assert record("sign-in", address="a@x.fr") is None
    assert "audit trail not written" in caplog.text


def test_record_writes_to_the_app_trail() -> None:
    entry = record("recipient-refused", address="x@gmail.com", rule="outside-trust-space")
    assert entry is not None
    assert AuditLog().entries()[-1].fields["rule"] == "outside-trust-space"
