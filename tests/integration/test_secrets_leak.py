"""No secret and no message text leaves memory: logs, files under the app's home, audit.

The CLI signs in (card TLS + EXTERNAL, and Pro Santé Connect tokens), syncs and sends a
message with a unique body, with every logger at the lowest level written to a file.
Then the log, the captured terminal output and every file under
``MSSANTE_COMPANION_HOME`` are searched for the PIN, the access/refresh/ID tokens (whole,
and their signature part), the body and the subject. The cache opens only with the
keyring key; the bridge listens on loopback only.
"""

from __future__ import annotations

import base64
import io
import logging
import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from client.audit import AuditLog
from client.auth.oidc import OidcClient
from client.bridge.conn import Listener, check_loopback
from client.bridge.errors import NotLoopback
from client.cli import main
from client.mail.cache import MailCache
from client.mail.errors import CacheCorrupted
from client.mail.keystore import MemoryKeyStore
from client.mail.store import default_store_path
from client.paths import app_paths
from client.whitelist import default_whitelist_path
from sandbox.identities import COLLEAGUE, DOCTOR
from sandbox.operator import Sandbox
from tests.helpers.fake_keyring import FakeKeyring
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.slow, pytest.mark.timeout(14 * LIVE_TIMEOUT)]


@pytest.fixture
def memory_keyring() -> Iterator[FakeKeyring]:
    previous = keyring.get_keyring()
    fake = FakeKeyring()
    keyring.set_keyring(fake)
    yield fake
    keyring.set_keyring(previous)


@pytest.fixture
def trace_file(tmp_path: Path) -> Iterator[Path]:
    """Every record of every logger (level 1: below DEBUG, the traffic level) to a file."""
    path = tmp_path / "trace.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(1)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(1)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        handler.close()


