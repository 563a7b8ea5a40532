"""Proof that the sandbox operator speaks MSSanté's protocols, WITHOUT the app's client code.

* the virtual CPS card authenticates by TLS to Dovecot and SASL EXTERNAL opens the doctor's
  mailbox, on IMAP and on submission (tlslite-ng with a PyKCS11-backed key);
* the PSC-like provider authenticates the card at its wallet listener, issues a token
  (authorization code + PKCE S256) that Dovecot accepts over XOAUTH2 and OAUTHBEARER, on
  IMAP and SMTP; refresh works until the refresh tokens are revoked;
* a revoked certificate is refused by Dovecot and by the provider;
* a message submitted is delivered and readable by the colleague; mail to other domains
  lands in the outbound mbox.

Negative tests connect from other loopback addresses (127.0.0.x): Dovecot delays repeated
failures from one address by up to 15 s.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import imaplib
import json
import secrets
import smtplib
import socket
import ssl
import time
import uuid
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from sandbox.card import AUTH_KEY_ID
from sandbox.identities import COLLEAGUE, DOCTOR, REVOKED
from sandbox.operator import Sandbox
from tests.helpers.pkcs11_tls import (
    IMAP4_TLS,
    SMTP_TLS,
    HTTPTLSConnection,
    Pkcs11RsaKey,
    card_tls_credentials,
    tls_settings,
)
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(4 * LIVE_TIMEOUT)]

REDIRECT = "http://127.0.0.1:8765/callback"


@pytest.fixture(scope="module")
def card_tls(sandbox_operator: Sandbox) -> Iterator[tuple[Any, Pkcs11RsaKey]]:
    """The doctor's certificate chain and on-card key, for tlslite."""
    card = sandbox_operator.card
    with card_tls_credentials(
        str(card.softhsm_conf), str(card.module), card.token_label, card.pin, AUTH_KEY_ID,
        [card.auth_cert, sandbox_operator.pki.persons_ca_cert],
    ) as credentials:  # fmt: skip
        yield credentials


def _server_context(sandbox: Sandbox) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(sandbox.ca_file))


def _client_context(sandbox: Sandbox, credential: str) -> ssl.SSLContext:
    context = _server_context(sandbox)
    cred = sandbox.credentials[credential]
    context.load_cert_chain(str(cred.cert_pem), str(cred.key_pem))
    return context


class _IMAP4SSLFrom(imaplib.IMAP4_SSL):
    """IMAPS from a chosen loopback source address."""

    def __init__(self, source: str, *args: Any, **kwargs: Any) -> None:
        self._source = source
        super().__init__(*args, **kwargs)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout or 30,
                                        source_address=(self._source, 0))  # fmt: skip
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined,no-any-return]


def _imaps_from(
    source: str, sandbox: Sandbox, credential: str | None = None
) -> _IMAP4SSLFrom:
    context = _client_context(sandbox, credential) if credential else _server_context(sandbox)
    return _IMAP4SSLFrom(source, sandbox.host, sandbox.ports.imaps, ssl_context=context,
                         timeout=LIVE_TIMEOUT)  # fmt: skip


