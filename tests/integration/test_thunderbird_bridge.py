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

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from client.auth import build_authenticator
from client.bridge import (
    Bridge,
    BridgeConfig,
    CardGate,
    load_or_create_certificate,
    load_or_create_password,
)
from client.cli import main
from client.mail.cache import MailCache
from client.mail.keystore import MemoryKeyStore
from client.mail.policy import DomainList, RecipientPolicy
from client.profiles import load_profile
from client.thunderbird import nss
from client.thunderbird.prefs import BEGIN_MARKER, read_prefs
from client.thunderbird.setup import ACCOUNT_KEY, BRIDGE_CERT_NICKNAME
from cps.service import CardService
from sandbox.identities import DOMAINS
from sandbox.operator import Sandbox
from tests.helpers.fake_keyring import fake_keyring
from tests.helpers.fake_token import FakePinPrompt
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.slow, pytest.mark.timeout(10 * LIVE_TIMEOUT)]

_UNATTENDED = (
    'user_pref("offline.autoDetect", false);\n'
    'user_pref("offline.startup_state", 2);\n'
    'user_pref("mail.shell.checkDefaultClient", false);\n'
    'user_pref("mailnews.start_page.enabled", false);\n'
)


@pytest.fixture()
def bridge(sandbox_operator: Sandbox, tmp_path: Path) -> Iterator[Bridge]:
    profile = load_profile(sandbox_operator.profile)
    service = CardService.for_module(Path(sandbox_operator.card.module))
    gate = CardGate(lambda: build_authenticator(
        profile, pin_prompt=FakePinPrompt(sandbox_operator.card.pin), card_service=service),
        profile.address)
    keystore = MemoryKeyStore()
    with fake_keyring():
        running = Bridge(
            gate, load_or_create_password(), load_or_create_certificate(),
            policy=RecipientPolicy(DomainList.of(DOMAINS)),
            config=BridgeConfig(imap_port=0, smtp_port=0),
            open_cache=lambda address: MailCache.open(address, keystore=keystore,
                                                      path=tmp_path / "cache.db"),
        ).start()
        try:
            yield running
        finally:
            running.stop()
            service.close()


def _inbox_exists(sandbox_operator: Sandbox) -> int:
    auth = build_authenticator(load_profile(sandbox_operator.profile),
                               pin_prompt=FakePinPrompt(sandbox_operator.card.pin))
    try:
        imap = auth.open_imap()
        try:
            return int(imap.select_folder("INBOX", readonly=True)[b"EXISTS"])
        finally:
            imap.logout()
    finally:
        auth.close()


def _mbox_count(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(1 for line in path.read_bytes().split(b"\n") if line.startswith(b"From "))


def test_headless_thunderbird_downloads_the_inbox_through_the_bridge(
    sandbox_operator: Sandbox, bridge: Bridge, tmp_path: Path
) -> None:
    program = shutil.which("thunderbird")
    assert program, "Debian's thunderbird is needed (sandbox/install-system-packages.sh)"
    expected = _inbox_exists(sandbox_operator)
    profile_dir = tmp_path / "tb-profile"
    profile_dir.mkdir()
    argv = ["thunderbird", "setup", "--mode", "bridge", "--profile-dir", str(profile_dir),
            "--profile", str(sandbox_operator.profile),
            "--imap-port", str(bridge.port("imap")), "--smtp-port", str(bridge.port("smtp"))]
    with fake_keyring() as keyring:
        keyring.secrets[("mssante-companion", "bridge-password")] = (
            bridge.settings(show_password=True)["password"])
        assert main(argv) == 0
        assert main(argv) == 0  # idempotent: a second run replaces, never duplicates
    user_js = (profile_dir / "user.js").read_text()
    assert user_js.count(BEGIN_MARKER) == 1
    logins = nss.saved_logins(profile_dir)
    assert sorted(e["hostname"] for e in logins) == ["imap://127.0.0.1", "smtp://127.0.0.1"]
    with (profile_dir / "user.js").open("a") as handle:
        handle.write(_UNATTENDED)

    home = tmp_path / "tb-home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), MOZ_HEADLESS="1")
    log = (tmp_path / "thunderbird.log").open("wb")
    process = subprocess.Popen(  # a fixed program and arguments
        [program, "--headless", "-no-remote", "-profile", str(profile_dir)],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    inbox = profile_dir / "ImapMail" / "127.0.0.1" / "INBOX"
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and _mbox_count(inbox) < expected:
            assert process.poll() is None, "Thunderbird exited early (see thunderbird.log)"
            time.sleep(1)
        assert _mbox_count(inbox) == expected
        assert bridge.status().last_error == ""
    finally:
        process.terminate()
        try:
            process.wait(timeout=LIVE_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()

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
