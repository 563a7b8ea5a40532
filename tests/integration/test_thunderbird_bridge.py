"""A real headless Thunderbird (Debian's ``thunderbird``) with a profile made by
``mssante-companion thunderbird setup --mode bridge`` downloads the doctor's INBOX
through the bridge, then ``--remove`` takes the account away.

Thunderbird runs with ``--headless -no-remote -profile DIR``; the test adds the two
offline preferences an unattended run needs outside the companion's
block. The count of ``^From `` lines in ``ImapMail/127.0.0.1/INBOX`` (mbox store) must
equal the INBOX's EXISTS seen by a direct session. The keyring is the FAKE in-memory
backend (the bridge and ``thunderbird setup`` run in this process and share it).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from client.bridge import Bridge
from client.cli import main
from client.thunderbird import nss
from client.thunderbird.prefs import BEGIN_MARKER, read_prefs
from client.thunderbird.setup import ACCOUNT_KEY, BRIDGE_CERT_NICKNAME
from sandbox.operator import Sandbox
from tests.helpers.fake_keyring import fake_keyring
from tests.helpers.thunderbird import (
    headless_thunderbird,
    inbox_exists,
    mbox_count,
)
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.slow, pytest.mark.timeout(10 * LIVE_TIMEOUT)]


def test_headless_thunderbird_downloads_the_inbox_through_the_bridge(
    sandbox_operator: Sandbox, sandbox_bridge: Bridge, tmp_path: Path
) -> None:
    expected = inbox_exists(sandbox_operator)
    profile_dir = tmp_path / "tb-profile"
    profile_dir.mkdir()
    argv = ["thunderbird", "setup", "--mode", "bridge", "--profile-dir", str(profile_dir),
            "--profile", str(sandbox_operator.profile),
            "--imap-port", str(sandbox_bridge.port("imap")),
            "--smtp-port", str(sandbox_bridge.port("smtp"))]
    with fake_keyring() as keyring:
        keyring.secrets[("mssante-companion", "bridge-password")] = (
            sandbox_bridge.settings(show_password=True)["password"])
        assert main(argv) == 0
        assert main(argv) == 0  # idempotent: a second run replaces, never duplicates
    user_js = (profile_dir / "user.js").read_text()
    assert user_js.count(BEGIN_MARKER) == 1
    logins = nss.saved_logins(profile_dir)
    assert sorted(e["hostname"] for e in logins) == ["imap://127.0.0.1", "smtp://127.0.0.1"]

    inbox = profile_dir / "ImapMail" / "127.0.0.1" / "INBOX"
    with headless_thunderbird(profile_dir, tmp_path) as thunderbird:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and mbox_count(inbox) < expected:
            thunderbird.check_alive()
            time.sleep(1)
        assert mbox_count(inbox) == expected
        assert sandbox_bridge.status().last_error == ""

    # Thunderbird kept the account in prefs.js; --remove takes everything away.
    assert ACCOUNT_KEY in str(read_prefs(profile_dir / "prefs.js")[
        "mail.accountmanager.accounts"])
    (profile_dir / "lock").unlink(missing_ok=True)
    assert main(["thunderbird", "setup", "--remove", "--profile-dir", str(profile_dir)]) == 0
    prefs = read_prefs(profile_dir / "prefs.js")
    assert not [k for k in prefs if "mssante" in k]
    assert ACCOUNT_KEY not in str(prefs.get("mail.accountmanager.accounts", ""))
    assert BEGIN_MARKER not in (profile_dir / "user.js").read_text()
    assert nss.saved_logins(profile_dir) == []
    assert not nss.has_certificate(profile_dir, BRIDGE_CERT_NICKNAME)
