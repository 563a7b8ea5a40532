"""The spool against the sandbox operator, as an integrator runs it on a server.

The applicative mailbox signs in with its PKCS#12 file; there is no desktop keyring
(keyring's "fail" backend, no D-Bus): the password and the cache key come from files
(mode 400) or from a systemd-like ``$CREDENTIALS_DIRECTORY``. The spool is the real CLI
in a subprocess without a terminal.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from client.auth import build_authenticator
from client.auth.certificate import PasswordAnswer
from client.mail.reading import parse_message
from client.mail.receipts import build_mdn
from client.profiles.loader import load_profile
from sandbox.operator import Sandbox
from sandbox.xdm_sample import build_sample_xdm_zip
from tests.helpers.spool_env import SpoolHome, make_spool_home
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(20 * LIVE_TIMEOUT)]


@pytest.fixture
def spool_home(sandbox_operator: Sandbox, tmp_path: Path) -> SpoolHome:
    """A keyring-less installation of the applicative mailbox, secrets in files."""
    return make_spool_home(sandbox_operator, tmp_path / "server")


def _ids(sandbox: Sandbox, identity: Any) -> collections.Counter[str]:
    return collections.Counter(str(m.get("Message-ID", "")).strip()
                               for m in sandbox.messages(identity))


@pytest.fixture
def colleague(sandbox_operator: Sandbox) -> Iterator[Any]:
    """Claire Dubois, signed in with her own PKCS#12 file."""
    profile = load_profile(sandbox_operator.profile_certificate)
    credential = sandbox_operator.credentials["colleague"]
    profile = dataclasses.replace(
        profile, address=sandbox_operator.colleague.address,
        auth=dataclasses.replace(profile.auth, certificate_file=credential.pkcs12))
    auth = build_authenticator(profile,
                               password_prompt=lambda _p, _r: PasswordAnswer(credential.password))
    try:
        yield auth
    finally:
        auth.close()


