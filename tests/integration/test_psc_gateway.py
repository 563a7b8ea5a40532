"""Pro Santé Connect as production runs it, against the sandbox: confidential client only,
the app through the gateway (card and e-CPS), two gateway instances sharing nothing, and
the command line (`login --ecps`, the sandbox's e-CPS phone).
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from client.auth import PscAuthenticator, UnknownClient, trust_for_profile
from client.auth.ciba import (
    EcpsCancelled,
    EcpsDenied,
    EcpsExpired,
    EcpsUnknownUser,
    GatewayUnreachable,
    build_ecps_authenticator,
)
from client.cli._common import EXIT_AUTH, EXIT_TEMPORARY
from client.profiles import load_profile
from client.profiles.model import Profile
from cps.service import CardService
from sandbox import ecps
from sandbox.identities import DOCTOR
from sandbox.operator import CLIENT_ID, Sandbox
from tests.helpers.fake_token import FakePinPrompt
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(8 * LIVE_TIMEOUT)]

CIBA = "urn:openid:params:grant-type:ciba"


@pytest.fixture()
def production(sandbox_operator: Sandbox) -> Iterator[Sandbox]:
    """The provider refuses public clients for this test (restored after)."""
    sandbox_operator.set_production_psc(True)
    try:
        yield sandbox_operator
    finally:
        sandbox_operator.set_production_psc(False)
        ecps.set_auto(sandbox_operator.directory, "off")
        ecps.slow_down(sandbox_operator.directory, 0)
        sandbox_operator.set_ciba_expiry(120)


def _tls(sandbox: Sandbox) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(sandbox.pki.chain_pem))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _gateway_process(sandbox: Sandbox) -> Iterator[str]:
    """One more ``python -m gateway`` instance, as a second pod would run it."""
    port = _free_port()
    env = {**os.environ, "PSC_GATEWAY_ISSUER": sandbox.issuer,
           "PSC_GATEWAY_CLIENT_ID": CLIENT_ID,
           "PSC_GATEWAY_DISCOVERY_URL": sandbox.wallet_discovery_url,
           "PSC_GATEWAY_CLIENT_SECRET_FILE": str(sandbox.gateway_secret_file),
           "PSC_GATEWAY_CA_FILE": str(sandbox.pki.chain_pem)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway", "--host", "127.0.0.1", "--port", str(port),
         "--certfile", str(sandbox.server_cert_pem), "--keyfile", str(sandbox.server_key_pem)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(url + "/healthz", verify=_tls(sandbox)).is_success:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the gateway did not start"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)
        if process.stderr is not None:
            process.stderr.close()


def test_production_psc_refuses_public_clients(production: Sandbox) -> None:
    answer = httpx.post(production.token_url, data={
        "grant_type": "refresh_token", "refresh_token": "x", "client_id": CLIENT_ID},
        verify=_tls(production))
    assert answer.status_code == 401
    assert answer.json() == {"error": "unauthorized_client",
                             "error_description": "Client secret not provided in request"}


def test_card_sign_in_through_the_gateway_and_refresh(production: Sandbox) -> None:
    profile = load_profile(production.profile_gateway)
    assert profile.auth.gateway == production.gateway_url
    service = CardService.for_module(Path(production.card.module))
    auth = PscAuthenticator(profile, trust_for_profile(profile),
                            lambda: service.signer(FakePinPrompt(production.card.pin)))
    try:
        imap = auth.open_imap()
        imap.logout()
        auth.refresh()
        auth.open_smtp().quit()
        assert auth.refresh_count == 1
        assert auth.describe()["gateway"] == production.gateway_url
    finally:
        auth.close()
        service.close()
    # The same app without its gateway is a public client: production PSC says no.
    direct = load_profile(production.profile_psc)
    assert not direct.auth.gateway
    service = CardService.for_module(Path(production.card.module))
    auth = PscAuthenticator(direct, trust_for_profile(direct),
                            lambda: service.signer(FakePinPrompt(production.card.pin)))
    try:
        with pytest.raises(UnknownClient):
            auth.sign_in()
    finally:
        auth.close()
        service.close()


def test_ecps_sign_in_reads_and_sends_mail(production: Sandbox) -> None:
    ecps.set_auto(production.directory, "approve", 0.3)
    profile = load_profile(production.profile_gateway)
    shown: list[str] = []
    auth = build_ecps_authenticator(profile, DOCTOR.login,
                                    on_pending=lambda p: shown.append(p.binding_message))
    try:
        imap = auth.open_imap()
        imap.logout()
        auth.open_smtp().quit()
        assert len(shown) == 1 and len(shown[0]) == 4
        assert auth.describe()["proof"] == "ecps"
        assert auth.describe()["national_id"] == DOCTOR.login
    finally:
        auth.close()


def _ecps_sign_in(profile: Profile, national_id: str, **options: Any) -> None:
    auth = build_ecps_authenticator(profile, national_id, **options)
    try:
        auth.sign_in()
    finally:
        auth.close()


def test_ecps_refused_expired_unknown_cancelled(production: Sandbox) -> None:
    profile = load_profile(production.profile_gateway)
    ecps.set_auto(production.directory, "deny")
    with pytest.raises(EcpsDenied):
        _ecps_sign_in(profile, DOCTOR.login)
    ecps.set_auto(production.directory, "off")
    production.set_ciba_expiry(2)
    with pytest.raises(EcpsExpired):
        _ecps_sign_in(profile, DOCTOR.login)
    with pytest.raises(EcpsUnknownUser):
        _ecps_sign_in(profile, "899999999999")
    production.set_ciba_expiry(120)
    cancel = threading.Event()
    with pytest.raises(EcpsCancelled):
        _ecps_sign_in(profile, DOCTOR.login, cancel=cancel,
                      on_pending=lambda _p: cancel.set())


def test_slow_down_adds_five_seconds_to_the_interval(production: Sandbox) -> None:
    """PSC under load answers slow_down: the app polls 5 s later from then on (CIBA Core 1.0
    section 11) and signs in; polling sooner would have been answered slow_down again."""
    profile = load_profile(production.profile_gateway)
    ecps.set_auto(production.directory, "approve")
    before = ecps.slow_down(production.directory, 1)
    intervals: list[float] = []
    began = time.monotonic()
    _ecps_sign_in(profile, DOCTOR.login, on_pending=lambda p: intervals.append(p.interval))
    elapsed = time.monotonic() - began
    assert ecps.slow_down(production.directory, 0) == before + 1  # the forced one only
    assert elapsed >= 2 * intervals[0] + 5


def test_an_unreachable_gateway_is_named(production: Sandbox, tmp_path: Path) -> None:
    text = production.profile_gateway.read_text().replace(
        production.gateway_url, f"https://127.0.0.1:{_free_port()}")
    (tmp_path / "p.toml").write_text(text)
    profile = load_profile(tmp_path / "p.toml")
    with pytest.raises(GatewayUnreachable) as info:
        _ecps_sign_in(profile, DOCTOR.login)
    assert info.value.gateway.startswith("https://127.0.0.1:")


def test_two_gateway_instances_share_no_state(production: Sandbox) -> None:
    """CIBA started on one instance is polled on another; tokens refresh on either."""
    verify = _tls(production)
    with _gateway_process(production) as other:
        first = httpx.Client(base_url=production.gateway_url, verify=verify)
        second = httpx.Client(base_url=other, verify=verify)
        with first, second:
            started = first.post("/v1/ciba", data={"login_hint": DOCTOR.login,
                                                   "binding_message": "7312"}).json()
            pending = second.post("/v1/token", data={"grant_type": CIBA,
                                                     "auth_req_id": started["auth_req_id"]})
            assert pending.json()["error"] == "authorization_pending"
            # Polling again at once: PSC says slow_down (CIBA Core 1.0 section 11).
            hurried = first.post("/v1/token", data={"grant_type": CIBA,
                                                    "auth_req_id": started["auth_req_id"]})
            assert hurried.json()["error"] == "slow_down"
            assert ecps.answer(production.directory, "approve", DOCTOR.login, "7312") == 1
            time.sleep(started["interval"] + 5)
            tokens = second.post("/v1/token", data={"grant_type": CIBA,
                                                    "auth_req_id": started["auth_req_id"]})
            assert tokens.status_code == 200, tokens.text
            fresh = first.post("/v1/token", data={
                "grant_type": "refresh_token", "refresh_token": tokens.json()["refresh_token"]})
            assert fresh.status_code == 200
            assert second.get("/readyz").json() == {"status": "ready"}


def _cli(sandbox: Sandbox, home: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "MSSANTE_COMPANION_HOME": str(home),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    env.pop("MSSANTE_COMPANION_PROFILE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "client.cli", *args], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env)


def test_login_ecps_command_with_the_phone_command(production: Sandbox, app_home: Path) -> None:
    login = _cli(production, app_home, "login", "--ecps", "--national-id", DOCTOR.login,
                 "--profile", str(production.profile_gateway), "--json")
    assert login.stderr is not None
    message = ""
    for line in login.stderr:
        if "Binding message:" in line:
            message = line.split(":", 1)[1].strip()
            break
    assert message.isdigit()
    phone = subprocess.run(
        [sys.executable, "-m", "sandbox", "ecps", "approve", "--dir", str(production.directory),
         "--binding-message", message], capture_output=True, text=True, timeout=2 * LIVE_TIMEOUT,
        check=False)
    assert phone.returncode == 0, phone.stderr
    assert f'"{message}"' in phone.stdout  # the phone shows the same message
    out, err = login.communicate(timeout=4 * LIVE_TIMEOUT)
    assert login.returncode == 0, err
    report = json.loads(out)
    assert report["proof"] == "ecps"
    assert report["national_id"] == DOCTOR.login
    # The national identifier is remembered for the profile: the next time needs no option.
    ecps.set_auto(production.directory, "approve")
    again = _cli(production, app_home, "login", "--ecps",
                 "--profile", str(production.profile_gateway))
    out, err = again.communicate(timeout=4 * LIVE_TIMEOUT)
    assert again.returncode == 0, err
    assert "e-CPS" in out


def test_login_ecps_refused_is_worded(production: Sandbox, app_home: Path) -> None:
    ecps.set_auto(production.directory, "deny")
    login = _cli(production, app_home, "login", "--ecps", "--national-id", DOCTOR.login,
                 "--profile", str(production.profile_gateway))
    _out, err = login.communicate(timeout=4 * LIVE_TIMEOUT)
    assert login.returncode == EXIT_AUTH
    assert "refused in the e-CPS app" in err
    ecps.set_auto(production.directory, "off")
    production.set_ciba_expiry(2)
    late = _cli(production, app_home, "login", "--ecps", "--national-id", DOCTOR.login,
                "--profile", str(production.profile_gateway), "--json")
    out, err = late.communicate(timeout=4 * LIVE_TIMEOUT)
    production.set_ciba_expiry(120)
    assert late.returncode == EXIT_AUTH, err
    assert json.loads(out)["error"]["code"] == "ecps-expired"
    assert "not approved in time" in err
    card_only = _cli(production, app_home, "login", "--ecps", "--national-id", DOCTOR.login,
                     "--profile", str(production.profile))
    _out, err = card_only.communicate(timeout=4 * LIVE_TIMEOUT)
    assert card_only.returncode == EXIT_AUTH
    assert "needs a Pro Santé Connect gateway" in err
    down = production.profile_gateway.read_text().replace(
        production.gateway_url, f"https://127.0.0.1:{_free_port()}")
    (app_home / "down.toml").write_text(down)
    unreachable = _cli(production, app_home, "login", "--ecps", "--national-id", DOCTOR.login,
                       "--profile", str(app_home / "down.toml"), "--json")
    out, err = unreachable.communicate(timeout=4 * LIVE_TIMEOUT)
    assert unreachable.returncode == EXIT_TEMPORARY, err
    assert json.loads(out)["error"]["retry"] is True
    assert "gateway" in err and "cannot be reached" in err


def test_bridge_signs_in_with_ecps_and_serves_a_mail_client(
        production: Sandbox, app_home: Path, tmp_path: Path) -> None:
    from imapclient import IMAPClient

    exported = tmp_path / "bridge.pem"
    ecps.set_auto(production.directory, "approve", 0.2)
    env = dict(os.environ, MSSANTE_COMPANION_HOME=str(app_home),
               PYTHON_KEYRING_BACKEND="tests.helpers.fake_keyring.FakeKeyring")
    env.pop("MSSANTE_COMPANION_PROFILE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "client.cli", "bridge", "--json", "--ecps", "--national-id",
         DOCTOR.login, "--profile", str(production.profile_gateway), "--imap-port", "0",
         "--smtp-port", "0", "--export-cert", str(exported)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env)
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.rstrip() == "}":
                break
        settings = json.loads("".join(lines))
        context = ssl.create_default_context(cafile=str(exported))
        imap = IMAPClient("127.0.0.1", int(settings["imap"]["port"]), ssl=False,
                          timeout=2 * LIVE_TIMEOUT)
        try:
            imap.starttls(context)
            imap.login(DOCTOR.address, settings["password"])
            assert imap.select_folder("INBOX", readonly=True)[b"EXISTS"] >= 1
        finally:
            imap.logout()
        process.terminate()
        assert process.wait(timeout=LIVE_TIMEOUT) == 0
        stderr = process.stderr.read() if process.stderr else ""
        assert "Binding message:" in stderr
        assert "Traceback" not in stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_login_ecps_ctrl_c_cancels_and_nothing_leaks(production: Sandbox,
                                                     app_home: Path) -> None:
    import signal

    login = _cli(production, app_home, "-vv", "login", "--ecps", "--national-id",
                 DOCTOR.login, "--profile", str(production.profile_gateway))
    assert login.stderr is not None
    for line in login.stderr:
        if "Binding message:" in line:
            break
    login.send_signal(signal.SIGINT)
    out, err = login.communicate(timeout=2 * LIVE_TIMEOUT)
    assert login.returncode == 130
    assert "Interrupted" in err
    # A verbose, approved sign-in: no JWT (access or ID token) and no secret in any output.
    ecps.set_auto(production.directory, "approve")
    verbose = _cli(production, app_home, "-vv", "login", "--ecps", "--national-id",
                   DOCTOR.login, "--profile", str(production.profile_gateway), "--json")
    out, err = verbose.communicate(timeout=4 * LIVE_TIMEOUT)
    assert verbose.returncode == 0, err
    secret = production.gateway_secret_file.read_text().strip()
    gateway_log = (production.logs / "psc-gateway.log").read_text()
    for text in (out, err, gateway_log):
        assert "eyJ" not in text
        assert secret not in text
