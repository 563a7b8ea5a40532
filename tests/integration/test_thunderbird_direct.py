"""The real headless Thunderbird in direct mode: its own smartcard support (the SoftHSM2
virtual CPS registered as a security device), TLS client authentication with the card and
SASL EXTERNAL under the certificate's CN, downloads the doctor's whole INBOX, then sends a
message through the companion's bridge, which signs in to the operator with the card.

Thunderbird asks a token's PIN in a dialog (no preference supplies it); the test answers
it as a user would, by logging the token in through Thunderbird's own PKCS#11 service
over Marionette, then asks for the INBOX. The count of ``^From `` lines in
``ImapMail/127.0.0.1/INBOX`` must equal the INBOX's EXISTS seen by a direct session.
Sending goes through Thunderbird's compose service (``nsIMsgSend``, as the compose
window does) to the bridge's SMTP with the local password ``thunderbird setup`` saved in
the profile; the message must land in the colleague's mailbox on the sandbox Dovecot,
from the card holder.
"""

from __future__ import annotations

import time
import uuid
from email.utils import parseaddr
from pathlib import Path

import pytest

from client.bridge import Bridge
from client.cli import main
from client.thunderbird.prefs import read_prefs
from sandbox.identities import COLLEAGUE, DOCTOR
from sandbox.operator import Sandbox
from tests.helpers.fake_keyring import fake_keyring
from tests.helpers.thunderbird import (
    ANSWER_PIN,
    headless_thunderbird,
    inbox_exists,
    mbox_count,
)
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.slow, pytest.mark.timeout(14 * LIVE_TIMEOUT)]

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

# A new message from the account's identity, sent now, as the compose window sends it;
# the answer is the send listener's final status (0: sent).
_SEND = """
const [to, subject, body] = arguments;
const { MailServices } = ChromeUtils.importESModule(
  "resource:///modules/MailServices.sys.mjs");
const identity = MailServices.accounts.getIdentity("id_mssante");
const fields = Cc["@mozilla.org/messengercompose/composefields;1"]
  .createInstance(Ci.nsIMsgCompFields);
fields.from = `${identity.fullName} <${identity.email}>`;
fields.to = to;
fields.subject = subject;
return new Promise(resolve => {
  const listener = {
    QueryInterface: ChromeUtils.generateQI(["nsIMsgSendListener"]),
    onStartSending() {}, onProgress() {}, onStatus() {}, onGetDraftFolderURI() {},
    onStopSending(id, status, message) {
      resolve({status, message: String(message || "")});
    },
    onSendNotPerformed(id, status) { resolve({status, message: "not performed"}); },
    onTransportSecurityError(id, status, info, location) {
      resolve({status, message: `TLS refused by ${location}`});
    },
  };
  const send = Cc["@mozilla.org/messengercompose/send;1"].createInstance(Ci.nsIMsgSend);
  send.createAndSendMessage(
    null, identity, "account_mssante", fields, false, false, Ci.nsIMsgSend.nsMsgDeliverNow,
    null, "text/plain", body, null, null, listener, null, "", Ci.nsIMsgCompType.New,
  ).catch(error => resolve({status: -1, message: String(error)}));
});
"""


def test_headless_thunderbird_reads_with_the_card_and_sends_through_the_bridge(
    sandbox_operator: Sandbox, sandbox_bridge: Bridge, tmp_path: Path
) -> None:
    expected = inbox_exists(sandbox_operator)
    assert expected > 0
    profile_dir = tmp_path / "tb-profile"
    profile_dir.mkdir()
    with fake_keyring() as keyring:
        keyring.secrets[("mssante-companion", "bridge-password")] = (
            sandbox_bridge.settings(show_password=True)["password"])
        assert main(["thunderbird", "setup", "--mode", "direct", "--profile-dir",
                     str(profile_dir), "--profile", str(sandbox_operator.profile),
                     "--smtp-port", str(sandbox_bridge.port("smtp"))]) == 0
    prefs = read_prefs(profile_dir / "user.js")
    assert prefs["mail.server.server_mssante.userName"] == sandbox_operator.doctor.login
    assert prefs["mail.smtpserver.smtp_mssante.port"] == sandbox_bridge.port("smtp")

    inbox = profile_dir / "ImapMail" / "127.0.0.1" / "INBOX"
    with headless_thunderbird(
        profile_dir, tmp_path, marionette=True, env=sandbox_operator.card.environment(),
        # The PIN is typed (through Marionette) before the first connection.
        extra_prefs='user_pref("mail.server.server_mssante.login_at_startup", false);\n',
    ) as thunderbird:
        client = thunderbird.client
        assert client is not None
        # Sending waits on the bridge's sign-in with the card: more than the default 30 s.
        client.command("WebDriver:SetTimeouts", {"script": 240_000})
        tokens = client.execute(ANSWER_PIN, sandbox_operator.card.pin)
        assert tokens and all(logged_in for _name, logged_in in tokens), tokens
        client.execute(_FETCH)
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and mbox_count(inbox) < expected:
            thunderbird.check_alive()
            time.sleep(3)
            client.execute(_FETCH)
        assert mbox_count(inbox) == expected

        subject = f"Thunderbird direct {uuid.uuid4()}"
        sent = client.execute(_SEND, COLLEAGUE.address, subject, "Bonjour, voici le compte "
                              "rendu.\r\n")
        assert sent == {"status": 0, "message": ""}, sent
    arrived = sandbox_operator.wait_for_message(COLLEAGUE, subject, timeout=120)
    assert parseaddr(str(arrived["From"]))[1] == DOCTOR.address
    assert "compte rendu" in arrived.get_content()
    assert sandbox_bridge.status().last_error == ""
