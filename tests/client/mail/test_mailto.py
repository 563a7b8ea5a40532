"""mailto: links (RFC 6068): examples of the RFC, security limits, no crash on anything."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client.errors import ClientError
from client.mail.mailto import MailtoLink, NotAMailtoLink, is_mailto, parse_mailto


def test_rfc6068_examples() -> None:
    # RFC 6068 section 6.1.
    assert parse_mailto("mailto:chris@example.com").to == ("chris@example.com",)
    link = parse_mailto("mailto:infobot@example.com?subject=current-issue")
    assert link.to == ("infobot@example.com",) and link.subject == "current-issue"
    link = parse_mailto("mailto:infobot@example.com?body=send%20current-issue")
    assert link.body == "send current-issue"
    link = parse_mailto("mailto:infobot@example.com?body=send%20current-issue%0D%0A"
                        "send%20index")
    assert link.body == "send current-issue\nsend index"
    link = parse_mailto("mailto:list@example.org?In-Reply-To=%3C3469A91.D10AF4C@"
                        "example.com%3E")
    assert link.to == ("list@example.org",) and link.ignored == ("in-reply-to",)
    link = parse_mailto("mailto:?to=joe@example.com&cc=bob@example.com&body=hello")
    assert link == MailtoLink(to=("joe@example.com",), cc=("bob@example.com",), body="hello")
    link = parse_mailto("mailto:joe@example.com?cc=bob@example.com&body=hello")
    assert link.to == ("joe@example.com",) and link.cc == ("bob@example.com",)
    # RFC 6068 section 6.2: "+" is not a space, "%" encodes octets of UTF-8.
    assert parse_mailto("mailto:bill+ietf@example.org").to == ("bill+ietf@example.org",)
    link = parse_mailto("mailto:user@example.org?subject=caf%C3%A9")
    assert link.subject == "café"


def test_french_link_several_recipients_case_insensitive() -> None:
    subject = "Compte rendu d'hospitalisation – M. Dupont"
    body = "Bonjour,\n\nVeuillez trouver ci-joint…\nCordialement"
    url = (f"MAILTO:claire.durand@clinique.mssante.fr,jean.martin%40hopital.mssante.fr"
           f"?SUBJECT={quote(subject)}&Body={quote(body)}&CC=secretariat@hopital.mssante.fr"
           f"&to=Claire.Durand@clinique.mssante.fr")
    assert is_mailto(url)
    link = parse_mailto(url)
    assert link.to == ("claire.durand@clinique.mssante.fr", "jean.martin@hopital.mssante.fr")
    assert link.cc == ("secretariat@hopital.mssante.fr",)
    assert link.subject == subject and link.body == body and not link.is_empty


def test_hidden_recipients_and_header_injection_are_refused() -> None:
    link = parse_mailto("mailto:a@x.fr?bcc=spy@evil.example&from=boss@x.fr"
                        "&subject=Hi%0D%0ABcc:%20spy@evil.example&subject=second")
    assert link.to == ("a@x.fr",) and link.cc == ()
    assert link.ignored == ("bcc", "from")
    assert "\n" not in link.subject and "\r" not in link.subject
    assert link.subject == "Hi Bcc: spy@evil.example"  # the first subject, one line


def test_odd_input_is_kept_not_lost() -> None:
    link = parse_mailto("mailto:%zz@x.fr,,Jean%20Martin%20%3Cjean@h.fr%3E,pas-une-adresse"
                        "?body=%FF%FE&subject=&&=x#fragment")
    assert link.to == ("%zz@x.fr", "jean@h.fr", "pas-une-adresse")
    assert link.body == "\ufffd\ufffd"
    assert link.subject == ""
    assert parse_mailto("mailto:").is_empty


def test_not_a_mailto_link() -> None:
    with pytest.raises(NotAMailtoLink) as caught:
        parse_mailto("https://example.org/?to=a@b")
    assert isinstance(caught.value, ClientError)
    assert caught.value.text == "https://example.org/?to=a@b"
    assert not is_mailto("mail")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_crashes_on_any_link(rest: str) -> None:
    link = parse_mailto("mailto:" + rest)
    for address in (*link.to, *link.cc):
        assert "\r" not in address and "\n" not in address and address
    assert "\n" not in link.subject and "\r" not in link.subject
    assert "\r" not in link.body


@settings(max_examples=200, deadline=None)
@given(st.lists(st.emails(), min_size=1, max_size=3), st.text(max_size=80),
       st.text(max_size=200))
def test_encoded_fields_come_back(addresses: list[str], subject: str, body: str) -> None:
    url = ("mailto:" + ",".join(quote(a, safe="@") for a in addresses)
           + f"?subject={quote(subject, safe='')}&body={quote(body, safe='')}")
    link = parse_mailto(url)
    expected: list[str] = []
    for address in addresses:
        if address.lower() not in {e.lower() for e in expected}:
            expected.append(address)
    assert list(link.to) == expected
    assert link.subject == re.sub(r"[\r\n]+", " ", subject).strip()  # one line, trimmed
    assert link.body == body.replace("\r\n", "\n").replace("\r", "\n")
