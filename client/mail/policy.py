"""Recipient policy: MSSanté mail only goes to the trust space.

Every recipient's domain must be on the national liste blanche; patients' mailboxes on
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


def load_trust_space() -> TrustSpace | None:
    """The imported liste blanche, or None when none was imported (or it is unreadable)."""
    from client.whitelist import TrustSpace as ListeBlanche
    from client.whitelist import WhitelistError

    try:
        return WhitelistTrust(ListeBlanche.load())
    except WhitelistError as exc:
        logger.warning("no usable liste blanche (%s): recipients cannot be checked", exc)
        return None


@dataclass(frozen=True)
class RecipientVerdict:
    """A recipient the policy accepts; ``patient`` flags a patient's mailbox."""

    address: str
    patient: bool


class RecipientPolicy:
    """Checks recipients against the trust space."""

    def __init__(self, trust: TrustSpace | None) -> None:
        self.trust = trust

    def check(self, recipients: Sequence[str]) -> list[RecipientVerdict]:
        """Accept every recipient or raise for the first refused one.

        Raises:
            RecipientRefused: rule ``no-recipient``, ``invalid-address``,
                ``no-trust-list`` (no liste blanche imported) or ``outside-trust-space``.
        """
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
            if self.trust is None:
                raise RecipientRefused(address, "no-trust-list")
            if not self.trust.is_trusted(address):
                raise RecipientRefused(address, "outside-trust-space")
            verdicts.append(RecipientVerdict(address, patient=False))
        return verdicts
