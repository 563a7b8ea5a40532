"""The sandbox operator: command line lifecycle, outputs, runtime revocation."""

from __future__ import annotations

import http.client
import imaplib
import json
import os
import re
import ssl
import subprocess
import sys
import time
from pathlib import Path

import defusedxml.ElementTree as ElementTree
import pytest

from client.profiles.loader import load_profile
from sandbox.card import VirtualCard
from sandbox.identities import APPLICATIVE, COLLEAGUE, DOCTOR, DOMAINS
from sandbox.operator import Sandbox, sandbox_status
from sandbox.pki import Pki
from sandbox.seed import LAB_DOMAIN

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(180)]

ROOT = Path(__file__).resolve().parents[2]
_NS = {"lb": "https://listeblanche.mssante.fr/schema"}


def _run_sandbox(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOFTHSM2_CONF"}
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _group(pgid: int) -> set[int]:
    members = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.add(int(entry.name))
    return members


def test_command_line_start_status_stop_leaves_nothing(tmp_path: Path) -> None:
    directory = tmp_path / "sbx"
    started = _run_sandbox("start", "--dir", str(directory), "--no-reader")
    try:
        assert started.returncode == 0, started.stderr
        state = json.loads((directory / "state.json").read_text())
        pids = {name: info["pid"] for name, info in state["processes"].items()}
        assert set(pids) == {"dovecot", "smtp-sink", "oidc-provider", "psc-gateway",
                             "crl-server"}
        processes = set().union(*(_group(pid) for pid in pids.values()))
        assert len(processes) > 3  # Dovecot's children are in its group
        status = _run_sandbox("status", "--dir", str(directory), "--json")
        assert status.returncode == 0 and json.loads(status.stdout)["running"]

        # The start time is measured and logged (target < 30 s once packages are installed).
        log = (directory / "logs" / "sandbox.log").read_text()
        seconds = float(re.findall(r"sandbox started in ([0-9.]+) s", log)[-1])
        assert 0 < seconds < 30
        assert state["start_seconds"] == pytest.approx(seconds, abs=0.01)

        env = (directory / "sandbox.env").read_text()
        for name in ("SOFTHSM2_CONF", "MSSANTE_COMPANION_HOME", "MSSANTE_COMPANION_PROFILE"):
            assert f"export {name}=" in env
        mail_root = (directory / "mail").resolve()
        assert mail_root.is_dir()
    finally:
        stopped = _run_sandbox("stop", "--dir", str(directory), "--purge")
    assert stopped.returncode == 0, stopped.stderr
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in processes):
        time.sleep(0.1)
    assert [pid for pid in processes if _alive(pid)] == []
    assert not directory.exists() and not mail_root.exists()
    assert _run_sandbox("status", "--dir", str(directory)).returncode == 3


def test_second_start_in_a_running_directory_is_refused(sandbox_operator: Sandbox) -> None:
    again = Sandbox(sandbox_operator.directory, with_reader=False, install_packages=False)
    with pytest.raises(RuntimeError, match="already running"):
        again.start()
    assert sandbox_status(sandbox_operator.directory)["running"]


def test_profiles_follow_the_contract(sandbox_operator: Sandbox) -> None:
    card = load_profile(sandbox_operator.profile)
    assert card.address == DOCTOR.address
    assert card.auth.method == "card-tls"
    assert (card.imap.port, card.imap.security) == (sandbox_operator.ports.imap, "starttls")
    assert (card.smtp.port, card.smtp.security) == (sandbox_operator.ports.submission, "starttls")
    assert card.ca_file is not None and card.ca_file.read_bytes().count(b"BEGIN CERT") == 3
    psc = load_profile(sandbox_operator.profile_psc)
    assert psc.auth.method == "psc"
    assert psc.auth.issuer == sandbox_operator.issuer
    assert psc.auth.client_id == sandbox_operator.client_id
    assert psc.auth.discovery_url == sandbox_operator.wallet_discovery_url
    certificate = load_profile(sandbox_operator.profile_certificate)
    assert certificate.address == APPLICATIVE.address
    assert certificate.auth.method == "certificate"
    assert certificate.auth.certificate_file is not None
    assert certificate.auth.certificate_file.exists()


