"""``mssante-companion card`` and the terminal PIN prompt, against the sandbox's SoftHSM2 card."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cryptography import x509

from client.cli import main
from client.cli._common import EXIT_ERROR
from client.cli._pin import TerminalPinPrompt, describe_request
from client.cli.card import certificate_status
from client.trust import CrlStore
from cps.errors import PinIncorrect
from cps.identity import EXTRA_ANCHORS_ENV
from cps.middleware import MODULE_ENV
from cps.pin import RETRY_INCORRECT, PinRequest
from cps.service import CardService
from cps.token import PinState
from sandbox.card import VirtualCard
from sandbox.pki import Pki, build_pki, generate_rsa_key
from tests.helpers.fake_token import FakeCard, FakeTokenBackend, make_fake_card


@pytest.fixture
def card_env(sandbox_card: VirtualCard, monkeypatch: pytest.MonkeyPatch) -> VirtualCard:
    for name, value in sandbox_card.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(MODULE_ENV, str(sandbox_card.module))
    # The token is shared by the session: a right PIN clears a count-low flag left behind.
    service = CardService.for_module(sandbox_card.module)
    try:
        service.login(TerminalPinPrompt(from_stdin=True,
                                        stdin=io.BytesIO(sandbox_card.pin.encode())))
    finally:
        service.close()
    return sandbox_card


def _card_json(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, object]:
    assert main(["card", "--json", *extra]) == 0
    document = json.loads(capsys.readouterr().out)
    assert isinstance(document, dict)
    return document


def test_card_json_prints_identity_and_pin_state(
    card_env: VirtualCard, sandbox_pki: Pki, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(EXTRA_ANCHORS_ENV, str(sandbox_pki.root_pem))
    document = _card_json(capsys)
    assert document["module"] == str(card_env.module)
    cards = document["cards"]
    assert isinstance(cards, list)
    card = next(c for c in cards if c["label"] == card_env.token_label)
    cert = card_env.auth_cert
    assert card["serial"] == card_env.serial
    assert card["kind"] == "cps"
    assert card["pin_state"] == {"count_low": False, "final_try": False, "locked": False}
    assert card["identity"] == {
        "national_id": "810001234567",
        "id_type": "RPPS",
        "rpps": "10001234567",
        "adeli": None,
        "family_name": "MARTIN",
        "given_name": "JEAN",
        "profession": "Médecin",
        "subject": "GN=JEAN+SN=MARTIN+CN=810001234567,title=Médecin,C=FR",
        "issuer": "CN=TEST AC IGC-SANTE ELEMENTAIRE PERSONNES,OU=IGC-SANTE TEST,"
                  "OU=0002 187512751,O=ASIP-SANTE,C=FR",
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": cert.not_valid_after_utc.isoformat(),
    }
    assert card["certificate"]["status"] == "trusted"
    # SoftHSM2's spare blank token is shown as an empty card, without identity.
    empty = [c for c in cards if c["kind"] == "empty"]
    assert empty and empty[0]["identity"] is None


def test_card_certificate_untrusted_without_the_test_root(
    card_env: VirtualCard, capsys: pytest.CaptureFixture[str]
) -> None:
    card = next(c for c in _card_json(capsys)["cards"]  # type: ignore[union-attr]
                if c["label"] == card_env.token_label)
    assert card["certificate"]["status"] == "untrusted"
    assert "TEST AC RACINE IGC-SANTE ELEMENTAIRE" in card["certificate"]["message"]


def test_card_text_output(card_env: VirtualCard, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["card", "--module", str(card_env.module)]) == 0
    out = capsys.readouterr().out
    assert "Holder: JEAN MARTIN, Médecin, RPPS 10001234567" in out
    assert f"label '{card_env.token_label}'" in out


def test_card_without_middleware_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(MODULE_ENV, raising=False)
    assert main(["card", "--json"]) == EXIT_ERROR
    captured = capsys.readouterr()
    assert json.loads(captured.out)["error"]["code"] == "middleware-not-found"
    assert "Cryptolib CPS" in captured.err
    assert "/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so" in captured.err


def test_card_with_a_file_that_is_not_a_pkcs11_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "libcps3_pkcs11_lux.so"
    bogus.write_text("hello")
    assert main(["card", "--module", str(bogus)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert str(bogus) in err and "cannot be used as the CPS card library" in err


def test_pin_from_stdin_logs_in(card_env: VirtualCard) -> None:
    prompt = TerminalPinPrompt(from_stdin=True, stdin=io.BytesIO(card_env.pin.encode() + b"\n"))
    service = CardService.for_module(card_env.module)
    try:
        assert service.login(prompt, max_prompts=1).active
    finally:
        service.close()


def test_wrong_pin_from_stdin_is_reported_not_asked_again(card_env: VirtualCard) -> None:
    prompt = TerminalPinPrompt(from_stdin=True, stdin=io.BytesIO(b"9999\n1234\n"))
    service = CardService.for_module(card_env.module)
    try:
        with pytest.raises(PinIncorrect) as info:
            service.login(prompt, max_prompts=3)
        assert info.value.attempts_left == 2
        service.login(TerminalPinPrompt(from_stdin=True, stdin=io.BytesIO(b"1234")),
                      max_prompts=1)  # resets SoftHSM2's counter for other tests
    finally:
        service.close()


def test_prompt_wording_for_a_final_try() -> None:
    request = PinRequest.build(holder=None, token_label="CPS3 V3 MARTIN JEAN",
                               state=PinState(count_low=True, final_try=True),
                               retry_reason=RETRY_INCORRECT)
    lines = describe_request(request)
    assert lines[0] == "CPS card PIN for CPS3 V3 MARTIN JEAN."
    assert "Incorrect PIN." in lines
    assert any("last try" in line for line in lines)


def test_card_with_a_malformed_certificate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A card whose certificate CN is not a national id: made with the fake token, since
    # the sandbox issues only well-formed CPS certificates.
    card = make_fake_card(national_id="JEAN MARTIN")
    monkeypatch.setattr(CardService, "for_module",
                        classmethod(lambda cls, module: cls(lambda: FakeTokenBackend(card))))
    module = tmp_path / "libcps3_pkcs11_lux.so"
    module.write_bytes(b"\x7fELF")
    assert main(["card", "--json", "--module", str(module)]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["cards"]
    assert entry["identity"] is None
    assert entry["certificate"]["status"] == "malformed"
    assert "not a health professional national id" in entry["certificate"]["message"]


def test_revoked_card_certificate(tmp_path: Path) -> None:
    # A private PKI: revoking in the session's sandbox PKI would change what other tests see.
    pki = build_pki(tmp_path / "pki")
    key = generate_rsa_key()
    cert = pki.issue_person_certificate(
        key.public_key(), national_id="810009999999", family_name="BLOQUE", given_name="PAUL",
        profession="Médecin", usage="auth")
    card = FakeCard(pin="1234", key=key, certificate=cert)
    service = CardService(lambda: FakeTokenBackend(card))
    try:
        contents = service.read_card()
    finally:
        service.close()
    crls = CrlStore(tmp_path / "crl")
    anchors = [pki.root_cert, pki.persons_ca_cert]  # as a profile ca_file gives them
    good = certificate_status(contents, anchors, crls=crls)
    assert (good["status"], good["revocation"]) == ("trusted", "unknown")
    pki.revoke(cert)
    pki.write_crls()
    crl = x509.load_pem_x509_crl(pki.crl_path("persons").read_bytes())
    assert crls.add(crl, [pki.persons_ca_cert])
    revoked = certificate_status(contents, anchors, crls=crls)
    assert revoked["status"] == "revoked"
    assert "revoked on" in revoked["message"]
