"""Operator profiles: the TOML contract (read and written), known operators and DNS SRV
autodiscovery."""

from __future__ import annotations

from client.profiles.discovery import DiscoveredServers, SrvRecord, discover_servers
from client.profiles.loader import (
    PROFILE_ENV,
    NoProfile,
    ProfileError,
    default_profile_path,
    load_default_profile,
    load_profile,
    parse_profile,
)
from client.profiles.model import AuthSettings, Endpoint, Profile
from client.profiles.operators import KnownOperator, find_operator, known_operators
from client.profiles.writer import profile_text, write_profile

__all__ = [
    "PROFILE_ENV",
    "AuthSettings",
    "DiscoveredServers",
    "Endpoint",
    "KnownOperator",
    "NoProfile",
    "Profile",
    "ProfileError",
    "SrvRecord",
    "default_profile_path",
    "discover_servers",
    "find_operator",
    "known_operators",
    "load_default_profile",
    "load_profile",
    "parse_profile",
    "profile_text",
    "write_profile",
]