@pytest.fixture
def captured_tokens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The access, refresh and ID tokens the provider hands out during the test."""
    seen: list[str] = []
    for name in ("exchange_code", "refresh"):
        original = getattr(OidcClient, name)

        def spy(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            tokens = _original(self, *args, **kwargs)
            seen.extend(t for t in (tokens.access_token, tokens.refresh_token,
                                    tokens.id_token) if t)
            return tokens

        monkeypatch.setattr(OidcClient, name, spy)
    return seen


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], pin: str,
         profile: Path, *argv: str) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(f"{pin}\n".encode())))
    status = main(["-vv", "--profile", str(profile), "--pin-stdin", *argv])
    out, err = capsys.readouterr()
    assert status == 0, err
    return status, out + err


def _needles(secret: str) -> list[bytes]:
    """The forms a secret could take on disk: as is, base64, hex, UTF-16."""
    raw = secret.encode("utf-8")
    forms = [raw, base64.b64encode(raw).rstrip(b"="), raw.hex().encode(),
             secret.encode("utf-16-le")]
    if secret.count(".") == 2:  # a JWT: its signature alone is secret too
        forms.append(secret.rsplit(".", 1)[1].encode())
    return [f for f in forms if len(f) >= 8]


def _pin_pattern(pin: str) -> re.Pattern[bytes]:
    return re.compile(rb"(?<![0-9])" + re.escape(pin.encode()) + rb"(?![0-9])")


def _leaks(blob: bytes, secrets: dict[str, str], pin: str) -> list[str]:
    found = [label for label, value in secrets.items()
             if any(needle in blob for needle in _needles(value))]
    if _pin_pattern(pin).search(blob) and b"pin" in blob.lower():
        # A bare 4-digit number may occur by chance in binary data; the PIN counts as
        # leaked only next to the word "pin".
        for match in _pin_pattern(pin).finditer(blob):
            window = blob[max(0, match.start() - 40): match.end() + 40].lower()
            if b"pin" in window:
                found.append("PIN")
                break
    return found


@pytest.mark.parametrize("method", ["card-tls", "psc"])
def test_no_secret_in_logs_or_files(
    method: str, sandbox_operator: Sandbox, memory_keyring: FakeKeyring, trace_file: Path,
    captured_tokens: list[str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], app_home: Path,
) -> None:
    app_paths().ensure()
    shutil.copyfile(sandbox_operator.liste_blanche, default_whitelist_path())
    profile = sandbox_operator.profile if method == "card-tls" else sandbox_operator.profile_psc
    pin = sandbox_operator.card.pin
    tag = uuid.uuid4().hex
    body = f"Corps confidentiel {tag} : hémoglobine glyquée 7,2 %"
    subject = f"Objet confidentiel {tag[:12]}"

    terminal = _cli(monkeypatch, capsys, pin, profile, "login", "--json")[1]
    terminal += _cli(monkeypatch, capsys, pin, profile, "mail", "send", "--to",
                     COLLEAGUE.address, "--subject", subject, "--body", body, "--receipt",
                     "--json")[1]
    sandbox_operator.wait_for_message(COLLEAGUE, subject)
    terminal += _cli(monkeypatch, capsys, pin, profile, "mail", "sync", "--json")[1]
    terminal += _cli(monkeypatch, capsys, pin, profile, "mail", "list", "INBOX", "--offline",
                     "--json")[1]
    if method == "psc":
        assert captured_tokens, "the PSC sign-in handed out no token"

    secrets = {f"token#{n}": t for n, t in enumerate(captured_tokens)}
    secrets["body"] = body
    secrets["body-tag"] = tag
    log_text = trace_file.read_bytes()
    assert b"DEBUG" in log_text  # the trace really captured the debug records
    assert _leaks(log_text, secrets, pin) == []
    assert _leaks(terminal.encode(), {k: v for k, v in secrets.items() if "token" in k},
                  pin) == []

    files = [p for p in app_home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".sqlite3" for p in files)
    for path in files:
        # The subject is content too, outside the audit trail's own fields.
        leaks = _leaks(path.read_bytes(), {**secrets, "subject": subject}, pin)
        assert leaks == [], f"{path.relative_to(app_home)} holds {leaks}"

    # The audit trail tells who signed in and what was sent to whom, nothing more.
    events = AuditLog().entries()
    kinds = [e.event for e in events]
    assert "sign-in" in kinds and "send" in kinds and "receipt-requested" in kinds
    send = next(e for e in events if e.event == "send")
    assert send.fields["recipients"] == [COLLEAGUE.address]
    assert AuditLog().verify().count == len(events)

    # The cache holds the synced mail sealed: readable with the keyring key only.
    cache_file = default_store_path(DOCTOR.address)
    with sqlite3.connect(cache_file) as raw:
        dump = "\n".join(raw.iterdump())
    raw.close()
    assert "Résultats d'analyses" not in dump and DOCTOR.address not in dump
    with pytest.raises(CacheCorrupted):
        MailCache.open(DOCTOR.address, keystore=MemoryKeyStore()).close()
    with MailCache.open(DOCTOR.address) as cache:  # the key from the (fake) keyring
        listed = cache.list_messages("INBOX", limit=500)
        assert listed


def test_bridge_listens_on_loopback_only() -> None:
    for host in ("0.0.0.0", "::", "192.0.2.10", "localhost.example"):
        with pytest.raises(NotLoopback):
            check_loopback(host)
        with pytest.raises(NotLoopback):
            Listener(host, 0, lambda _c: None)
    listener = Listener("127.0.0.1", 0, lambda _c: None, name="probe")
    try:
        assert listener.host == "127.0.0.1"
        assert listener._sock.getsockname()[0] == "127.0.0.1"
    finally:
        listener.stop()


def test_sealed_outbox_survives_without_the_key_but_stays_closed(
    memory_keyring: FakeKeyring,
) -> None:
    """Losing the keyring entry makes the file unreadable; nothing deletes it."""
    with MailCache.open(DOCTOR.address) as cache:
        path = cache.path
    before = path.read_bytes()
    memory_keyring.secrets.clear()  # the keyring lost the entry (new session, other user)
    with pytest.raises(CacheCorrupted):
        MailCache.open(DOCTOR.address).close()
    assert path.exists()
    assert path.read_bytes()[:16] == before[:16]
