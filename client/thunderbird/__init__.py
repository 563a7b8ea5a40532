"""Thunderbird provisioning: find a profile, add an MSSanté account (bridge or direct),
take it away again.

- :mod:`client.thunderbird.profiles`: ``profiles.ini`` discovery, running check;
- :mod:`client.thunderbird.setup`: :func:`setup_bridge`, :func:`setup_direct`,
  :func:`remove_setup`;
- :mod:`client.thunderbird.policies`: enterprise policies (``SecurityDevices``,
  ``Certificates/Install``) for administrators who deploy install-wide;
- :mod:`client.thunderbird.prefs`, :mod:`client.thunderbird.nss`: the files and NSS
  databases underneath.
"""

from __future__ import annotations

from client.thunderbird.errors import (
    NoThunderbirdProfile,
    NssError,
    NssToolMissing,
    ThunderbirdError,
    ThunderbirdRunning,
)
from client.thunderbird.profiles import (
    ThunderbirdProfile,
    default_profile,
    find_profiles,
    is_running,
)
from client.thunderbird.setup import (
    BridgeAccount,
    BridgeSending,
    DirectAccount,
    SetupReport,
    remove_setup,
    setup_bridge,
    setup_direct,
)

__all__ = [
    "BridgeAccount",
    "BridgeSending",
    "DirectAccount",
    "NoThunderbirdProfile",
    "NssError",
    "NssToolMissing",
    "SetupReport",
    "ThunderbirdError",
    "ThunderbirdProfile",
    "ThunderbirdRunning",
    "default_profile",
    "find_profiles",
    "is_running",
    "remove_setup",
    "setup_bridge",
    "setup_direct",
]
