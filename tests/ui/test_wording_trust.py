"""Revocation errors worded with their date and reason, in French and in English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from client.trust import CertificateRevoked, CrlRejected, ServerCertificateRevoked
from ui.i18n import install_language
from ui.wording import describe_error

_WHEN = dt.datetime(2026, 11, 30, 9, 15, tzinfo=dt.UTC)


@pytest.fixture
def english(qtbot: QtBot) -> Iterator[None]:
    install_language("en")
    yield
    install_language("fr")


def test_revoked_card_in_french(qtbot: QtBot) -> None:
    text = describe_error(CertificateRevoked("CN=810009876543", 0x1F, _WHEN, "key_compromise"))
    assert "révoquée le 30/11/2026" in text
    assert "carte perdue ou volée" in text and "rien n'a été envoyé" in text
    server = describe_error(ServerCertificateRevoked("imap.example.fr", _WHEN, "superseded"))
    assert "imap.example.fr" in server and "30/11/2026" in server
    assert "pas signée" in describe_error(CrlRejected("x.crl", "untrusted"))
    assert "plus ancienne" in describe_error(CrlRejected("x.crl", "older"))
    assert "n'est pas une liste" in describe_error(CrlRejected("x.crl", "unreadable"))


def test_revoked_card_in_english(english: None) -> None:
    text = describe_error(CertificateRevoked("CN=810009876543", 0x1F, _WHEN, "key_compromise"))
    assert text == ("This card was revoked on 30/11/2026: it can no longer be used and nothing "
                    "was sent to the server. Ask the ANS for a new CPS card. (key compromised: "
                    "card lost or stolen)")
    assert "was not kept" in describe_error(CrlRejected("x.crl", "untrusted"))
