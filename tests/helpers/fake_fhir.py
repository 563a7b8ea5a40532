"""A fake Annuaire Santé FHIR v2 server on loopback, for the online lookup tests.

It serves ``searchset`` bundles shaped like the documented ones (ANS IG
``annuaire``: Practitioner with IDNPS identifier, name, qualification with TRE_G15
profession, ``telecom`` with the FR Core email-type extension ``MSSANTE`` and the
``as-ext-mailbox-mss-metadata`` extension; Organization with name and address), checks
the ``ESANTE-API-KEY`` header, honours ``mailbox-mss:contains`` and ``_count``, and pages
with ``next`` links. Hand-written: the national API is a seam this machine cannot reach.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import keyring.backend

__all__ = [
    "FAKE_API_KEY",
    "FakeFhirServer",
    "FakeKeyring",
    "fake_fhir_server",
    "organization",
    "practitioner",
]

FAKE_API_KEY = "fake-esante-api-key"
EMAIL_TYPE_URL = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type"
METADATA_URL = (
    "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/"
    "as-ext-mailbox-mss-metadata"
)


def _mss_telecom(address: str, bal_type: str, service: str = "") -> dict[str, Any]:
    metadata: list[dict[str, Any]] = [{
        "url": "type",
        "valueCodeableConcept": {"coding": [{
            "system": "https://mos.esante.gouv.fr/NOS/TRE_R257-TypeBAL/FHIR/TRE-R257-TypeBAL",
            "code": bal_type,
        }]},
    }, {"url": "digitization", "valueBoolean": True}]
    if service:
        metadata.append({"url": "service", "valueString": service})
    return {
        "extension": [
            {"url": EMAIL_TYPE_URL, "valueCoding": {
                "system": "https://mos.esante.gouv.fr/NOS/TRE_R256-TypeMessagerie/FHIR/"
                          "TRE-R256-TypeMessagerie",
                "code": "MSSANTE", "display": "MSSANTE"}},
            {"url": METADATA_URL, "extension": metadata},
        ],
        "system": "email", "value": address, "use": "work",
    }


def practitioner(rpps: str, family: str, given: str, profession: str,
                 addresses: list[str], plain_email: str = "") -> dict[str, Any]:
    """A Practitioner as the Annuaire serves it (public data profile)."""
    telecom = [_mss_telecom(a, "PER") for a in addresses]
    if plain_email:
        telecom.append({"system": "email", "value": plain_email})  # not MSSanté
    return {
        "resourceType": "Practitioner", "id": f"003-{rpps}",
        "identifier": [
            {"use": "official", "type": {"coding": [{
                "system": "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203",
                "code": "IDNPS"}]},
             "system": "urn:oid:1.2.250.1.71.4.2.1", "value": f"8{rpps}"},
            {"use": "official", "system": "https://rpps.esante.gouv.fr", "value": rpps},
        ],
        "active": True,
        "name": [{"family": family, "given": [given], "prefix": ["DR"]}],
        "telecom": telecom,
        "qualification": [{"code": {"coding": [
            {"system": "https://mos.esante.gouv.fr/NOS/TRE_R09-CategorieProfessionnelle/"
                       "FHIR/TRE-R09-CategorieProfessionnelle", "code": "C"},
            {"system": "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/"
                       "TRE-G15-ProfessionSante", "code": profession},
        ]}}],
    }


def organization(finess: str, name: str, postal_code: str, city: str,
                 boxes: list[tuple[str, str, str]]) -> dict[str, Any]:
    """An Organization with organisational/applicative mailboxes (address, type, service)."""
    return {
        "resourceType": "Organization", "id": f"001-{finess}",
        "identifier": [{"system": "urn:oid:1.2.250.1.71.4.2.2", "value": f"1{finess}"}],
        "name": name,
        "address": [{"line": ["12 rue de la République"], "postalCode": postal_code,
                     "city": city}],
        "telecom": [_mss_telecom(a, t, s) for a, t, s in boxes],
    }


@dataclass
class FakeFhirServer:
    """Resources by type; ``requests`` records (path, query, api key) for assertions."""

    resources: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, list[str]], str | None]] = field(default_factory=list)
    base_url: str = ""
    status_override: int | None = None
    delay: float = 0.0
    foreign_next: bool = False

    def search(self, kind: str, query: dict[str, list[str]]) -> dict[str, Any]:
        contains = query.get("mailbox-mss:contains", [""])[0].casefold()
        count = int(query.get("_count", ["50"])[0])
        page = int(query.get("_page", ["0"])[0])
        matches = [
            r for r in self.resources.get(kind, [])
            if any(contains in str(t.get("value", "")).casefold() for t in r.get("telecom", []))
        ]
        chunk = matches[page * count:(page + 1) * count]
        links = [{"relation": "self", "url": f"{self.base_url}/{kind}"}]
        if (page + 1) * count < len(matches):
            params = {k: v[0] for k, v in query.items()} | {"_page": str(page + 1)}
            host = "http://evil.example" if self.foreign_next else self.base_url
            links.append({"relation": "next", "url": f"{host}/{kind}?{urlencode(params)}"})
        return {
            "resourceType": "Bundle", "type": "searchset", "total": len(matches),
            "link": links,
            "entry": [{"fullUrl": f"{self.base_url}/{kind}/{r['id']}", "resource": r,
                       "search": {"mode": "match"}} for r in chunk],
        }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # stdlib name
        return

    def do_GET(self) -> None:  # stdlib name
        fake = self.server.fake
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        key = self.headers.get("ESANTE-API-KEY")
        fake.requests.append((parts.path, query, key))
        if fake.delay:
            threading.Event().wait(fake.delay)
        if fake.status_override is not None:
            self._send(fake.status_override, {"resourceType": "OperationOutcome"})
            return
        if key != FAKE_API_KEY:
            self._send(401, {"message": "Invalid API key"})
            return
        kind = parts.path.rsplit("/", 1)[-1]
        self._send(200, fake.search(kind, query))

    def _send(self, status: int, document: dict[str, Any]) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeFhirServer


@contextmanager
def fake_fhir_server(fake: FakeFhirServer) -> Iterator[FakeFhirServer]:
    """Run ``fake`` on 127.0.0.1 (free port) for the duration of the block."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/fhir/v2"
    thread = threading.Thread(target=server.serve_forever, name="fake-fhir", daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class FakeKeyring(keyring.backend.KeyringBackend):
    """In-memory keyring holding the API key (the real Secret Service is for integration)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)
