"""Online lookup in the Annuaire Santé FHIR API (v2), when an API key is configured.

The national directory's API (``https://gateway.api.esante.gouv.fr/fhir/v2``, header
``ESANTE-API-KEY``) carries MSSanté addresses as ``telecom`` entries (``system`` email)
with the FR Core extension ``fr-core-contact-point-email-type`` = ``MSSANTE`` and the
Annuaire extension ``as-ext-mailbox-mss-metadata`` (BAL ``type``, ``service``...):
personal boxes on ``Practitioner`` / ``PractitionerRole``, organisational and
applicative ones on ``Organization``. Searches use ``mailbox-mss:contains``; results
come in ``searchset`` bundles of ``_count`` entries, the rest behind ``next`` links.

The API key lives in the system keyring (service ``mssante-companion``), never in a file.
``next`` links are only followed on the API's own host, so the key never leaves it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import keyring
import keyring.errors

from client.directory.errors import AnnuaireAuthError, AnnuaireError
from client.directory.index import DirectoryEntry

__all__ = [
    "API_BASE",
    "EMAIL_TYPE_URL",
    "KEYRING_SERVICE",
    "KEYRING_USER",
    "MAILBOX_METADATA_URL",
    "AnnuaireClient",
    "entries_from_resource",
    "load_api_key",
    "store_api_key",
]

logger = logging.getLogger(__name__)

API_BASE = "https://gateway.api.esante.gouv.fr/fhir/v2"
EMAIL_TYPE_URL = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type"
MAILBOX_METADATA_URL = (
    "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/"
    "as-ext-mailbox-mss-metadata"
)
IDNPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
PROFESSION_SYSTEM_MARK = "TRE-G15-ProfessionSante"
SPECIALTY_SYSTEM_MARK = "TRE-R38-SpecialiteOrdinale"
KEYRING_SERVICE = "mssante-companion"
KEYRING_USER = "esante-api-key"
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
PAGE_SIZE = 50  # the API's default _count
MAX_PAGES = 10

# TRE_G15 labels of the professions most often met (the API sends codes only).
PROFESSION_LABELS = {
    "10": "Médecin", "21": "Pharmacien", "26": "Audioprothésiste", "28": "Opticien-lunetier",
    "40": "Chirurgien-dentiste", "50": "Sage-femme", "60": "Infirmier",
    "69": "Infirmier psychiatrique", "70": "Masseur-kinésithérapeute",
    "80": "Pédicure-podologue", "81": "Orthoprothésiste", "91": "Orthophoniste",
    "92": "Orthoptiste", "94": "Ergothérapeute", "95": "Diététicien",
    "96": "Psychomotricien", "98": "Manipulateur ERM",
}


def load_api_key() -> str | None:
    """The ``ESANTE-API-KEY`` from the keyring, or ``None``.

    Raises:
        AnnuaireAuthError: the keyring cannot be read (locked, no backend).
    """
    try:
        return keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except keyring.errors.KeyringError as exc:
        raise AnnuaireAuthError(f"the system keyring cannot be read ({exc})") from exc


def store_api_key(key: str) -> None:
    """Store the ``ESANTE-API-KEY`` in the keyring (an empty key deletes it).

    Raises:
        AnnuaireAuthError: the keyring cannot be written.
    """
    try:
        if key:
            keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key)
        else:
            keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
    except keyring.errors.PasswordDeleteError:
        return
    except keyring.errors.KeyringError as exc:
        raise AnnuaireAuthError(f"the system keyring cannot be written ({exc})") from exc


def _codings(concept: Any) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding", []) if isinstance(c, dict)]


def _extension(element: dict[str, Any], url: str) -> dict[str, Any] | None:
    for extension in element.get("extension", []) or []:
        if isinstance(extension, dict) and extension.get("url") == url:
            return extension
    return None


def _mailboxes(resource: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(address, BAL type, service) of the MSSanté telecoms of a resource."""
    for telecom in resource.get("telecom", []) or []:
        if not isinstance(telecom, dict) or telecom.get("system") != "email":
            continue
        email_type = _extension(telecom, EMAIL_TYPE_URL)
        if email_type is None:
            continue
        coding = email_type.get("valueCoding") or {}
        if not isinstance(coding, dict) or coding.get("code") != "MSSANTE":
            continue
        address = str(telecom.get("value", "")).strip()
        if "@" not in address:
            continue
        bal_type = service = ""
        metadata = _extension(telecom, MAILBOX_METADATA_URL)
        if metadata is not None:
            for part in metadata.get("extension", []) or []:
                if not isinstance(part, dict):
                    continue
                if part.get("url") == "type":
                    codes = _codings(part.get("valueCodeableConcept"))
                    bal_type = str(codes[0].get("code", "")) if codes else ""
                elif part.get("url") == "service":
                    service = str(part.get("valueString", ""))
        yield address, bal_type, service


