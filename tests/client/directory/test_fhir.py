"""Online lookup against a local fake of the Annuaire Santé FHIR API."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import keyring
import pytest

from client.directory import fhir
from client.directory.errors import AnnuaireAuthError, AnnuaireError
from client.directory.service import Directory
from tests.helpers.fake_fhir import (
    FAKE_API_KEY,
    FakeFhirServer,
    FakeKeyring,
    fake_fhir_server,
    organization,
    practitioner,
)


@pytest.fixture
def fake_keyring() -> Iterator[FakeKeyring]:
    previous = keyring.get_keyring()
    backend = FakeKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def server() -> Iterator[FakeFhirServer]:
    people = [
        practitioner("10009876543", "DUBOIS", "Claire", "10",
                     ["claire.dubois@clinique-sandbox.mssante.fr"],
                     plain_email="claire.dubois@gmail.com"),
        practitioner("10001234567", "MARTIN", "JEAN", "10",
                     ["jean.martin@hopital-sandbox.mssante.fr"]),
    ] + [
        practitioner(f"1002{n:07d}", f"NOM{n}", "Éloïse", "60", [f"ide{n}@ght-sandbox.mssante.fr"])
        for n in range(120)
    ]
    structures = [organization("690099991", "HOPITAL SANDBOX", "69002", "LYON", [
        ("urgences@hopital-sandbox.mssante.fr", "ORG", "Service des urgences"),
        ("dpi@hopital-sandbox.mssante.fr", "APP", ""),
    ])]
    with fake_fhir_server(FakeFhirServer({
        "Practitioner": people, "PractitionerRole": [], "Organization": structures,
    })) as running:
        yield running


def test_practitioner_and_organization_mailboxes(server: FakeFhirServer) -> None:
    with fhir.AnnuaireClient(FAKE_API_KEY, server.base_url) as client:
        results = client.search_mailboxes("sandbox", limit=500)
    by_address = {entry.address: entry for entry in results}
    claire = by_address["claire.dubois@clinique-sandbox.mssante.fr"]
    assert (claire.family_name, claire.given_name, claire.bal_type) == ("DUBOIS", "Claire", "PER")
    assert (claire.national_id, claire.profession) == ("810009876543", "Médecin")
    assert "claire.dubois@gmail.com" not in by_address  # an email, not an MSSanté box
    urgences = by_address["urgences@hopital-sandbox.mssante.fr"]
    assert (urgences.bal_type, urgences.service, urgences.organization) == (
        "ORG", "Service des urgences", "HOPITAL SANDBOX")
    assert (urgences.postal_code, urgences.city) == ("69002", "LYON")
    assert by_address["dpi@hopital-sandbox.mssante.fr"].bal_type == "APP"
    assert all(key == FAKE_API_KEY for _, _, key in server.requests)


def test_next_links_are_followed(server: FakeFhirServer) -> None:
    with fhir.AnnuaireClient(FAKE_API_KEY, server.base_url) as client:
        results = client.search_mailboxes("ght-sandbox", limit=1000)
    assert len(results) == 120
    practitioner_pages = [q for path, q, _ in server.requests if path.endswith("/Practitioner")]
    assert len(practitioner_pages) == 3
    assert [q.get("_page", ["0"])[0] for q in practitioner_pages] == ["0", "1", "2"]
    assert practitioner_pages[0]["mailbox-mss:contains"] == ["ght-sandbox"]
    assert practitioner_pages[0]["_count"] == ["50"]


def test_limit_stops_paging(server: FakeFhirServer) -> None:
    with fhir.AnnuaireClient(FAKE_API_KEY, server.base_url) as client:
        assert len(client.search_mailboxes("ght-sandbox", limit=10)) == 10
    assert len(server.requests) == 1


def test_next_link_to_another_host_is_not_followed(server: FakeFhirServer) -> None:
    server.foreign_next = True
    with fhir.AnnuaireClient(FAKE_API_KEY, server.base_url) as client:
        results = client.search_mailboxes("ght-sandbox", limit=1000)
    assert len(results) == 50  # the first page only: the key never goes elsewhere


def test_refused_key_and_server_errors(server: FakeFhirServer) -> None:
    with fhir.AnnuaireClient("wrong", server.base_url) as client, \
            pytest.raises(AnnuaireAuthError) as refused:
        client.search_mailboxes("sandbox")
    assert refused.value.status == 401
    server.status_override = 503
    with fhir.AnnuaireClient(FAKE_API_KEY, server.base_url) as client, \
            pytest.raises(AnnuaireError) as failed:
        client.search_mailboxes("sandbox")
    assert failed.value.status == 503


def test_timeout(server: FakeFhirServer) -> None:
    server.delay = 1.0
    timeout = httpx.Timeout(0.2)
    with fhir.AnnuaireClient(FAKE_API_KEY, server.base_url, timeout=timeout) as client, \
            pytest.raises(AnnuaireError, match="in time"):
        client.search_mailboxes("sandbox")


def test_api_key_from_the_keyring(server: FakeFhirServer, fake_keyring: FakeKeyring) -> None:
    with pytest.raises(AnnuaireAuthError, match="no Annuaire Santé API key"):
        fhir.AnnuaireClient.from_keyring(server.base_url)
    fhir.store_api_key(FAKE_API_KEY)
    assert fake_keyring.store == {("mssante-companion", "esante-api-key"): FAKE_API_KEY}
    with fhir.AnnuaireClient.from_keyring(server.base_url) as client:
        assert client.search_mailboxes("jean.martin")[0].family_name == "MARTIN"
    fhir.store_api_key("")
    assert fhir.load_api_key() is None


def test_resources_without_mailboxes_give_nothing() -> None:
    assert fhir.entries_from_resource({"resourceType": "Patient"}) == []
    assert fhir.entries_from_resource({"resourceType": "Practitioner", "telecom": [
        {"system": "phone", "value": "0102030405"},
        {"system": "email", "value": "x@y.fr", "extension": [
            {"url": fhir.EMAIL_TYPE_URL, "valueCoding": {"code": "APICRYPT"}}]},
    ]}) == []


def test_directory_search_online(server: FakeFhirServer, fake_keyring: FakeKeyring) -> None:
    directory = Directory(annuaire_url=server.base_url)
    try:
        with pytest.raises(AnnuaireAuthError):
            directory.search_online("dubois")
        fhir.store_api_key(FAKE_API_KEY)
        [claire] = directory.search_online("claire.dubois")
        assert claire.address == "claire.dubois@clinique-sandbox.mssante.fr"
    finally:
        directory.close()
