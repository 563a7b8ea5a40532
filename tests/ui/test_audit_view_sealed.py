"""The audit view with the keyed trail: unsealed events are said so, a missing key is
worded (never a raw exception), the new event kinds have French labels."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from client.audit import AuditKeyUnavailable, AuditLog
from ui.audit_view import AuditView, event_label


def _no_key() -> bytes:
    raise AuditKeyUnavailable("keyring locked")


def _key() -> bytes:
    return bytes(32)


def test_unsealed_events_are_not_called_proven(qtbot: QtBot, tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", key_source=_no_key)
    log.append("pin-refused", where="desktop", attempts_left=2)
    view = AuditView(log)
    qtbot.addWidget(view)
    with qtbot.wait_signal(view.loaded, timeout=10_000):
        view.refresh()
    assert "1 événements ne sont pas scellés" in view.status.text()
    assert view.tree.topLevelItem(0).text(2) == "Code PIN refusé"


def test_a_missing_key_is_worded(qtbot: QtBot, tmp_path: Path) -> None:
    AuditLog(tmp_path / "audit.jsonl", key_source=_key).append("sign-in", address="a@x.fr")
    view = AuditView(AuditLog(tmp_path / "audit.jsonl", key_source=_no_key))
    qtbot.addWidget(view)
    view.refresh()
    assert not view.refresh_button.isEnabled()
    qtbot.wait_until(lambda: view.refresh_button.isEnabled(), timeout=10_000)
    assert "trousseau du système" in view.status.text()
    assert "AuditKeyUnavailable" not in view.status.text()


def test_events_under_another_key_are_not_called_intact(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    AuditLog(path, key_source=_key).append("sign-in", address="a@x.fr")
    AuditLog(path, key_source=lambda: bytes(range(32))).append("send", message_id="<1@x>")
    view = AuditView(AuditLog(path, key_source=_key))
    qtbot.addWidget(view)
    with qtbot.wait_signal(view.loaded, timeout=10_000):
        view.refresh()
    text = view.status.text()
    assert text.startswith("Journal vérifié en partie") and "intact" not in text
    assert "1 événements sont scellés par une autre clé" in text
    assert view.status.property("alert") is True


def test_new_events_have_labels() -> None:
    for event in ("bridge-login-failed", "pin-refused", "audit-pruned"):
        assert event_label(event) != event
