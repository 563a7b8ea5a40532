"""``mssante-companion mail ...`` against the sandbox operator, signed in for real.

The CLI signs in with the profile (CPS card TLS, or Pro Santé Connect) and the PIN read
from standard input (``--pin-stdin``), then lists, shows, sends, syncs and lists offline.
"""

from __future__ import annotations

import io
import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from client.cli import main
from client.paths import app_paths
from client.whitelist import default_whitelist_path
from sandbox.identities import COLLEAGUE
from sandbox.operator import Sandbox
from tests.client.mail._fakes import FakeKeyring
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(10 * LIVE_TIMEOUT)]


@pytest.fixture
def fake_keyring() -> Iterator[FakeKeyring]:
    previous = keyring.get_keyring()
    fake = FakeKeyring()
    keyring.set_keyring(fake)
    yield fake
    keyring.set_keyring(previous)


@pytest.fixture(params=["card-tls", "psc"])
def profile(request: pytest.FixtureRequest, sandbox_operator: Sandbox) -> Path:
    app_paths().ensure()
    shutil.copyfile(sandbox_operator.liste_blanche, default_whitelist_path())
    return sandbox_operator.profile if request.param == "card-tls" else (
        sandbox_operator.profile_psc
    )


def _cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], pin: str,
    profile: Path, *argv: str,
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(f"{pin}\n".encode())))
    status = main(["--profile", str(profile), "--pin-stdin", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_mail_commands_signed_in(
    sandbox_operator: Sandbox, profile: Path, fake_keyring: FakeKeyring,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    pin = sandbox_operator.card.pin
    status, out, err = _cli(monkeypatch, capsys, pin, profile, "mail", "list", "INBOX",
                            "--limit", "100", "--json")
    assert status == 0, err
    listing = json.loads(out)
    subjects = {m["subject"]: m for m in listing["messages"]}
    assert "Résultats d'analyses – Mme Élodie LEFÈVRE" in subjects
    xdm = next(m for m in listing["messages"] if m["subject"].startswith("XDM/1.0/DDM+"))

    status, out, err = _cli(monkeypatch, capsys, pin, profile, "mail", "show", "INBOX",
                            str(xdm["uid"]), "--json")
    assert status == 0, err
    shown = json.loads(out)
    assert "IHE_XDM.ZIP" in [a["filename"] for a in shown["attachments"]]
    assert not shown["display_subject"].startswith("XDM/")
    (structured,) = shown["structured_documents"]
    assert structured["patient_ins"] and structured["documents"]

    status, out, err = _cli(monkeypatch, capsys, pin, profile, "mail", "save-attachments",
                            "INBOX", str(xdm["uid"]), str(tmp_path / "pj"), "--json")
    assert status == 0, err
    assert "IHE_XDM.ZIP" in [Path(p).name for p in json.loads(out)]

    subject = f"CLI {uuid.uuid4().hex[:8]} – Hélène"
    status, out, err = _cli(monkeypatch, capsys, pin, profile, "mail", "send",
                            "--to", COLLEAGUE.address, "--subject", subject,
                            "--body", "Bonjour", "--receipt", "--json")
    assert status == 0, err
    assert json.loads(out)["state"] == "sent"
    received = sandbox_operator.wait_for_message(COLLEAGUE, subject)
    assert received["Disposition-Notification-To"]

    from sandbox.xdm_sample import build_sample_xdm_zip, sample_xdm_headers

    package = tmp_path / "IHE_XDM.ZIP"
    package.write_bytes(build_sample_xdm_zip())
    xdm_subject = f"XDM/1.0/DDM+CR {uuid.uuid4().hex[:6]}"
    status, out, err = _cli(monkeypatch, capsys, pin, profile, "mail", "send",
                            "--to", COLLEAGUE.address, "--subject", xdm_subject,
                            "--body", "CR joint", "--xdm", str(package), "--json")
    assert status == 0, err
    structured = sandbox_operator.wait_for_message(COLLEAGUE, xdm_subject)
    for name, value in sample_xdm_headers().items():
        assert structured[name] == value

    status, _, err = _cli(monkeypatch, capsys, pin, profile, "mail", "send",
                          "--to", "quelquun@example.org", "--subject", "non", "--body", "x")
    assert status == 4 and "outside the MSSanté trust space" in err

    status, out, err = _cli(monkeypatch, capsys, pin, profile, "mail", "sync", "--json")
    assert status == 0, err
    assert "INBOX" in {r["folder"] for r in json.loads(out)}
    status, out, err = _cli(monkeypatch, capsys, pin, profile, "mail", "list", "INBOX",
                            "--offline", "--json")
    assert status == 0, err
    assert json.loads(out)["offline"] is True
    assert "Résultats d'analyses – Mme Élodie LEFÈVRE" in {
        m["subject"] for m in json.loads(out)["messages"]
    }