def test_liste_blanche_and_directory_sample(sandbox_operator: Sandbox) -> None:
    root = ElementTree.parse(sandbox_operator.liste_blanche).getroot()
    names = [n.text for n in root.iterfind("lb:ListeDomaines/lb:Domaine/lb:Nom", _NS)]
    assert set(DOMAINS) <= set(names)
    assert LAB_DOMAIN in names  # a reply to the seeded lab result may be sent
    assert len(names) > 100  # the real liste blanche is kept
    extraction = sandbox_operator.directory_extraction
    assert extraction is not None
    header = extraction.read_text(encoding="utf-8").splitlines()[0]
    assert len(header.split("|")) == 31
    assert DOCTOR.address in extraction.read_text(encoding="utf-8")


def test_seeded_mail_is_realistic(sandbox_operator: Sandbox) -> None:
    # Other tests of the session add mail: pick the seeded messages by subject.
    inbox = sandbox_operator.messages(DOCTOR)
    report = next(m for m in inbox
                  if str(m["Subject"]) == "Accusé de lecture : Demande d'avis – Mme Élodie LEFÈVRE")
    assert report.get_content_type() == "multipart/report"
    assert report.get_param("report-type") == "disposition-notification"
    parts = [p.get_content_type() for p in report.iter_parts()]
    assert parts == ["text/plain", "message/disposition-notification", "text/rfc822-headers"]
    sent = next(m for m in sandbox_operator.messages(DOCTOR, "Sent")
                if str(m["Subject"]) == "Demande d'avis – Mme Élodie LEFÈVRE")
    assert sent["Disposition-Notification-To"] == DOCTOR.address
    # The parser reads a message/disposition-notification body as a block of fields.
    fields = list(report.iter_parts())[1].get_payload()[0]
    assert fields["Original-Message-ID"] == sent["Message-ID"]
    assert str(fields["Disposition"]).endswith("displayed")
    names = [a.get_filename() for m in inbox for a in m.iter_attachments()]
    assert "Résultats_biologie_Élodie_LEFÈVRE.pdf" in names  # RFC 2231 round trip
    assert "IHE_XDM.ZIP" in names
    xdm = next(m for m in inbox if m.get("X-MSS-CODECDA"))
    assert str(xdm["Subject"]).startswith("XDM/1.0/DDM+")
    assert any("é" in str(m["Subject"]) for m in inbox)  # RFC 2047 subjects
    assert sandbox_operator.messages(DOCTOR, "Drafts")
    assert sandbox_operator.messages(COLLEAGUE)


def test_runtime_revocation_reaches_dovecot(
    tmp_path: Path, sandbox_pki: Pki, sandbox_card: VirtualCard
) -> None:
    sandbox = Sandbox(tmp_path / "sbx", with_reader=False, install_packages=False,
                      pki_directory=sandbox_pki.directory, card=sandbox_card)  # fmt: skip
    with sandbox:
        colleague = sandbox.credentials["colleague"]
        context = ssl.create_default_context(cafile=str(sandbox.ca_file))
        context.load_cert_chain(str(colleague.cert_pem), str(colleague.key_pem))
        with imaplib.IMAP4_SSL(sandbox.host, sandbox.ports.imaps, ssl_context=context) as imap:
            assert imap.authenticate("EXTERNAL", lambda _: b"")[0] == "OK"
        sandbox.revoke_certificate("colleague")
        deadline = time.monotonic() + 10
        refused = False
        while not refused and time.monotonic() < deadline:
            with imaplib.IMAP4_SSL(sandbox.host, sandbox.ports.imaps, ssl_context=context,
                                   timeout=30) as imap:  # fmt: skip
                try:
                    imap.authenticate("EXTERNAL", lambda _: b"")
                except imaplib.IMAP4.error:
                    refused = True
            if not refused:
                time.sleep(0.3)
        assert refused, "Dovecot still accepts a certificate revoked at run time"
        # The provider's wallet re-reads the CRL file when it changes.
        wallet = http.client.HTTPSConnection(sandbox.host, sandbox.ports.wallet,
                                             context=context, timeout=30)  # fmt: skip
        try:
            with pytest.raises((ssl.SSLError, ConnectionError)):
                wallet.request("GET", "/auth")
                wallet.getresponse().read()
        finally:
            wallet.close()
        pids = [p.pid for p in sandbox._processes.values()]
    assert [pid for pid in pids if _alive(pid)] == []
    sandbox.stop(purge=True)


