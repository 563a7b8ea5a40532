"""The MSSanté trust space: the national *liste blanche* of operator domains.

ANS publishes ``listeblanchemssante.xml`` (namespace ``https://listeblanche.mssante.fr/schema``):
``ListeBlancheMSSante/DateDeGeneration`` and
``ListeDomaines/Domaine{Nom, Description, DNCertificatOperateur, ResponsableContact,
SupportContact, DateMAJ}``; a domain repeats once per operator certificate. A checksum
file beside it holds the SHA-256 of the XML (seen as the bare hex digest, and as the
digest written twice).

The XML comes from the network: it is parsed with defusedxml, which refuses any DTD,
entity declaration or external reference (XXE, "billion laughs").

Public API for the recipient policy::

    space = TrustSpace.load()            # the imported list (WhitelistNotImported if none)
    decision = space.check("a@b.mssante.fr")
    decision.inside, decision.domain, decision.operator, decision.is_patient

Patients' mailboxes (``@patient.mssante.fr``) are inside the trust space but flagged,
so that the policy can apply the patient rules (no structured document without INS...).

    ClientError
     └── WhitelistError
          ├── WhitelistFormatError     not a liste blanche (or not well-formed XML)
          ├── WhitelistUnsafeXml       DTD, entities or external references refused
          ├── WhitelistChecksumError   the XML does not match its published checksum
          └── WhitelistNotImported     no list imported yet
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError  # types only

import defusedxml
import defusedxml.ElementTree as SafeET

from client.errors import ClientError
from client.paths import app_paths, private_dir

__all__ = [
    "DEFAULT_CHECKSUM_URL",
    "DEFAULT_URL",
    "NAMESPACE",
    "PATIENT_DOMAIN",
    "Operator",
    "TrustDecision",
    "TrustSpace",
    "WhitelistChecksumError",
    "WhitelistError",
    "WhitelistFormatError",
    "WhitelistNotImported",
    "WhitelistUnsafeXml",
    "bundled_whitelist_path",
    "default_whitelist_path",
    "import_file",
    "import_whitelist",
    "verify_checksum",
]

logger = logging.getLogger(__name__)

DEFAULT_URL = "https://espacedeconfiance.mssante.fr/listeblanchemssante.xml"
DEFAULT_CHECKSUM_URL = DEFAULT_URL + ".checksum"
NAMESPACE = "https://listeblanche.mssante.fr/schema"
PATIENT_DOMAIN = "patient.mssante.fr"
WHITELIST_FILENAME = "listeblanchemssante.xml"
MAX_XML_BYTES = 64 * 1024 * 1024  # the real list is about 350 KB

_HEX64 = re.compile(r"\b([0-9a-fA-F]{64})")


class WhitelistError(ClientError):
    """Root of the liste blanche errors."""


class WhitelistFormatError(WhitelistError):
    """The file is not a liste blanche; ``reason`` says what was wrong."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class WhitelistUnsafeXml(WhitelistError):
    """The XML declares a DTD, entities or external references (XXE, entity bombs)."""

    def __init__(self, source: str, construct: str) -> None:
        super().__init__(f"{source}: refused XML construct ({construct})")
        self.source = source
        self.construct = construct


class WhitelistChecksumError(WhitelistError):
    """The XML's SHA-256 differs from the published checksum."""

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(f"SHA-256 {actual} does not match the published {expected}")
        self.expected = expected
        self.actual = actual


