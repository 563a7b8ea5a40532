"""Write an operator profile back to its TOML file (the contract :mod:`client.profiles.loader`
reads): the first-run assistant saves the profile it found, the sandbox writes the
profiles of its local operator.

Only the contract's keys are written, each once, so that :func:`load_profile` of the file
gives the same :class:`Profile` (its ``source`` and unknown ``extra`` keys aside). Paths
are written as they are held: absolute once loaded, relative when a caller builds the
profile by hand for a file that sits beside them.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from client.paths import private_dir
from client.profiles.model import Endpoint, Profile, SecretsSettings

__all__ = ["profile_text", "write_profile"]


def _quoted(value: str | Path) -> str:
    """A TOML basic string (JSON string syntax is a subset TOML accepts)."""
    return json.dumps(str(value), ensure_ascii=False)


def _endpoint(table: str, endpoint: Endpoint) -> list[str]:
    return [f"[{table}]", f"host = {_quoted(endpoint.host)}", f"port = {endpoint.port}",
            f"security = {_quoted(endpoint.security)}"]


def _auth(profile: Profile) -> list[str]:
    auth = profile.auth
    lines = ["[auth]", f"method = {_quoted(auth.method)}"]
    # A certificate sign-in uses no card: its module is written only when one was named.
    if auth.method != "certificate" or auth.pkcs11_module != "auto":
        lines.append(f"pkcs11_module = {_quoted(auth.pkcs11_module)}")
    if auth.external_user:
        lines.append(f"external_user = {_quoted(auth.external_user)}")
    if auth.method == "psc":
        lines.append(f"issuer = {_quoted(auth.issuer)}")
        if auth.discovery_url:
            lines.append(f"discovery_url = {_quoted(auth.discovery_url)}")
        lines += [f"client_id = {_quoted(auth.client_id)}", f"scope = {_quoted(auth.scope)}",
                  f"acr_values = {_quoted(auth.acr_values)}"]
        if auth.gateway:
            lines.append(f"gateway = {_quoted(auth.gateway)}")
        if auth.gateway_ca is not None:
            lines.append(f"gateway_ca = {_quoted(auth.gateway_ca)}")
    elif auth.method == "certificate" and auth.certificate_file is not None:
        lines.append(f"certificate_file = {_quoted(auth.certificate_file)}")
    return lines


def _secrets(settings: SecretsSettings) -> list[str]:
    if settings == SecretsSettings():
        return []  # the keyring: the table is left out, as administrators write it
    default = SecretsSettings()
    lines = ["[secrets]", f"source = {_quoted(settings.source)}"]
    for key in ("password_file", "cache_key_file"):
        value = getattr(settings, key)
        if value is not None:
            lines.append(f"{key} = {_quoted(value)}")
    for key in ("password_credential", "cache_key_credential"):
        value = getattr(settings, key)
        if value != getattr(default, key):
            lines.append(f"{key} = {_quoted(value)}")
    return lines


def profile_text(profile: Profile, *, header: str = "") -> str:
    """The TOML text of ``profile``; ``header`` (one or more lines) goes first as comments."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += ["[account]", f"address = {_quoted(profile.address)}"]
    lines += _endpoint("imap", profile.imap) + _endpoint("smtp", profile.smtp)
    trust: list[str] = []
    if profile.ca_file is not None:
        trust.append(f"ca_file = {_quoted(profile.ca_file)}")
    if profile.trusted_domains:
        trust.append("domains = [" + ", ".join(_quoted(d) for d in profile.trusted_domains)
                     + "]")
    if trust:
        lines += ["[trust]", *trust]
    lines += _auth(profile) + _secrets(profile.secrets)
    return "\n".join(lines) + "\n"


def write_profile(profile: Profile, target: Path, *, header: str = "") -> Path:
    """Write ``profile`` to ``target`` atomically (a reader never sees half a profile);
    missing folders are created owner-only. Returns ``target``.

    Raises:
        OSError: the folder or the file cannot be written.
    """
    private_dir(target.parent)
    fd, temporary = tempfile.mkstemp(prefix=".profile-", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(profile_text(profile, header=header))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
