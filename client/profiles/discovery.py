"""Mailbox auto-configuration from DNS SRV records (RFC 6186, RFC 8314 section 5.1).

For ``user@example.org`` we ask ``_imaps._tcp``, ``_imap._tcp``, ``_submissions._tcp`` and
``_submission._tcp`` under ``example.org``. RFC 6186 section 3.4: a target of ``"."``
means "service not offered"; lowest priority first, then highest weight. Implicit TLS is
preferred over STARTTLS when both are published (RFC 8314 section 5.1). The resolver is
injectable: tests and offline machines pass a function.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from client.errors import ClientError
from client.profiles.model import Endpoint, Security

__all__ = ["DiscoveredServers", "DiscoveryFailed", "SrvRecord", "discover_servers", "dns_resolver"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SrvRecord:
    """One SRV answer (RFC 2782)."""

    priority: int
    weight: int
    port: int
    target: str


Resolver = Callable[[str], Sequence[SrvRecord]]


@dataclass(frozen=True)
class DiscoveredServers:
    """The endpoints found for a domain."""

    domain: str
    imap: Endpoint
    smtp: Endpoint


class DiscoveryFailed(ClientError):
    """DNS publishes no usable IMAP or submission service for the domain.

    Attributes:
        domain: the mail domain asked.
        missing: ``"imap"`` or ``"smtp"``.
    """

    def __init__(self, domain: str, missing: str) -> None:
        self.domain = domain
        self.missing = missing
        super().__init__(f"no {missing} SRV record for {domain}")


def dns_resolver(name: str) -> Sequence[SrvRecord]:
    """Resolve SRV records with dnspython; an absent name gives an empty list."""
    import dns.exception
    import dns.resolver

    try:
        answer = dns.resolver.resolve(name, "SRV", lifetime=5.0)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.NoNameservers):
        return []
    except dns.exception.DNSException as exc:
        logger.info("SRV lookup of %s failed: %s", name, exc)
        return []
    return [
        SrvRecord(r.priority, r.weight, r.port, r.target.to_text(omit_final_dot=True) or ".")
        for r in answer
    ]


def _best(records: Sequence[SrvRecord]) -> SrvRecord | None:
    usable = [r for r in records if r.target not in (".", "") and r.port > 0]
    if not usable:
        return None
    return sorted(usable, key=lambda r: (r.priority, -r.weight))[0]


def _endpoint(
    domain: str, resolver: Resolver, choices: Sequence[tuple[str, Security]]
) -> Endpoint | None:
    for service, security in choices:
        record = _best(resolver(f"{service}._tcp.{domain}"))
        if record is not None:
            return Endpoint(host=record.target.rstrip("."), port=record.port, security=security)
    return None


def discover_servers(address: str, resolver: Resolver | None = None) -> DiscoveredServers:
    """Find the IMAP and submission endpoints of ``address``'s domain through DNS SRV.

    Raises:
        DiscoveryFailed: a service is not published.
    """
    resolve = resolver or dns_resolver
    domain = address.rpartition("@")[2].lower()
    imap = _endpoint(domain, resolve, (("_imaps", "tls"), ("_imap", "starttls")))
    if imap is None:
        raise DiscoveryFailed(domain, "imap")
    smtp = _endpoint(domain, resolve, (("_submissions", "tls"), ("_submission", "starttls")))
    if smtp is None:
        raise DiscoveryFailed(domain, "smtp")
    return DiscoveredServers(domain=domain, imap=imap, smtp=smtp)
