"""The real headless Thunderbird for the integration tests, and the companion's bridge
next to it.

- :func:`running_bridge`: the companion's bridge on free loopback ports against the
  sandbox operator, signing in with the virtual card (its password in a FAKE keyring);
- :func:`headless_thunderbird`: Debian's ``thunderbird --headless`` on a profile folder,
  with the preferences an unattended run needs and, on request, Marionette;
- :data:`ANSWER_PIN`: the card PIN dialog answered as a user would (a Marionette script);
- :func:`inbox_exists`, :func:`mbox_count`: what the INBOX holds on the server and in the
  profile's store.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from client.auth import build_authenticator
from client.bridge import (
    Bridge,
    BridgeConfig,
    CardGate,
    load_or_create_certificate,
    load_or_create_password,
)
from client.mail.cache import MailCache
from client.mail.keystore import MemoryKeyStore
from client.mail.policy import DomainList, RecipientPolicy
from client.profiles import load_profile
from cps.service import CardService
from sandbox.identities import DOMAINS
from sandbox.operator import Sandbox
from sandbox.processes import free_ports
from tests.helpers.fake_keyring import fake_keyring
from tests.helpers.fake_token import FakePinPrompt
from tests.helpers.marionette import Marionette

__all__ = ["ANSWER_PIN", "RunningThunderbird", "headless_thunderbird", "inbox_exists",
           "mbox_count", "running_bridge"]

#: Offline detection off, always online, no default-client check, no start page.
UNATTENDED = (
    'user_pref("offline.autoDetect", false);\n'
    'user_pref("offline.startup_state", 2);\n'
    'user_pref("mail.shell.checkDefaultClient", false);\n'
    'user_pref("mailnews.start_page.enabled", false);\n'
)

# The PIN dialog, answered as a user would: a prompter registered in place of
# Thunderbird's (the usual test technique, as MockRegistrar does), then a token login.
ANSWER_PIN = """
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


@contextmanager
def running_bridge(sandbox: Sandbox, folder: Path) -> Iterator[Bridge]:
    """The bridge on free ports, signing in to ``sandbox`` with its card; its cache in
    ``folder``. The FAKE keyring holding its password is installed only while it starts."""
    profile = load_profile(sandbox.profile)
    service = CardService.for_module(Path(sandbox.card.module))
    gate = CardGate(lambda: build_authenticator(
        profile, pin_prompt=FakePinPrompt(sandbox.card.pin), card_service=service),
        profile.address)
    keystore = MemoryKeyStore()
    with fake_keyring():
        running = Bridge(
            gate, load_or_create_password(), load_or_create_certificate(),
            policy=RecipientPolicy(DomainList.of(DOMAINS)),
            config=BridgeConfig(imap_port=0, smtp_port=0),
            open_cache=lambda address: MailCache.open(address, keystore=keystore,
                                                      path=folder / "cache.db"),
        ).start()
        try:
            yield running
        finally:
            running.stop()
            service.close()


def inbox_exists(sandbox: Sandbox) -> int:
    """The INBOX's EXISTS as a direct session with the card sees it."""
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


def mbox_count(path: Path) -> int:
    """Messages in a Thunderbird mbox file (its ``From `` separator lines)."""
    if not path.exists():
        return 0
    return sum(1 for line in path.read_bytes().split(b"\n") if line.startswith(b"From "))


@dataclass
class RunningThunderbird:
    """A started Thunderbird; ``client`` is its Marionette session when asked for."""

    process: subprocess.Popen[bytes]
    client: Marionette | None

    def check_alive(self) -> None:
        """Fail the test at once when Thunderbird has exited."""
        assert self.process.poll() is None, "Thunderbird exited early (see thunderbird.log)"


@contextmanager
def headless_thunderbird(profile_dir: Path, tmp_path: Path, *, extra_prefs: str = "",
                         env: dict[str, str] | None = None,
                         marionette: bool = False) -> Iterator[RunningThunderbird]:
    """Run Thunderbird headless on ``profile_dir`` (its log in ``tmp_path``); on exit it
    quits through Marionette (writing prefs.js) or is terminated."""
    program = shutil.which("thunderbird")
    assert program, "Debian's thunderbird is needed (sandbox/install-system-packages.sh)"
    prefs = UNATTENDED + extra_prefs
    argv = [program, "--headless", "-no-remote", "-profile", str(profile_dir)]
    port = 0
    if marionette:
        port = free_ports(1)[0]
        prefs += f'user_pref("marionette.port", {port});\n'
        argv[2:2] = ["--marionette", "-remote-allow-system-access"]
    with (profile_dir / "user.js").open("a") as handle:
        handle.write(prefs)
    home = tmp_path / "tb-home"
    home.mkdir(exist_ok=True)
    log = (tmp_path / "thunderbird.log").open("wb")
    process = subprocess.Popen(  # a fixed program and arguments
        argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env=dict(os.environ, HOME=str(home), MOZ_HEADLESS="1", **(env or {})))
    running = RunningThunderbird(process, None)
    try:
        if marionette:
            running.client = Marionette(port)
            running.client.start_chrome_session()
        yield running
    finally:
        if running.client is not None:
            running.client.quit()
        else:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()

