"""A failed sign-in is audited: the method and the error class, never the PIN or a token."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import pytest

from client.audit import FORBIDDEN_FIELDS, AuditLog, default_audit_path
from client.auth import ProviderUnreachable, PscAuthenticator, build_authenticator
from client.profiles import parse_profile
from client.profiles.model import Profile
from cps.errors import PinEntryCancelled
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

    def check_revocation(self, *_args: Any, **_kwargs: Any) -> None:
        return None  # nothing known: the card is not refused before the PIN


class _UnreachableOidc:
    """A FAKE OIDC client whose provider cannot be reached."""

    def discover(self) -> None:
        raise ProviderUnreachable("https://auth.esw.esante.gouv.fr", "connection refused")


def _failures() -> list[dict[str, Any]]:
    return [dict(e.fields) for e in AuditLog().entries() if e.event == "sign-in-failed"]


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
    assert _failures() == [{"address": ADDRESS, "method": "card-tls",
                            "error": "PinEntryCancelled"}]
    raw = default_audit_path().read_text(encoding="utf-8")
    assert "98765432" not in raw  # the refused PIN (8 digits: no chance hit)
    assert not any(FORBIDDEN_FIELDS & set(f) for f in _failures())


def test_psc_unreachable_provider_is_audited(tmp_path: Path) -> None:
    profile = _profile(tmp_path, {"method": "psc", "issuer": "https://auth.esw.esante.gouv.fr",
                                  "client_id": "companion"})
    psc = PscAuthenticator(profile, _FakeTrust(), lambda: pytest.fail("no card needed"),  # type: ignore[arg-type]
                           oidc=_UnreachableOidc())  # type: ignore[arg-type]
    with pytest.raises(ProviderUnreachable):
        psc.sign_in()
    assert _failures() == [{"address": ADDRESS, "method": "psc",
                            "error": "ProviderUnreachable"}]