class WhitelistNotImported(WhitelistError):
    """No liste blanche has been imported yet."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no liste blanche at {path}")
        self.path = path


@dataclass(frozen=True)
class Operator:
    """One operator entry of a domain (one per operator certificate)."""

    description: str
    certificate_dn: str = ""
    responsible_contact: str = ""
    support_contact: str = ""
    updated: str = ""


@dataclass(frozen=True)
class TrustDecision:
    """Whether an address is inside the MSSanté trust space, and why.

    Attributes:
        address: the address checked, as given (stripped).
        inside: True when the domain is listed (or is the patients' domain).
        domain: the domain part, lower-cased ("" when the address is malformed).
        operator: the first operator's description, for display.
        operators: every operator entry of the domain.
        is_patient: a patient's mailbox on ``patient.mssante.fr``.
        reason: why it is outside ("" when inside).
    """

    address: str
    inside: bool
    domain: str
    operator: str = ""
    operators: tuple[Operator, ...] = ()
    is_patient: bool = False
    reason: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping (``whitelist check --json``)."""
        return {
            "address": self.address,
            "inside": self.inside,
            "domain": self.domain,
            "operator": self.operator,
            "operators": [op.__dict__ for op in self.operators],
            "is_patient": self.is_patient,
            "reason": self.reason,
        }


def _domain_of(address: str) -> str | None:
    if "<" in address:
        # "Dr Claire Dubois <claire.dubois@...>" as pasted from a mail header.
        address = parseaddr(address)[1]
    local, at, domain = address.strip().rpartition("@")
    domain = domain.strip().rstrip(".").lower()
    if not at or not local or not domain or "." not in domain or " " in domain:
        return None
    return domain


@dataclass(frozen=True)
class TrustSpace:
    """The domains of the trust space with their operators (immutable).

    ``skipped`` counts ``Domaine`` entries without a usable name; ``repaired`` tells
    that the missing closing root tag of the published file was restored.
    """

    domains: Mapping[str, tuple[Operator, ...]]
    generated: datetime | None = None
    source: str = ""
    skipped: int = 0
    repaired: bool = False

    def __post_init__(self) -> None:
        # A private copy: the caller's mapping may change, this one does not.
        object.__setattr__(self, "domains", dict(self.domains))

    def __len__(self) -> int:
        return len(self.domains)

    @classmethod
    def parse(cls, data: bytes, source: str = "liste blanche") -> TrustSpace:
        """Parse the XML of a liste blanche.

        Raises:
            WhitelistUnsafeXml: DTD, entity declarations or external references.
            WhitelistFormatError: not well-formed, not a liste blanche, or no domain.
        """
        if len(data) > MAX_XML_BYTES:
            raise WhitelistFormatError(source, f"file too large ({len(data)} bytes)")
        repaired = False
        stripped = data.rstrip()
        if stripped.endswith(b"</ListeDomaines>") and b"</ListeBlancheMSSante>" not in data:
            # The list published on 2025-03-13 (checksum included) ends after
            # </ListeDomaines>, without closing its root element; that one missing end
            # tag is restored, nothing else is.
            data = stripped + b"\n</ListeBlancheMSSante>\n"
            repaired = True
        try:
            root = SafeET.fromstring(data, forbid_dtd=True)
        except defusedxml.DefusedXmlException as exc:
            raise WhitelistUnsafeXml(source, type(exc).__name__) from exc
        except ParseError as exc:
            raise WhitelistFormatError(source, f"not well-formed XML ({exc})") from exc
        except (LookupError, ValueError) as exc:
            # An XML declaration naming an unknown encoding, or bytes it cannot decode.
            raise WhitelistFormatError(source, f"unreadable XML encoding ({exc})") from exc
        if repaired:
            # ANS publishes the list without its closing root tag (the copy shipped in
            # resources/data is byte for byte the published one): a known quirk, repaired
            # on every load, not worth a warning on every command.
            logger.info("%s lacks its closing </ListeBlancheMSSante> tag; restored", source)
        if _local(root.tag) != "ListeBlancheMSSante":
            raise WhitelistFormatError(
                source, f"root element is {_local(root.tag)!r}, not ListeBlancheMSSante"
            )
        domains: dict[str, list[Operator]] = {}
        skipped = 0
        for element in root.iter():
            if _local(element.tag) != "Domaine":
                continue
            values = {_local(child.tag): (child.text or "").strip() for child in element}
            name = values.get("Nom", "").lower().rstrip(".")
            if not name or " " in name or "." not in name:
                skipped += 1
                continue
            operator = Operator(
                description=values.get("Description", ""),
                certificate_dn=values.get("DNCertificatOperateur", ""),
                responsible_contact=values.get("ResponsableContact", ""),
                support_contact=values.get("SupportContact", ""),
                updated=values.get("DateMAJ", ""),
            )
            entries = domains.setdefault(name, [])
            if operator not in entries:
                entries.append(operator)
        if not domains:
            raise WhitelistFormatError(source, "the list holds no domain")
        generated = _date(_child_text(root, "DateDeGeneration"))
        return cls(
            {name: tuple(ops) for name, ops in domains.items()},
            generated=generated, source=source, skipped=skipped, repaired=repaired,
        )

    @classmethod
    def load(cls, path: Path | None = None) -> TrustSpace:
        """The imported list (from ``app_paths().data``, or ``path``).

        Raises:
            WhitelistNotImported: nothing imported yet.
        """
        path = Path(path) if path is not None else default_whitelist_path()
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise WhitelistNotImported(path) from None
        return cls.parse(data, source=path.name)

    def lookup(self, domain: str) -> tuple[Operator, ...]:
        """The operators of ``domain`` (any case), empty when it is not listed."""
        return self.domains.get(domain.strip().rstrip(".").lower(), ())

    def contains(self, address: str) -> bool:
        """Whether ``address`` belongs to the trust space."""
        return self.check(address).inside

    def check(self, address: str) -> TrustDecision:
        """The decision for one address (never raises on bad input)."""
        address = address.strip()
        domain = _domain_of(address)
        if domain is None:
            return TrustDecision(address, False, "", reason="not an e-mail address")
        if domain == PATIENT_DOMAIN:
            # Patients' mailboxes (@patient.mssante.fr) belong to the trust space without being
            # listed by an operator.
            operators = self.lookup(domain)
            return TrustDecision(
                address, True, domain,
                operator=operators[0].description if operators else "MSSanté patients",
                operators=operators, is_patient=True,
            )
        operators = self.lookup(domain)
        if not operators:
            return TrustDecision(
                address, False, domain, reason=f"{domain} is not on the liste blanche"
            )
        return TrustDecision(
            address, True, domain, operator=operators[0].description, operators=operators
        )

    def check_all(self, addresses: Iterable[str]) -> list[TrustDecision]:
        """Decisions for several recipients, in order."""
        return [self.check(address) for address in addresses]


def _local(tag: object) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rpartition("}")[2]


def _child_text(root: Element, name: str) -> str:
    for child in root:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None


def bundled_whitelist_path() -> Path:
    """The last published list shipped with the application (``resources/data/``).

    A fresh install starts from it, so that it can write to a colleague before its
    first download of the list; see ``resources/data/SOURCE.md`` for its origin.
    """
    return Path(__file__).resolve().parents[1] / "resources" / "data" / WHITELIST_FILENAME


def default_whitelist_path() -> Path:
    """Where the imported list is kept: ``app_paths().data / listeblanchemssante.xml``."""
    return app_paths().data / WHITELIST_FILENAME


def verify_checksum(data: bytes, checksum_text: str) -> str:
    """Check ``data`` against a published checksum file's text; return the digest.

    The file holds the SHA-256 in hex: alone, followed by a file name (sha256sum
    style), or written twice in a row (as published beside the liste blanche).

    Raises:
        WhitelistFormatError: no SHA-256 digest in the checksum text.
        WhitelistChecksumError: the digest differs.
    """
    compact = "".join(checksum_text.split()).lower()
    if re.fullmatch(r"[0-9a-f]{128}", compact) and compact[:64] == compact[64:]:
        digests = {compact[:64]}
    else:
        digests = {match.lower() for match in _HEX64.findall(checksum_text)}
    if len(digests) != 1:
        raise WhitelistFormatError("checksum", "no single SHA-256 digest in the checksum file")
    expected = digests.pop()
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise WhitelistChecksumError(expected, actual)
    return actual


def import_whitelist(
    source: Path, checksum: str | None = None, target: Path | None = None
) -> TrustSpace:
    """Validate a downloaded liste blanche and make it the current one, atomically.

    Args:
        source: the XML file.
        checksum: the text of its published checksum file, when available.
        target: where to keep it (default :func:`default_whitelist_path`).

    Raises:
        WhitelistUnsafeXml, WhitelistFormatError, WhitelistChecksumError: the file is
            refused and the current list is kept.
    """
    source = Path(source)
    with source.open("rb") as handle:
        data = handle.read(MAX_XML_BYTES + 1)
    if checksum is not None:
        verify_checksum(data, checksum)
    space = TrustSpace.parse(data, source=source.name)
    target = Path(target) if target is not None else default_whitelist_path()
    private_dir(target.parent)
    handle_fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle_fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    logger.info("liste blanche: %d domains from %s (generated %s)",
                len(space), source.name, space.generated)
    return space


# The name the desktop app's settings dialog looks for.
import_file = import_whitelist
