"""Known MSSanté operators (``resources/operators.toml``, editable by administrators).

A known operator turns a bare mailbox address into a profile draft: its endpoints and
default method. The list ships with the application; an administrator may drop an
``operators.toml`` into the config directory, whose entries come first.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from client.paths import app_paths
from client.profiles.loader import ProfileError, parse_profile
from client.profiles.model import Profile

__all__ = ["KnownOperator", "find_operator", "known_operators", "shipped_operators_file"]

logger = logging.getLogger(__name__)

_FILE_NAME = "operators.toml"


def shipped_operators_file() -> Path:
    """The list shipped in ``resources/`` (next to the packages)."""
    return Path(__file__).resolve().parents[2] / "resources" / _FILE_NAME


@dataclass(frozen=True)
class KnownOperator:
    """One operator of the list: its domains, endpoints and default method."""

    name: str
    domains: tuple[str, ...]
    imap: Mapping[str, Any]
    smtp: Mapping[str, Any]
    method: str
    auth: Mapping[str, Any]

    def serves(self, address_or_domain: str) -> bool:
        """True when the address's domain (or the domain itself) is one of this operator's."""
        domain = address_or_domain.rpartition("@")[2].lower()
        return any(domain == d or domain.endswith("." + d) for d in self.domains)

    def profile_for(self, address: str) -> Profile:
        """A profile for ``address`` at this operator (validated like a file)."""
        auth: dict[str, Any] = {"method": self.method, **self.auth}
        return parse_profile(
            {
                "account": {"address": address},
                "imap": dict(self.imap),
                "smtp": dict(self.smtp),
                "auth": auth,
            }
        )


def _parse(path: Path) -> list[KnownOperator]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(path, "", f"cannot read the file ({exc.strerror or exc})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(path, "", f"not valid TOML ({exc})") from exc
    entries = document.get("operator", [])
    if not isinstance(entries, list):
        raise ProfileError(path, "operator", "must be an array of tables ([[operator]])")
    operators = []
    for index, entry in enumerate(cast(Sequence[Any], entries)):
        key = f"operator[{index}]"
        if not isinstance(entry, Mapping):
            raise ProfileError(path, key, "must be a table")
        name = entry.get("name")
        domains = entry.get("domains")
        if not isinstance(name, str) or not name:
            raise ProfileError(path, f"{key}.name", "is missing")
        if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
            raise ProfileError(path, f"{key}.domains", "must be a list of domain names")
        for table in ("imap", "smtp"):
            if not isinstance(entry.get(table), Mapping):
                raise ProfileError(path, f"{key}.{table}", "must be a table {host, port, security}")
        auth = entry.get("auth", {})
        if not isinstance(auth, Mapping):
            raise ProfileError(path, f"{key}.auth", "must be a table")
        operators.append(
            KnownOperator(
                name=name,
                domains=tuple(d.lower() for d in domains),
                imap=entry["imap"],
                smtp=entry["smtp"],
                method=str(entry.get("method", "card-tls")),
                auth=auth,
            )
        )
    return operators


def known_operators(extra_files: Sequence[Path] = ()) -> list[KnownOperator]:
    """The known operators: ``extra_files``, then the admin's list, then the shipped one."""
    files = [*extra_files, app_paths().config / _FILE_NAME, shipped_operators_file()]
    operators: list[KnownOperator] = []
    for path in files:
        if path.is_file():
            operators.extend(_parse(path))
    return operators


def find_operator(address: str, extra_files: Sequence[Path] = ()) -> KnownOperator | None:
    """The first known operator serving ``address``'s domain, or None."""
    for operator in known_operators(extra_files):
        if operator.serves(address):
            return operator
    return None