def test_sends_json_and_eml_once_and_files_refusals_with_their_reason(
    sandbox_operator: Sandbox, spool_home: SpoolHome
) -> None:
    outgoing = spool_home.spool / "outgoing"
    (outgoing / "cr-1").mkdir(parents=True)
    (outgoing / "cr-1" / "IHE_XDM.ZIP").write_bytes(build_sample_xdm_zip())
    doctor = sandbox_operator.doctor.address
    spool_home.drop_json("cr-1.json", {
        "to": [doctor], "subject": "CR de biologie spool-1", "body": "Bonjour,\nci-joint.",
        "xdm": "cr-1/IHE_XDM.ZIP", "receipt": True})
    (outgoing / "note.eml").write_text(
        f"From: {spool_home.address}\nTo: {doctor}\nSubject: Note spool-2\n\nTexte.\n",
        encoding="utf-8")
    (outgoing / "forged.eml").write_text(
        f"From: {doctor}\nTo: {doctor}\nSubject: forged\n\nx\n", encoding="utf-8")
    spool_home.drop_json("outside.json", {"to": ["someone@gmail.com"], "subject": "s",
                                          "body": "b"})
    spool_home.drop_json("typo.json", {"recipients": [doctor], "subject": "s", "body": "b"})

    result = spool_home.run("spool", "--dir", str(spool_home.spool), "--once", "--no-receive")
    assert result.returncode == 0, result.stdout + result.stderr
    # Logs: ids and counts only, never a subject, an address or a body.
    for secret in ("spool-1", "Bonjour", doctor, "gmail", "sandbox-p12"):
        assert secret not in result.stdout + result.stderr

    reports = {r["file"]: r for r in spool_home.reports()}
    assert set(reports) == {"cr-1.json", "note.eml"}
    assert all(r["confirmed"] and r["recipients"] == [doctor] for r in reports.values())
    sent = spool_home.spool / "sent"
    built = (sent / "cr-1.eml").read_bytes()
    assert b"X-MSS-CODECDA" in built and b"IHE_XDM.ZIP" in built
    failed = {p.name: json.loads(p.read_text()) for p in
              (spool_home.spool / "failed").glob("*.reason.json")}
    assert failed["forged.eml.reason.json"]["code"] == "invalid"
    assert "From must be the mailbox" in failed["forged.eml.reason.json"]["reason"]
    assert failed["outside.json.reason.json"]["code"] == "policy"
    assert "outside the MSSanté trust space" in failed["outside.json.reason.json"]["reason"]
    assert "unknown keys recipients" in failed["typo.json.reason.json"]["reason"]

    # Each send is in the security log, sealed with the profile's key (no keyring).
    shown = spool_home.run("audit", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    events = json.loads(shown.stdout)["events"]
    sends = {e["fields"]["message_id"]: e for e in events if e["event"] == "send"}
    assert set(sends) == {r["message_id"] for r in reports.values()}
    assert all(e["fields"]["recipients"] == [doctor] for e in sends.values())
    verified = spool_home.run("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr

    for report in reports.values():
        sandbox_operator.wait_for_message(
            sandbox_operator.doctor, "spool-1" if report["file"] == "cr-1.json" else "spool-2")
    ids = _ids(sandbox_operator, sandbox_operator.doctor)
    assert all(ids[r["message_id"]] == 1 for r in reports.values())

    # The same .eml dropped again (an integration retrying) is not sent twice.
    (outgoing / "again.eml").write_bytes(sent.joinpath("note.eml").read_bytes())
    again = spool_home.run("spool", "--dir", str(spool_home.spool), "--once", "--no-receive")
    assert again.returncode == 0
    duplicate = json.loads((spool_home.spool / "failed" / "again.eml.reason.json").read_text())
    assert duplicate["code"] == "duplicate"
    time.sleep(1)
    assert all(_ids(sandbox_operator, sandbox_operator.doctor)[r["message_id"]] == 1
               for r in reports.values())


def test_receives_with_xdm_unpacked_and_links_the_read_receipt(
    sandbox_operator: Sandbox, spool_home: SpoolHome, colleague: Any
) -> None:
    claire = sandbox_operator.colleague
    spool_home.drop_json("ask.json", {"to": [claire.address], "subject": "Avis spool-3",
                                      "body": "Merci.", "receipt": True})
    first = spool_home.run("spool", "--dir", str(spool_home.spool), "--once", "--no-receive")
    assert first.returncode == 0, first.stdout + first.stderr
    (report,) = spool_home.reports()
    # Claire reads it and sends the read receipt; she also sends a lab report in XDM.
    original = sandbox_operator.wait_for_message(claire, "Avis spool-3")
    mdn = build_mdn(parse_message(original.as_bytes()), claire.address)
    assert parse_message(original.as_bytes()).disposition_notification_to == spool_home.address
    smtp = colleague.open_smtp()
    try:
        smtp.send_message(mdn)
        from email.message import EmailMessage

        message = EmailMessage()
        message["From"], message["To"] = claire.address, spool_home.address
        message["Subject"] = "Résultats spool-4"
        message.set_content("Résultats ci-joints.")
        message.add_attachment(build_sample_xdm_zip(), maintype="application",
                               subtype="zip", filename="IHE_XDM.ZIP")
        smtp.send_message(message)
    finally:
        smtp.quit()

    deadline = time.monotonic() + 60
    summaries: dict[str, dict[str, Any]] = {}
    while time.monotonic() < deadline and not (
            {"Résultats spool-4"} <= set(summaries) and any("report" in s for s in
                                                            summaries.values())):
        result = spool_home.run("spool", "--dir", str(spool_home.spool), "--once",
                                "--no-send", "--json")
        assert result.returncode == 0, result.stdout + result.stderr
        for folder in (spool_home.spool / "incoming").iterdir():
            if not folder.name.startswith("."):
                summary = json.loads((folder / "summary.json").read_text())
                summaries[summary["subject"]] = {**summary, "folder": folder}
        time.sleep(0.5)

    lab_summary = summaries["Résultats spool-4"]
    folder = lab_summary["folder"]
    stored = parse_message((folder / "message.eml").read_bytes())
    assert stored.message_id == lab_summary["message_id"] and stored.subject == "Résultats spool-4"
    assert (folder / "attachments" / "IHE_XDM.ZIP").is_file()
    (document,) = lab_summary["structured_documents"]
    assert document["patient"]["ins"] == "279035121518989"
    metadata = json.loads((folder / document["folder"] / "metadata.json").read_text())
    assert metadata["documents"] and (folder / document["folder"] / "IHE_XDM").is_dir()

    receipt = next(s for s in summaries.values() if "report" in s)
    assert receipt["report"]["original_message_id"] == report["message_id"]
    assert receipt["report"]["sent_report"] == f"sent/{report['file']}.report.json"
    updated = json.loads((spool_home.spool / "sent" / f"{report['file']}.report.json")
                         .read_text())
    assert updated["receipts"][0]["read"] is True
    assert updated["receipts"][0]["incoming"] == f"incoming/{receipt['folder'].name}"
    # Marked seen on the server only once written: nothing unseen is left behind.
    auth = build_authenticator(load_profile(spool_home.profile))
    imap = auth.open_imap()
    try:
        imap.select_folder("INBOX", readonly=True)
        assert imap.search(["UNSEEN"]) == []
    finally:
        imap.logout()
        auth.close()


def test_two_spools_on_one_directory_never_send_twice_and_stop_on_sigterm(
    sandbox_operator: Sandbox, spool_home: SpoolHome
) -> None:
    doctor = sandbox_operator.doctor.address
    processes = [spool_home.start("spool", "--dir", str(spool_home.spool), "--interval",
                                  "0.2", "--no-receive", log=spool_home.root / f"spool{n}.log")
                 for n in (1, 2)]
    try:
        for n in range(20):
            spool_home.drop_json(f"m{n:02d}.json", {"to": [doctor],
                                                    "subject": f"Double spool-5 {n}",
                                                    "body": "x"})
        reports = spool_home.wait_sent(20)
        assert len(reports) == 20
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        codes = [process.wait(timeout=2 * LIVE_TIMEOUT) for process in processes]
    assert codes == [0, 0]
    logs = "".join((spool_home.root / f"spool{n}.log").read_text() for n in (1, 2))
    assert "waiting" in logs and logs.count("spool stopped") == 2
    sandbox_operator.wait_for_message(sandbox_operator.doctor, "Double spool-5 19")
    ids = _ids(sandbox_operator, sandbox_operator.doctor)
    assert [ids[r["message_id"]] for r in reports] == [1] * 20


def test_secrets_from_a_systemd_credentials_directory(
    sandbox_operator: Sandbox, tmp_path: Path
) -> None:
    home = make_spool_home(sandbox_operator, tmp_path / "unit", source="systemd-credential")
    home.drop_json("c.json", {"to": [sandbox_operator.doctor.address],
                              "subject": "Credential spool-6", "body": "x"})
    result = home.run("spool", "--dir", str(home.spool), "--once", "--no-receive", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["sent"] == 1


def test_mail_commands_work_without_a_desktop_keyring(
    sandbox_operator: Sandbox, spool_home: SpoolHome
) -> None:
    doctor = sandbox_operator.doctor.address
    sent = spool_home.run("mail", "send", "--to", doctor, "--subject", "Sans trousseau spool-9",
                          "--body", "Bonjour.", "--json")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    message_id = json.loads(sent.stdout)["message_id"]
    assert json.loads(spool_home.run("mail", "outbox", "--json").stdout) == []
    message = sandbox_operator.wait_for_message(sandbox_operator.doctor, "Sans trousseau spool-9")
    assert str(message["Message-ID"]).strip() == message_id

    outside = spool_home.run("mail", "send", "--to", "someone@gmail.com", "--subject", "s",
                             "--body", "b", "--json")
    assert outside.returncode == 4  # refused by policy, nothing sent
    error = json.loads(outside.stdout)["error"]
    assert (error["code"], error["kind"], error["retry"]) == ("recipient-refused", "policy",
                                                              False)

    (spool_home.root / "secrets" / "p12-password").chmod(0o600)
    (spool_home.root / "secrets" / "p12-password").write_text("wrong\n", encoding="utf-8")
    refused = spool_home.run("mail", "folders", "--json")
    assert refused.returncode == 6  # authentication
    assert "does not open it" in json.loads(refused.stdout)["error"]["message"]

    _audit_is_sealed_with_the_profile_key(spool_home, doctor)


def _audit_is_sealed_with_the_profile_key(spool_home: SpoolHome, doctor: str) -> None:
    """No keyring: the sends above were sealed with the key derived from the profile's cache
    key, ``audit verify --profile`` proves them, and a rewritten entry then fails."""
    verified = spool_home.run("audit", "verify", "--json")
    assert verified.returncode == 0, verified.stderr
    report = json.loads(verified.stdout)
    assert report["key_origin"] == "file" and report["unsealed"] == []
    assert report["unchecked"] == [] and report["end_checked"] is True
    assert [r["kind"] for r in report["runs"]] == ["sealed"]
    trail = Path(report["path"])
    lines = [json.loads(line) for line in trail.read_text(encoding="utf-8").splitlines()]
    assert all(e["alg"] == "hmac-sha256" and e["key_id"] == report["key_id"] for e in lines)
    sends = [e for e in lines if e["event"] == "send"]
    assert sends and sends[0]["fields"]["recipients"] == [doctor]
    # The cache key is not written beside the log (and the audit key never is).
    cache_key = (spool_home.root / "secrets" / "cache-key").read_text(encoding="ascii").strip()
    for path in trail.parent.iterdir():
        assert cache_key not in path.read_text(encoding="utf-8", errors="replace")

    # Without the profile this server has no key: not "intact", the trail is not checked.
    bare = [part for part in spool_home.command("audit", "verify")
            if part not in ("--profile", str(spool_home.profile))]
    unchecked = subprocess.run(bare, env=spool_home.env, capture_output=True, text=True,
                               timeout=300, check=False, start_new_session=True)
    assert unchecked.returncode != 0 and "intact" not in unchecked.stdout
    assert "cannot be checked" in unchecked.stderr

    # Someone with write access to the log changes who the message went to.
    sends[0]["fields"]["recipients"] = ["someone@else.mssante.fr"]
    trail.write_text("".join(json.dumps(e) + "\n" for e in lines), encoding="utf-8")
    tampered = spool_home.run("audit", "verify")
    assert tampered.returncode == 3, tampered.stdout + tampered.stderr
    assert "does not match its seal" in tampered.stderr
    assert f"event #{sends[0]['seq']}" in tampered.stderr


def test_doctor_of_a_certificate_profile_skips_the_card_and_signs_in(
    spool_home: SpoolHome
) -> None:
    # A server has no card library and no reader: neither is a problem for this profile.
    result = spool_home.run("doctor", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert {checks[n]["status"] for n in ("middleware", "readers", "card")} == {"skipped"}
    assert "certificate file" in checks["middleware"]["summary"]
    assert checks["sign-in"]["status"] == "ok"
    assert checks["sign-in"]["details"]["method"] == "certificate"
