"""A failed sign-in is audited: the method and the error class, never the PIN or a token."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import pytest

from client.audit import FORBIDDEN_FIELDS, AuditLog, default_audit_path
from client.auth import (
    ProviderUnreachable,
    PscAuthenticator,
    build_authenticator,
    record_sign_in_failed,
)
from client.profiles import parse_profile
from client.profiles.model import Profile
from cps.errors import PinEntryCancelled, PinIncorrect, PinLocked
from cps.service import CardService
from tests.helpers.fake_token import FakePinPrompt, FakeTokenBackend, make_fake_card

ADDRESS = "jean.martin@hopital-sandbox.mssante.fr"


def _profile(tmp_path: Path, auth: dict[str, Any]) -> Profile:
    return parse_profile({
        "account": {"address": ADDRESS},
        "imap": {"host": "127.0.0.1", "port": 143, "security": "starttls"},
        "smtp": {"host": "127.0.0.1", "port": 587, "security": "starttls"},
        "auth": auth,
    }, tmp_path / "p.toml")


class _FakeTrust:
    """A FAKE trust store: only what the authenticators touch before signing in."""

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context()

    def check_revocation(self, *_args: object, **_kwargs: object) -> None:
        return None  # nothing known of the card's revocation: sign-in goes on


class _UnreachableOidc:
    """A FAKE OIDC client whose provider cannot be reached."""

    def discover(self) -> None:
        raise ProviderUnreachable("https://auth.esw.esante.gouv.fr", "connection refused")


def _events(kind: str) -> list[dict[str, Any]]:
    return [dict(e.fields) for e in AuditLog().entries() if e.event == kind]


def _failures() -> list[dict[str, Any]]:
    return _events("sign-in-failed")


def test_card_tls_refused_pin_is_audited_without_the_pin(tmp_path: Path) -> None:
    card = make_fake_card()
    service = CardService(lambda: FakeTokenBackend(card))
    profile = _profile(tmp_path, {"method": "card-tls"})
    try:
        with pytest.raises(PinEntryCancelled):
            build_authenticator(profile, pin_prompt=FakePinPrompt("98765432", None),
                                card_service=service, trust=_FakeTrust())  # type: ignore[arg-type]
    finally:
        service.close()
    # A cancelled PIN entry is an event of its own, in words in the security log.
    assert _events("sign-in-cancelled") == [{"address": ADDRESS, "method": "card-tls"}]
    raw = default_audit_path().read_text(encoding="utf-8")
    assert "98765432" not in raw  # the refused PIN (8 digits: no chance hit)
    assert not any(FORBIDDEN_FIELDS & set(f) for f in _events("sign-in-cancelled"))


def test_wrong_pin_and_locked_card_are_recorded_never_the_pin() -> None:
    record_sign_in_failed(ADDRESS, "card-tls", PinIncorrect(2))
    record_sign_in_failed(ADDRESS, "card-tls", PinLocked())
    assert _events("pin-incorrect") == [{"address": ADDRESS, "method": "card-tls",
                                         "attempts_left": 2}]
    assert _events("card-locked") == [{"address": ADDRESS, "method": "card-tls"}]
    assert _failures() == []


def test_psc_unreachable_provider_is_audited(tmp_path: Path) -> None:
    profile = _profile(tmp_path, {"method": "psc", "issuer": "https://auth.esw.esante.gouv.fr",
                                  "client_id": "companion"})
    psc = PscAuthenticator(profile, _FakeTrust(), lambda: pytest.fail("no card needed"),  # type: ignore[arg-type]
                           oidc=_UnreachableOidc())  # type: ignore[arg-type]
    with pytest.raises(ProviderUnreachable):
        psc.sign_in()
    assert _failures() == [{"address": ADDRESS, "method": "psc",
                            "error": "ProviderUnreachable"}]


def test_one_failure_is_recorded_once_through_every_layer() -> None:
    # The PSC authenticator records its sign-in, the desktop app's mailbox connection
    # records it again on its way up: one event in the security log.
    cancelled = PinEntryCancelled()
    record_sign_in_failed(ADDRESS, "psc", cancelled)
    record_sign_in_failed(ADDRESS, "psc", cancelled)
    assert _events("sign-in-cancelled") == [{"address": ADDRESS, "method": "psc"}]
    assert _failures() == []


def test_psc_cancelled_pin_is_a_cancelled_sign_in(tmp_path: Path) -> None:
    profile = _profile(tmp_path, {"method": "psc", "issuer": "https://auth.esw.esante.gouv.fr",
                                  "client_id": "companion"})

    class _CancelledOidc(_UnreachableOidc):
        """A FAKE OIDC client whose card step is cancelled at the PIN."""

        def discover(self) -> None:
            raise PinEntryCancelled()

    psc = PscAuthenticator(profile, _FakeTrust(), lambda: pytest.fail("no card needed"),  # type: ignore[arg-type]
                           oidc=_CancelledOidc())  # type: ignore[arg-type]
    with pytest.raises(PinEntryCancelled):
        psc.sign_in()
    assert _events("sign-in-cancelled") == [{"address": ADDRESS, "method": "psc"}]
    assert _failures() == []


def test_each_wrong_pin_is_recorded_even_when_the_next_one_is_right(tmp_path: Path) -> None:
    """The card service asks again after a wrong PIN: that refusal is a security event
    whatever follows (the desktop's dialog, the bridge's, the terminal's)."""
    card = make_fake_card()
    service = CardService(lambda: FakeTokenBackend(card))
    profile = _profile(tmp_path, {"method": "card-tls"})
    try:
        build_authenticator(profile, pin_prompt=FakePinPrompt("98765432", "11111111",
                                                              card.pin),
                            card_service=service, trust=_FakeTrust())  # type: ignore[arg-type]
    finally:
        service.close()
    refused = _events("pin-refused")
    assert [e["attempts_left"] for e in refused] == [2, 1]
    assert all(e["address"] == ADDRESS and e["method"] == "card-tls" for e in refused)
    raw = default_audit_path().read_text(encoding="utf-8")
    assert "98765432" not in raw and "11111111" not in raw