def test_watchdog_stops_the_sandbox_of_a_dead_owner(
    tmp_path: Path, sandbox_pki: Pki, sandbox_card: VirtualCard
) -> None:
    owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        sandbox = Sandbox(tmp_path / "sbx", with_reader=False, install_packages=False,
                          pki_directory=sandbox_pki.directory, card=sandbox_card,
                          stop_with_owner=owner.pid)  # fmt: skip
        sandbox.start()
        sandbox.detach()  # as if the owner had started it and gone
        state = json.loads((tmp_path / "sbx" / "state.json").read_text())
        pids = [info["pid"] for info in state["processes"].values()]
        assert "watchdog" in state["processes"]
    finally:
        owner.kill()
        owner.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.2)
    assert [pid for pid in pids if _alive(pid)] == []
    assert not (tmp_path / "sbx").exists()


@pytest.mark.parametrize(("index", "attribute"), [(0, "imap"), (6, "oidc"), (5, "smtp_sink")])
def test_a_port_taken_meanwhile_is_retried(
    tmp_path: Path, sandbox_pki: Pki, sandbox_card: VirtualCard, monkeypatch: pytest.MonkeyPatch,
    index: int, attribute: str,
) -> None:  # fmt: skip
    import socket

    from sandbox import operator

    real = operator.free_ports
    calls: list[list[int]] = []
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()

        def first_one_taken(count: int) -> list[int]:
            ports = real(count)
            if not calls:
                ports[index] = squatter.getsockname()[1]  # one server's port is taken
            calls.append(ports)
            return ports

        monkeypatch.setattr(operator, "free_ports", first_one_taken)
        sandbox = Sandbox(tmp_path / "sbx", with_reader=False, install_packages=False,
                          pki_directory=sandbox_pki.directory, card=sandbox_card)  # fmt: skip
        with sandbox:
            assert len(calls) == 2
            assert getattr(sandbox.ports, attribute) == calls[1][index] != calls[0][index]
            assert sandbox_status(sandbox.directory)["running"]
    sandbox.stop(purge=True)


def test_a_failing_part_is_named_and_nothing_is_left(
    tmp_path: Path, sandbox_pki: Pki, sandbox_card: VirtualCard, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sandbox import operator

    spawned: list[int] = []
    real_spawn = Sandbox._spawn

    def spawn(self: Sandbox, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        if name == "dovecot":
            argv = ["/bin/sh", "-c", "echo 'Fatal: broken configuration' >&2; exit 89"]
        real_spawn(self, name, argv, env)
        spawned.append(self._processes[name].pid)

    monkeypatch.setattr(operator.Sandbox, "_spawn", spawn)
    sandbox = Sandbox(tmp_path / "sbx", with_reader=False, install_packages=False,
                      pki_directory=sandbox_pki.directory, card=sandbox_card)  # fmt: skip
    with pytest.raises(operator.SandboxError, match=r"dovecot exited with status 89") as info:
        sandbox.start()
    assert "broken configuration" in str(info.value)  # the log tail is in the message
    assert len(spawned) == 3
    assert [pid for pid in spawned if _alive(pid)] == []
    assert not (tmp_path / "sbx" / "state.json").exists()
    sandbox.stop(purge=True)
