"""Recipient policy: MSSanté mail only goes to the trust space.

Every recipient's domain must be on the national liste blanche (the imported one, else
the one shipped with the application); the sender's own domain, and any domain its profile
names, is always inside (a colleague of the same operator is never refused for want of a
list). Patients' mailboxes on
``patient.mssante.fr`` are allowed and flagged (a message to a patient is a different
act: the UI warns, ``X-MSS-MES: FIN`` may apply). One refused recipient refuses the whole
message, before anything is stored or sent: :class:`RecipientRefused` names the address
and the rule.
"""

from __future__ import annotations

import email.utils
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from client.mail.errors import RecipientRefused

__all__ = [
    "PATIENT_DOMAIN",
    "DomainList",
    "RecipientPolicy",
    "CurrentTrust",
    "RecipientVerdict",
    "TrustSpace",
    "WhitelistTrust",
    "load_trust_space",
]

logger = logging.getLogger(__name__)

PATIENT_DOMAIN = "patient.mssante.fr"

# A deliberately plain check: one local part, one domain with a dot, no spaces or angle
# brackets (RFC 5321 section 4.1.2 without quoted local parts, which MSSanté never uses).
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class TrustSpace(Protocol):
    """What the policy asks of the liste blanche."""

    def is_trusted(self, address: str) -> bool:
        """Whether ``address``'s domain belongs to the MSSanté trust space."""
        ...


@dataclass(frozen=True)
class DomainList:
    """A trust space given as a list of domains (tests, or an admin's fixed list)."""

    domains: frozenset[str]

    @classmethod
    def of(cls, domains: Iterable[str]) -> DomainList:
        """Build from domain names (case-insensitive)."""
        return cls(frozenset(d.lower().strip() for d in domains))

    def is_trusted(self, address: str) -> bool:
        """Whether the address's domain is listed."""
        return address.rsplit("@", 1)[-1].lower() in self.domains


class WhitelistTrust:
    """The imported liste blanche (:class:`client.whitelist.TrustSpace`) as a TrustSpace."""

    def __init__(self, space: Any) -> None:
        self.space = space

    def is_trusted(self, address: str) -> bool:
        """Whether the liste blanche holds the address's domain."""
        return bool(self.space.check(address).inside)


class CurrentTrust:
    """The liste blanche in force (:mod:`client.whitelist_current`), followed live: a list
    imported while the app runs applies to the next check."""

    def __init__(self, current: Any = None) -> None:
        from client.whitelist_current import current_whitelist

        self.current = current if current is not None else current_whitelist()

    @property
    def loaded(self) -> bool:
        """A list is in force (imported or shipped)."""
        return self.current.space() is not None

    def is_trusted(self, address: str) -> bool:
        """Whether the list in force holds the address's domain."""
        space = self.current.space()
        return space is not None and bool(space.check(address).inside)


def load_trust_space() -> TrustSpace:
    """The liste blanche in force, followed live (imported, else the shipped one)."""
    trust = CurrentTrust()
    if not trust.loaded:
        logger.warning("no usable liste blanche: recipients outside the sender's domain "
                       "are refused")
    return trust


@dataclass(frozen=True)
class RecipientVerdict:
    """A recipient the policy accepts; ``patient`` flags a patient's mailbox."""

    address: str
    patient: bool


class RecipientPolicy:
    """Checks recipients against the trust space.

    ``own_domains`` are always inside: the sender's operator (and the domains its profile
    names) belongs to the trust space by definition, list or no list.
    """

    def __init__(self, trust: TrustSpace | None, own_domains: Iterable[str] = ()) -> None:
        self.trust = trust
        self.own_domains = frozenset(d.strip().lower() for d in own_domains if d.strip())

    def check(self, recipients: Sequence[str], sender: str = "") -> list[RecipientVerdict]:
        """Accept every recipient or raise for the first refused one.

        ``sender`` (the signed-in address) adds its domain to the own domains.

        Raises:
            RecipientRefused: rule ``no-recipient``, ``invalid-address``,
                ``no-trust-list`` (no liste blanche in force) or ``outside-trust-space``.
        """
        own = self.own_domains
        if "@" in sender:
            own = own | {sender.rpartition("@")[2].strip().lower()}
        if not recipients:
            raise RecipientRefused("", "no-recipient")
        verdicts = []
        for value in recipients:
            address = email.utils.parseaddr(value)[1].strip()
            if not address or not _ADDRESS.match(address):
                raise RecipientRefused(value, "invalid-address")
            domain = address.rsplit("@", 1)[1].lower()
            if domain == PATIENT_DOMAIN:
                verdicts.append(RecipientVerdict(address, patient=True))
                continue
            if domain in own:
                verdicts.append(RecipientVerdict(address, patient=False))
                continue
            if self.trust is None or not getattr(self.trust, "loaded", True):
                raise RecipientRefused(address, "no-trust-list")
            if not self.trust.is_trusted(address):
                raise RecipientRefused(address, "outside-trust-space")
            verdicts.append(RecipientVerdict(address, patient=False))
        return verdicts
