"""The real headless Thunderbird in direct mode: its own smartcard support (the SoftHSM2
virtual CPS registered as a security device), TLS client authentication with the card and
SASL EXTERNAL under the certificate's CN, downloads the doctor's whole INBOX.

Thunderbird asks a token's PIN in a dialog (no preference supplies it); the test answers
it as a user would, by logging the token in through Thunderbird's own PKCS#11 service
over Marionette, then asks for the INBOX. The count of ``^From `` lines in
``ImapMail/127.0.0.1/INBOX`` must equal the INBOX's EXISTS seen by a direct session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from client.auth import build_authenticator
from client.cli import main
from client.profiles import load_profile
from client.thunderbird.prefs import read_prefs
from sandbox.operator import Sandbox
from sandbox.processes import free_ports
from tests.helpers.fake_token import FakePinPrompt
from tests.helpers.marionette import Marionette
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.slow, pytest.mark.timeout(10 * LIVE_TIMEOUT)]

# The PIN dialog, answered as a user would: a prompter registered in place of
# Thunderbird's (the usual test technique, as MockRegistrar does), then a token login.
_ANSWER_PIN = """
const [pin] = arguments;
const answer = (password) => { password.value = pin; return true; };
const prompt = {
  QueryInterface: ChromeUtils.generateQI(["nsIPrompt"]),
  promptPassword: (title, text, password) => answer(password),
  alert() {}, confirm: () => true,
};
const service = {
  QueryInterface: ChromeUtils.generateQI(["nsIFactory", "nsIPromptFactory",
                                          "nsIPromptService"]),
  createInstance(iid) { return this.QueryInterface(iid); },
  getPrompt(win, iid) { return prompt.QueryInterface(iid); },
  promptPassword: (parent, title, text, password) => answer(password),
  promptPasswordBC: (context, type, title, text, password) => answer(password),
  alert() {}, alertBC() {}, confirm: () => true, confirmBC: () => true,
};
Components.manager.QueryInterface(Ci.nsIComponentRegistrar).registerFactory(
  Components.ID("{6f1f0d6e-3c1b-4d5a-9b0e-2d7c8f3a5e11}"), "test prompter",
  "@mozilla.org/prompter;1", service);
return (async () => {
  const moduleDB = Cc["@mozilla.org/security/pkcs11moduledb;1"]
    .getService(Ci.nsIPKCS11ModuleDB);
  const tokens = [];
  for (const module of await moduleDB.listModules()) {
    for (const slot of await module.slots) {
      let token;
      try { token = await slot.getToken(); } catch (e) { continue; }
      if (String(token.tokenName).startsWith("CPS")) {
        if (!token.isLoggedIn) { await token.login(false); }
        tokens.push([String(token.tokenName), Boolean(token.isLoggedIn)]);
      }
    }
  }
  return tokens;
})();
"""

_FETCH = """
const { MailServices } = ChromeUtils.importESModule(
  "resource:///modules/MailServices.sys.mjs");
const server = MailServices.accounts.getIncomingServer("server_mssante");
const inbox = server.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
if (inbox) {
  inbox.updateFolder(null);
} else {
  server.performExpand(null);
}
return Boolean(inbox);
"""


def _inbox_exists(sandbox: Sandbox) -> int:
    auth = build_authenticator(load_profile(sandbox.profile),
                               pin_prompt=FakePinPrompt(sandbox.card.pin))
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


def test_headless_thunderbird_reads_the_inbox_with_the_card(
    sandbox_operator: Sandbox, tmp_path: Path
) -> None:
    program = shutil.which("thunderbird")
    assert program, "Debian's thunderbird is needed (sandbox/install-system-packages.sh)"
    expected = _inbox_exists(sandbox_operator)
    assert expected > 0
    profile_dir = tmp_path / "tb-profile"
    profile_dir.mkdir()
    assert main(["thunderbird", "setup", "--mode", "direct", "--profile-dir",
                 str(profile_dir), "--profile", str(sandbox_operator.profile)]) == 0
    prefs = read_prefs(profile_dir / "user.js")
    assert prefs["mail.server.server_mssante.userName"] == sandbox_operator.doctor.login
    marionette_port = free_ports(1)[0]
    with (profile_dir / "user.js").open("a") as handle:
        handle.write(
            'user_pref("offline.autoDetect", false);\n'
            'user_pref("offline.startup_state", 2);\n'
            'user_pref("mail.shell.checkDefaultClient", false);\n'
            'user_pref("mailnews.start_page.enabled", false);\n'
            # The PIN is typed (through Marionette) before the first connection.
            'user_pref("mail.server.server_mssante.login_at_startup", false);\n'
            f'user_pref("marionette.port", {marionette_port});\n')

    home = tmp_path / "tb-home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), MOZ_HEADLESS="1",
               **sandbox_operator.card.environment())
    log = (tmp_path / "thunderbird.log").open("wb")
    process = subprocess.Popen(  # a fixed program and arguments
        [program, "--headless", "--marionette", "-remote-allow-system-access", "-no-remote",
         "-profile", str(profile_dir)],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    inbox = profile_dir / "ImapMail" / "127.0.0.1" / "INBOX"
    client: Marionette | None = None
    try:
        client = Marionette(marionette_port)
        client.start_chrome_session()
        tokens = client.execute(_ANSWER_PIN, sandbox_operator.card.pin)
        assert tokens and all(logged_in for _name, logged_in in tokens), tokens
        client.execute(_FETCH)
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and _mbox_count(inbox) < expected:
            assert process.poll() is None, "Thunderbird exited early (see thunderbird.log)"
            time.sleep(3)
            client.execute(_FETCH)
        assert _mbox_count(inbox) == expected
    finally:
        if client is not None:
            client.quit()
        try:
            process.wait(timeout=LIVE_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=LIVE_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