def _wait_for_log(sandbox: Sandbox, text: str, timeout: float = 10) -> str:
    """Dovecot's log once it contains ``text`` (its log process writes asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        log = (sandbox.logs / "dovecot.log").read_text()
        if text in log or time.monotonic() > deadline:
            return log
        time.sleep(0.1)


def _xoauth2(address: str, token: str) -> bytes:
    return f"user={address}\x01auth=Bearer {token}\x01\x01".encode()


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def _authorize_with_card(
    sandbox: Sandbox, card_tls: tuple[Any, Pkcs11RsaKey], challenge: str, client_id: str
) -> dict[str, str]:
    chain, key = card_tls
    query = urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT,
        "scope": "openid scope_all", "acr_values": "eidas1", "state": "etat-123",
        "nonce": "n-0S6", "code_challenge": challenge, "code_challenge_method": "S256",
    })  # fmt: skip
    connection = HTTPTLSConnection(sandbox.host, sandbox.ports.wallet, certChain=chain,
                                   privateKey=key, settings=tls_settings())  # fmt: skip
    try:
        connection.request("GET", f"/auth?{query}")
        response = connection.getresponse()
        response.read()
        assert response.status == 302, response.status
        location = response.getheader("Location") or ""
    finally:
        connection.close()
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def _post_form(sandbox: Sandbox, url: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
    parts = urlsplit(url)
    connection = http.client.HTTPSConnection(parts.hostname or "", parts.port,
                                             context=_server_context(sandbox))  # fmt: skip
    try:
        connection.request("POST", parts.path, urlencode(form),
                           {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def _get_json(sandbox: Sandbox, url: str, token: str | None = None) -> tuple[int, Any]:
    parts = urlsplit(url)
    connection = http.client.HTTPSConnection(parts.hostname or "", parts.port,
                                             context=_server_context(sandbox))  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        connection.request("GET", parts.path, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def psc_tokens(
    sandbox_operator: Sandbox, card_tls: tuple[Any, Pkcs11RsaKey]
) -> dict[str, Any]:
    """A token response obtained by the card at the wallet (code + PKCE)."""
    verifier, challenge = _pkce()
    params = _authorize_with_card(sandbox_operator, card_tls, challenge, "sandbox-tests")
    assert params["state"] == "etat-123"
    status, tokens = _post_form(sandbox_operator, sandbox_operator.token_url, {
        "grant_type": "authorization_code", "code": params["code"], "client_id": "sandbox-tests",
        "redirect_uri": REDIRECT, "code_verifier": verifier,
    })  # fmt: skip
    assert status == 200, tokens
    return tokens


# -- card + EXTERNAL -----------------------------------------------------------------------
def test_card_opens_doctor_mailbox_with_external_on_imaps(
    sandbox_operator: Sandbox, card_tls: tuple[Any, Pkcs11RsaKey]
) -> None:
    chain, key = card_tls
    before = key.signatures
    imap = IMAP4_TLS(sandbox_operator.host, sandbox_operator.ports.imaps, certChain=chain,
                     privateKey=key, settings=tls_settings())  # fmt: skip
    try:
        typ, _ = imap.authenticate("EXTERNAL", lambda _: b"")
        assert typ == "OK"
        typ, data = imap.select("INBOX", readonly=True)
        assert typ == "OK" and int(data[0]) >= 4  # the seeded health mail
        typ, data = imap.search(None, "HEADER", "X-MSS-INS", '""')
        assert typ == "OK" and data[0].split(), "the seeded IHE XDM message is missing"
        typ, data = imap.list()
        assert any(b"\\Sent" in line for line in data)
    finally:
        imap.logout()
    assert key.signatures == before + 1  # one card signature per TLS sign-in
    expected = f"user=<{DOCTOR.address}>, method=EXTERNAL"
    assert expected in _wait_for_log(sandbox_operator, expected)


def test_card_submits_with_external_and_colleague_reads_it(
    sandbox_operator: Sandbox, card_tls: tuple[Any, Pkcs11RsaKey]
) -> None:
    chain, key = card_tls
    subject = f"Avis cardiologique – dossier {uuid.uuid4().hex[:8]}"
    message = EmailMessage()
    message["From"] = DOCTOR.address
    message["To"] = COLLEAGUE.address
    message["Subject"] = subject
    message.set_content("Chère consœur, voici mon avis. Bien cordialement, Dr Martin")
    smtp = SMTP_TLS(sandbox_operator.host, sandbox_operator.ports.submission, timeout=LIVE_TIMEOUT)
    try:
        smtp.ehlo()
        smtp.starttls(certChain=chain, privateKey=key, settings=tls_settings())
        smtp.ehlo()
        code, _ = smtp.docmd("AUTH", "EXTERNAL =")
        assert code == 235
        smtp.send_message(message)
    finally:
        smtp.quit()

    # The colleague opens her mailbox with her own certificate (stdlib ssl) and reads it.
    deadline = time.monotonic() + 15
    found: list[EmailMessage] = []
    with imaplib.IMAP4_SSL(sandbox_operator.host, sandbox_operator.ports.imaps,
                           ssl_context=_client_context(sandbox_operator, "colleague")) as imap:
        assert imap.authenticate("EXTERNAL", lambda _: b"")[0] == "OK"
        while not found and time.monotonic() < deadline:
            imap.select("INBOX")
            _typ, data = imap.uid("SEARCH", "FROM", DOCTOR.address)
            for uid in data[0].split():
                _typ, fetched = imap.uid("FETCH", uid, "(BODY.PEEK[])")
                parsed = BytesParser(policy=policy.default).parsebytes(fetched[0][1])
                if parsed["Subject"] == subject:
                    found.append(parsed)  # type: ignore[arg-type]
            if not found:
                time.sleep(0.2)
    assert found, "the doctor's message did not reach the colleague's mailbox"
    body = found[0].get_body(("plain",))
    assert body is not None and "voici mon avis" in body.get_content()
    # The operator's own helper sees it in the colleague's Maildir too.
    stored = sandbox_operator.wait_for_message(COLLEAGUE, subject)
    assert stored["Message-ID"] == found[0]["Message-ID"]


def test_external_authzid_may_name_only_the_holders_mailbox(sandbox_operator: Sandbox) -> None:
    # Thunderbird sends the account's user name (the address) as the EXTERNAL authzid.
    for authzid in (COLLEAGUE.address.encode(), COLLEAGUE.login.encode()):
        with _imaps_from("127.0.0.1", sandbox_operator, "colleague") as imap:
            assert imap.authenticate("EXTERNAL", lambda _, z=authzid: z)[0] == "OK"
            assert imap.select("INBOX", readonly=True)[0] == "OK"
    with _imaps_from("127.0.0.6", sandbox_operator, "colleague") as imap:
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            imap.authenticate("EXTERNAL", lambda _: DOCTOR.address.encode())


def test_unknown_local_recipient_is_refused_at_rcpt(sandbox_operator: Sandbox) -> None:
    with smtplib.SMTP(sandbox_operator.host, sandbox_operator.ports.submission,
                      timeout=LIVE_TIMEOUT) as smtp:  # fmt: skip
        smtp.starttls(context=_client_context(sandbox_operator, "colleague"))
        smtp.ehlo()
        code, _ = smtp.docmd("AUTH", "EXTERNAL =")
        assert code == 235
        smtp.mail(COLLEAGUE.address)
        code, reply = smtp.rcpt("inconnu@hopital-sandbox.mssante.fr")
        assert code == 550 and b"unknown" in reply
        code, _ = smtp.rcpt(DOCTOR.address)
        assert code == 250
        smtp.rset()


# -- PSC-like provider + XOAUTH2 / OAUTHBEARER -------------------------------------------
def test_discovery_documents(sandbox_operator: Sandbox) -> None:
    for url in (sandbox_operator.discovery_url, sandbox_operator.wallet_discovery_url):
        status, document = _get_json(sandbox_operator, url)
        assert status == 200
        assert document["issuer"] == sandbox_operator.issuer
        assert document["authorization_endpoint"] == sandbox_operator.authorize_url
        assert "S256" in document["code_challenge_methods_supported"]
    status, jwks = _get_json(sandbox_operator, document["jwks_uri"])
    assert status == 200 and jwks["keys"][0]["alg"] == "RS256"


def test_token_claims_and_userinfo(sandbox_operator: Sandbox, psc_tokens: dict[str, Any]) -> None:
    payload = psc_tokens["access_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["iss"] == sandbox_operator.issuer
    assert claims["azp"] == "sandbox-tests"
    assert claims["email"] == DOCTOR.address
    assert claims["SubjectNameID"] == DOCTOR.national_id
    assert claims["exp"] > time.time()
    status, info = _get_json(sandbox_operator, sandbox_operator.userinfo_url,
                             psc_tokens["access_token"])  # fmt: skip
    assert status == 200
    assert info["SubjectNameID"] == DOCTOR.national_id
    assert info["family_name"] == "MARTIN" and info["given_name"] == "JEAN"
    assert info["SubjectRefPro"]["exercices"][0]["codeProfession"] == "10"


def test_token_opens_imap_with_xoauth2_and_oauthbearer(
    sandbox_operator: Sandbox, psc_tokens: dict[str, Any]
) -> None:
    token = psc_tokens["access_token"]
    # Token sessions do not present the card certificate: with auth_ssl_username_from_cert
    # it would name the session.
    with imaplib.IMAP4(sandbox_operator.host, sandbox_operator.ports.imap) as imap:
        imap.starttls(_server_context(sandbox_operator))
        assert imap.authenticate("XOAUTH2", lambda _: _xoauth2(DOCTOR.address, token))[0] == "OK"
        typ, data = imap.select("INBOX", readonly=True)
        assert typ == "OK" and int(data[0]) >= 4
    host, port = sandbox_operator.host, sandbox_operator.ports.imaps
    bearer = f"n,a={DOCTOR.address},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01"
    with imaplib.IMAP4_SSL(host, port, ssl_context=_server_context(sandbox_operator)) as imap:
        assert imap.authenticate("OAUTHBEARER", lambda _: bearer.encode())[0] == "OK"
    for method in ("XOAUTH2", "OAUTHBEARER"):
        expected = f"user=<{DOCTOR.address}>, method={method}"
        assert expected in _wait_for_log(sandbox_operator, expected)


def test_token_submits_with_xoauth2_and_outbound_is_kept(
    sandbox_operator: Sandbox, psc_tokens: dict[str, Any]
) -> None:
    token = psc_tokens["access_token"]
    subject = f"Courrier sortant {uuid.uuid4().hex[:8]}"
    message = EmailMessage()
    message["From"] = DOCTOR.address
    message["To"] = "secretariat@autre-operateur.mssante.fr"
    message["Subject"] = subject
    message.set_content("Pour information.")
    with smtplib.SMTP(sandbox_operator.host, sandbox_operator.ports.submission,
                      timeout=LIVE_TIMEOUT) as smtp:  # fmt: skip
        smtp.starttls(context=_server_context(sandbox_operator))
        smtp.ehlo()
        # Dovecot submission refuses AUTH lines over ~1 KB: response after the 334.
        smtp.auth("XOAUTH2", lambda challenge=None: _xoauth2(DOCTOR.address, token).decode(),
                  initial_response_ok=False)  # fmt: skip
        smtp.send_message(message)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if any(m["Subject"] == subject for m in sandbox_operator.outbound_messages()):
            break
        time.sleep(0.1)
    outbound = [m for m in sandbox_operator.outbound_messages() if m["Subject"] == subject]
    assert outbound and outbound[0]["X-Sandbox-Envelope-To"] == message["To"]


def test_refresh_then_revoked_refresh_tokens(
    sandbox_operator: Sandbox, card_tls: tuple[Any, Pkcs11RsaKey]
) -> None:
    verifier, challenge = _pkce()
    params = _authorize_with_card(sandbox_operator, card_tls, challenge, "sandbox-tests")
    status, tokens = _post_form(sandbox_operator, sandbox_operator.token_url, {
        "grant_type": "authorization_code", "code": params["code"], "client_id": "sandbox-tests",
        "redirect_uri": REDIRECT, "code_verifier": verifier,
    })  # fmt: skip
    assert status == 200
    # The code is single use.
    status, error = _post_form(sandbox_operator, sandbox_operator.token_url, {
        "grant_type": "authorization_code", "code": params["code"], "client_id": "sandbox-tests",
        "redirect_uri": REDIRECT, "code_verifier": verifier,
    })  # fmt: skip
    assert status == 400 and error["error"] == "invalid_grant"
    status, refreshed = _post_form(sandbox_operator, sandbox_operator.token_url, {
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
        "client_id": "sandbox-tests",
    })  # fmt: skip
    assert status == 200 and refreshed["access_token"] != tokens["access_token"]
    assert sandbox_operator.revoke_refresh_tokens("sandbox-tests") >= 1
    status, error = _post_form(sandbox_operator, sandbox_operator.token_url, {
        "grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"],
        "client_id": "sandbox-tests",
    })  # fmt: skip
    assert status == 400 and error["error"] == "invalid_grant"


def test_provider_rejects_unknown_client_and_bad_pkce(
    sandbox_operator: Sandbox, card_tls: tuple[Any, Pkcs11RsaKey]
) -> None:
    status, error = _post_form(sandbox_operator, sandbox_operator.token_url, {
        "grant_type": "refresh_token", "refresh_token": "x", "client_id": "intrus",
    })  # fmt: skip
    assert status == 401 and error["error"] == "invalid_client"
    _verifier, challenge = _pkce()
    params = _authorize_with_card(sandbox_operator, card_tls, challenge, "sandbox-tests")
    status, error = _post_form(sandbox_operator, sandbox_operator.token_url, {
        "grant_type": "authorization_code", "code": params["code"], "client_id": "sandbox-tests",
        "redirect_uri": REDIRECT, "code_verifier": "not-the-verifier",
    })  # fmt: skip
    assert status == 400 and error["error"] == "invalid_grant"


def test_wallet_denies_a_certificate_of_no_professional(sandbox_operator: Sandbox) -> None:
    # The applicative mailbox's certificate chains to the PKI but names no professional.
    _verifier, challenge = _pkce()
    query = urlencode({"response_type": "code", "client_id": "sandbox-tests",
                       "redirect_uri": REDIRECT, "code_challenge": challenge,
                       "code_challenge_method": "S256", "state": "s1"})  # fmt: skip
    connection = http.client.HTTPSConnection(
        sandbox_operator.host, sandbox_operator.ports.wallet,
        context=_client_context(sandbox_operator, "applicative"), timeout=LIVE_TIMEOUT,
    )  # fmt: skip
    try:
        connection.request("GET", f"/auth?{query}")
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    assert response.status == 302
    params = parse_qs(urlsplit(response.getheader("Location") or "").query)
    assert params["error"] == ["access_denied"] and params["state"] == ["s1"]
    assert "code" not in params
    status, body = _get_json(sandbox_operator, sandbox_operator.userinfo_url, "not-a-token")
    assert status == 401 and body["error"] == "invalid_token"


def test_expired_token_is_refused(
    sandbox_operator: Sandbox, card_tls: tuple[Any, Pkcs11RsaKey]
) -> None:
    sandbox_operator.set_access_token_lifetime(1)
    try:
        verifier, challenge = _pkce()
        params = _authorize_with_card(sandbox_operator, card_tls, challenge, "sandbox-tests")
        status, tokens = _post_form(sandbox_operator, sandbox_operator.token_url, {
            "grant_type": "authorization_code", "code": params["code"],
            "client_id": "sandbox-tests", "redirect_uri": REDIRECT, "code_verifier": verifier,
        })  # fmt: skip
        assert status == 200 and tokens["expires_in"] == 1
    finally:
        sandbox_operator.set_access_token_lifetime(300)
    time.sleep(2.1)
    expired = _xoauth2(DOCTOR.address, tokens["access_token"])
    with _imaps_from("127.0.0.3", sandbox_operator) as imap:
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            imap.authenticate("XOAUTH2", lambda _: expired)


def test_rejected_token_on_smtp_gets_the_json_challenge(sandbox_operator: Sandbox) -> None:
    # A refused token on SMTP (RFC 7628 section 3.2.2) gets a 334 with base64 JSON, then 535.
    with smtplib.SMTP(sandbox_operator.host, sandbox_operator.ports.submission,
                      timeout=LIVE_TIMEOUT, source_address=("127.0.0.5", 0)) as smtp:  # fmt: skip
        smtp.starttls(context=_server_context(sandbox_operator))
        smtp.ehlo()
        assert smtp.docmd("AUTH", "XOAUTH2")[0] == 334
        bogus = _xoauth2(DOCTOR.address, "eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl")
        code, challenge = smtp.docmd(base64.b64encode(bogus).decode())
        assert code == 334
        assert json.loads(base64.b64decode(challenge)) == {
            "status": "401", "schemes": "bearer", "scope": "mail"}
        assert smtp.docmd("")[0] == 535


def test_token_of_another_user_is_refused(
    sandbox_operator: Sandbox, psc_tokens: dict[str, Any]
) -> None:
    # The doctor's token names the doctor: it cannot open the colleague's mailbox.
    stolen = _xoauth2(COLLEAGUE.address, psc_tokens["access_token"])
    with _imaps_from("127.0.0.4", sandbox_operator) as imap:
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            imap.authenticate("XOAUTH2", lambda _: stolen)


# -- revocation -------------------------------------------------------------------------
def test_revoked_certificate_is_refused_by_dovecot(sandbox_operator: Sandbox) -> None:
    assert sandbox_operator.pki.is_revoked(sandbox_operator.credentials["revoked"].cert)
    with _imaps_from("127.0.0.2", sandbox_operator, "revoked") as imap:
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            imap.authenticate("EXTERNAL", lambda _: b"")
    # Dovecot did not name anybody from the revoked certificate (it is not trusted).
    log = _wait_for_log(sandbox_operator, "external(?,127.0.0.2")
    assert "username not known" in log
    assert f"Login: user=<{REVOKED.address}>" not in log


def test_revoked_certificate_is_refused_by_the_wallet(sandbox_operator: Sandbox) -> None:
    _verifier, challenge = _pkce()
    query = urlencode({"response_type": "code", "client_id": "sandbox-tests",
                       "redirect_uri": REDIRECT, "code_challenge": challenge,
                       "code_challenge_method": "S256"})  # fmt: skip
    connection = http.client.HTTPSConnection(
        sandbox_operator.host, sandbox_operator.ports.wallet,
        context=_client_context(sandbox_operator, "revoked"), timeout=LIVE_TIMEOUT,
    )  # fmt: skip
    try:
        with pytest.raises((ssl.SSLError, ConnectionError)):
            connection.request("GET", f"/auth?{query}")
            connection.getresponse().read()
    finally:
        connection.close()
    # A valid certificate (the colleague's) passes the same door.
    connection = http.client.HTTPSConnection(
        sandbox_operator.host, sandbox_operator.ports.wallet,
        context=_client_context(sandbox_operator, "colleague"), timeout=LIVE_TIMEOUT,
    )  # fmt: skip
    try:
        connection.request("GET", f"/auth?{query}")
        response = connection.getresponse()
        response.read()
        assert response.status == 302
        assert "code=" in (response.getheader("Location") or "")
    finally:
        connection.close()
