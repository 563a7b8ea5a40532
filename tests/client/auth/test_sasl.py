"""SASL payloads (XOAUTH2, OAUTHBEARER RFC 7628) and the RFC 7628 error document."""

from __future__ import annotations

import base64

from client.auth.sasl import oauthbearer_payload, parse_error_challenge, xoauth2_payload


def test_xoauth2_payload_matches_the_mssante_spec() -> None:
    assert xoauth2_payload("jean.martin@hopital.mssante.fr", "tok") == (
        b"user=jean.martin@hopital.mssante.fr\x01auth=Bearer tok\x01\x01"
    )


def test_oauthbearer_payload_escapes_the_authzid() -> None:
    payload = oauthbearer_payload("a,b=c@x.fr", "tok", "imap.x.fr", 993)
    assert payload == (
        b"n,a=a=2Cb=3Dc@x.fr,\x01host=imap.x.fr\x01port=993\x01auth=Bearer tok\x01\x01"
    )


def test_error_challenge_raw_or_base64() -> None:
    document = b'{"status":"401","schemes":"bearer","scope":"mail"}'
    expected = {"status": "401", "schemes": "bearer", "scope": "mail"}
    assert parse_error_challenge(document) == expected
    assert parse_error_challenge(base64.b64encode(document)) == expected
    assert parse_error_challenge(b"not json") == {}