def entries_from_resource(resource: dict[str, Any]) -> list[DirectoryEntry]:
    """The MSSanté mailboxes of a ``Practitioner``, ``PractitionerRole`` or ``Organization``."""
    kind = resource.get("resourceType")
    family = given = national_id = profession = specialty = organization = ""
    postal_code = city = ""
    if kind in ("Practitioner", "PractitionerRole"):
        names = resource.get("name") or []
        if names and isinstance(names[0], dict):
            family = str(names[0].get("family", ""))
            given = " ".join(str(g) for g in names[0].get("given", []) or [])
        for identifier in resource.get("identifier", []) or []:
            if isinstance(identifier, dict) and identifier.get("system") == IDNPS_SYSTEM:
                national_id = str(identifier.get("value", ""))
        concepts = [q.get("code") for q in resource.get("qualification", []) or []
                    if isinstance(q, dict)]
        concepts += list(resource.get("code", []) or []) + list(resource.get("specialty", []) or [])
        for concept in concepts:
            for coding in _codings(concept):
                system = str(coding.get("system", ""))
                if PROFESSION_SYSTEM_MARK in system and not profession:
                    code = str(coding.get("code", ""))
                    profession = str(coding.get("display") or PROFESSION_LABELS.get(code, code))
                elif SPECIALTY_SYSTEM_MARK in system and not specialty:
                    specialty = str(coding.get("display") or coding.get("code", ""))
    elif kind == "Organization":
        organization = str(resource.get("name", ""))
        addresses = resource.get("address") or []
        if addresses and isinstance(addresses[0], dict):
            postal_code = str(addresses[0].get("postalCode", ""))
            city = str(addresses[0].get("city", ""))
    else:
        return []
    default_type = "ORG" if kind == "Organization" else "PER"
    return [
        DirectoryEntry(
            address=address, bal_type=bal_type or default_type, family_name=family,
            given_name=given, profession=profession, specialty=specialty,
            national_id=national_id, organization=organization, postal_code=postal_code,
            city=city, service=service,
        )
        for address, bal_type, service in _mailboxes(resource)
    ]


class AnnuaireClient:
    """A small client of the Annuaire Santé FHIR API for MSSanté addresses.

    Args:
        api_key: the ``ESANTE-API-KEY``.
        base_url: the FHIR base (default :data:`API_BASE`).
        transport: an httpx transport (tests use a local server instead).
        timeout: per-request timeouts.
        max_pages: ``next`` links followed at most, per search.
    """

    def __init__(
        self,
        api_key: str,
        base_url: str = API_BASE,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        max_pages: int = MAX_PAGES,
    ) -> None:
        if not api_key:
            raise AnnuaireAuthError("no Annuaire Santé API key is configured")
        self.base_url = base_url.rstrip("/")
        self.max_pages = max_pages
        self._host = urlsplit(self.base_url).netloc
        self._http = httpx.Client(
            headers={"ESANTE-API-KEY": api_key, "Accept": "application/fhir+json"},
            timeout=timeout, transport=transport, follow_redirects=False,
        )

    @classmethod
    def from_keyring(cls, base_url: str = API_BASE, **kwargs: Any) -> AnnuaireClient:
        """A client with the key stored in the keyring.

        Raises:
            AnnuaireAuthError: no key stored, or the keyring is unavailable.
        """
        key = load_api_key()
        if not key:
            raise AnnuaireAuthError("no Annuaire Santé API key is configured")
        return cls(key, base_url, **kwargs)

    def __enter__(self) -> AnnuaireClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def _get(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        try:
            response = self._http.get(url, params=params)
        except httpx.TimeoutException as exc:
            raise AnnuaireError("the Annuaire Santé API did not answer in time") from exc
        except httpx.HTTPError as exc:
            raise AnnuaireError(f"network error ({type(exc).__name__})") from exc
        if response.status_code in (401, 403):
            raise AnnuaireAuthError("the API key was refused", response.status_code)
        if response.status_code != 200:
            raise AnnuaireError("unexpected answer", response.status_code)
        try:
            document = response.json()
        except ValueError as exc:
            raise AnnuaireError("the answer is not JSON") from exc
        if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
            raise AnnuaireError("the answer is not a FHIR Bundle")
        return document

    def iter_resources(self, resource_type: str, params: dict[str, str]) -> Iterator[
            dict[str, Any]]:
        """Resources of a search, following ``next`` links (on the API host only)."""
        url: str | None = f"{self.base_url}/{resource_type}"
        query: dict[str, str] | None = {"_count": str(PAGE_SIZE), **params}
        pages = 0
        while url is not None and pages < self.max_pages:
            bundle = self._get(url, query)
            pages += 1
            for entry in bundle.get("entry", []) or []:
                resource = entry.get("resource") if isinstance(entry, dict) else None
                if isinstance(resource, dict):
                    yield resource
            url, query = None, None
            for link in bundle.get("link", []) or []:
                if isinstance(link, dict) and link.get("relation") == "next":
                    candidate = str(link.get("url", ""))
                    if urlsplit(candidate).netloc != self._host:
                        logger.warning("not following a next link off the API host")
                        break
                    url = candidate

    def search_mailboxes(self, text: str, limit: int = 20) -> list[DirectoryEntry]:
        """MSSanté mailboxes whose address contains ``text`` (persons, then structures)."""
        text = text.strip()
        if not text:
            return []
        found: dict[str, DirectoryEntry] = {}
        for resource_type in ("Practitioner", "PractitionerRole", "Organization"):
            for resource in self.iter_resources(resource_type, {"mailbox-mss:contains": text}):
                for entry in entries_from_resource(resource):
                    if text.casefold() in entry.address.casefold():
                        found.setdefault(entry.address.casefold(), entry)
                if len(found) >= limit:
                    return list(found.values())[:limit]
        return list(found.values())[:limit]
