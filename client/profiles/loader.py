"""Load and validate an operator profile (a contract: administrators write these files).

Errors name the file and the dotted key (``auth.method``) so that an administrator can
fix the profile without guessing. Unknown keys are kept aside (``Profile.extra``) and
logged, never fatal: later versions may extend the contract.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from client.audit_key import use_profile_secrets
from client.errors import ClientError
from client.paths import app_paths
from client.profiles.model import (
    AUTH_METHODS,
    DEFAULT_ACR_VALUES,
    DEFAULT_SCOPE,
    SECRET_SOURCES,
    SECURITY_MODES,
    AuthSettings,
    Endpoint,
    Profile,
    SecretsSettings,
)

__all__ = [
    "PROFILE_ENV",
    "NoProfile",
    "ProfileError",
    "default_profile_path",
    "load_default_profile",
    "load_profile",
    "parse_profile",
]

logger = logging.getLogger(__name__)

PROFILE_ENV = "MSSANTE_COMPANION_PROFILE"
PROFILE_FILE_NAME = "profile.toml"

_KNOWN: dict[str, set[str]] = {
    "account": {"address"},
    "imap": {"host", "port", "security"},
    "smtp": {"host", "port", "security"},
    "trust": {"ca_file", "domains"},
    "auth": {
        "method", "pkcs11_module", "issuer", "discovery_url", "client_id", "scope",
        "acr_values", "certificate_file", "gateway", "gateway_ca", "external_user",
    },
    "secrets": {
        "source", "password_file", "cache_key_file", "password_credential",
        "cache_key_credential",
    },
}
# RFC 5321 section 4.1.2 is broader; a mailbox address we can sign in with is simpler.
_ADDRESS = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?)$")


class ProfileError(ClientError):
    """The profile file is unreadable or invalid.

    Attributes:
        path: the profile file.
        key: dotted key at fault (``"imap.port"``), or ``""`` for the whole file.
        problem: what is wrong with it.
    """

    def __init__(self, path: Path | None, key: str, problem: str) -> None:
        self.path = path
        self.key = key
        self.problem = problem
        where = f"{path}" if path else "profile"
        super().__init__(f"{where}: {key + ': ' if key else ''}{problem}")


class NoProfile(ClientError):
    """No profile was given and none is configured.

    Attributes:
        searched: the default location that was looked at.
    """

    def __init__(self, searched: Path) -> None:
        self.searched = searched
        super().__init__(f"no operator profile at {searched}")


def default_profile_path() -> Path:
    """Where the default profile lives: ``$MSSANTE_COMPANION_PROFILE`` or the config dir."""
    explicit = os.environ.get(PROFILE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    return app_paths().config / PROFILE_FILE_NAME


def load_default_profile(explicit: str | os.PathLike[str] | None = None) -> Profile:
    """Load ``explicit`` if given, else the default profile.

    This is where every command (and the desktop app) takes its operator profile, so it
    also points the process's audit trail at the profile's ``[secrets]`` source: a key
    file or a systemd credential seals the entries with a key derived from the cache key
    (:func:`client.audit_key.use_profile_secrets`), the keyring keeps the keyring's key.

    Raises:
        NoProfile: nothing given and no default profile exists.
        ProfileError: the profile is invalid.
    """
    if explicit:
        profile = load_profile(Path(explicit))
    else:
        path = default_profile_path()
        if not path.exists():
            raise NoProfile(path)
        profile = load_profile(path)
    use_profile_secrets(profile.secrets)
    return profile


def load_profile(path: Path) -> Profile:
    """Read and validate the TOML profile at ``path``.

    Raises:
        ProfileError: the file cannot be read, is not TOML, or a key is missing or invalid.
    """
    path = Path(path).expanduser().resolve()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProfileError(path, "", f"cannot read the file ({exc.strerror or exc})") from exc
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProfileError(path, "", "the file is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, "", f"not valid TOML ({exc})") from exc
    return parse_profile(document, path)


def parse_profile(document: Mapping[str, Any], path: Path | None = None) -> Profile:
    """Validate an already-parsed profile; relative paths resolve against ``path``'s folder."""
    base = path.parent if path else Path.cwd()
    extra: dict[str, object] = {}
    for table, value in document.items():
        if table not in _KNOWN:
            logger.info("profile %s: unknown table [%s] ignored", path, table)
            extra[table] = value
            continue
        if not isinstance(value, Mapping):
            raise ProfileError(path, table, f"must be a table ([{table}])")
        for key in value:
            if key not in _KNOWN[table]:
                logger.info("profile %s: unknown key %s.%s ignored", path, table, key)
                extra[f"{table}.{key}"] = value[key]

    address = _string(document, path, "account", "address")
    if not _ADDRESS.match(address):
        raise ProfileError(path, "account.address", f"{address!r} is not a mailbox address")
    imap = _endpoint(document, path, "imap")
    smtp = _endpoint(document, path, "smtp")

    ca_file: Path | None = None
    ca_value = _string(document, path, "trust", "ca_file", required=False)
    if ca_value:
        ca_file = _existing_file(path, base, "trust.ca_file", ca_value)

    auth = _auth(document, path, base)
    return Profile(
        address=address, imap=imap, smtp=smtp, auth=auth, ca_file=ca_file, source=path,
        extra=extra, secrets=_secrets(document, path, base),
        trusted_domains=_domains(document, path),
    )


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _domains(document: Mapping[str, Any], path: Path | None) -> tuple[str, ...]:
    """``[trust] domains``: a list of mail domains (``hopital-exemple.mssante.fr``)."""
    value = document.get("trust", {}).get("domains", [])
    if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
        raise ProfileError(path, "trust.domains",
                           'expected a list of domains, e.g. ["clinique-exemple.mssante.fr"]')
    domains = tuple(d.strip().lower() for d in value)
    for domain in domains:
        if not _DOMAIN.match(domain):
            raise ProfileError(path, "trust.domains", f"{domain!r} is not a mail domain")
    return domains


def _table(document: Mapping[str, Any], path: Path | None, table: str) -> Mapping[str, Any]:
    value = document.get(table, {})
    return cast(Mapping[str, Any], value)


def _string(
    document: Mapping[str, Any], path: Path | None, table: str, key: str,
    *, required: bool = True, default: str = "",
) -> str:
    value = _table(document, path, table).get(key)
    if value is None:
        if required:
            raise ProfileError(path, f"{table}.{key}", "is missing")
        return default
    if not isinstance(value, str):
        raise ProfileError(path, f"{table}.{key}", f"must be a string, not {value!r}")
    value = value.strip()
    if required and not value:
        raise ProfileError(path, f"{table}.{key}", "is empty")
    return value


def _endpoint(document: Mapping[str, Any], path: Path | None, table: str) -> Endpoint:
    if table not in document:
        raise ProfileError(path, table, f"the [{table}] table is missing")
    host = _string(document, path, table, "host")
    if not _HOST.match(host):
        raise ProfileError(path, f"{table}.host", f"{host!r} is not a host name")
    port = _table(document, path, table).get("port")
    if port is None:
        raise ProfileError(path, f"{table}.port", "is missing")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ProfileError(path, f"{table}.port", f"must be a number from 1 to 65535, not {port!r}")
    security = _string(document, path, table, "security")
    if security not in SECURITY_MODES:
        raise ProfileError(
            path, f"{table}.security", f"must be \"starttls\" or \"tls\", not {security!r}"
        )
    return Endpoint(host=host, port=port, security=security)


def _existing_file(path: Path | None, base: Path, key: str, value: str) -> Path:
    candidate = Path(value).expanduser()
    if not candidate.is_absolute():
        candidate = base / candidate
    if not candidate.is_file():
        raise ProfileError(path, key, f"file {candidate} does not exist")
    return candidate


def _auth(document: Mapping[str, Any], path: Path | None, base: Path) -> AuthSettings:
    if "auth" not in document:
        raise ProfileError(path, "auth", "the [auth] table is missing")
    method = _string(document, path, "auth", "method")
    if method not in AUTH_METHODS:
        raise ProfileError(
            path, "auth.method",
            f"must be one of {', '.join(AUTH_METHODS)}, not {method!r}",
        )
    module = _string(document, path, "auth", "pkcs11_module", required=False, default="auto")
    if module != "auto":
        # Resolved but not required to exist: one profile may serve several machines, and
        # the card layer says precisely which library is missing when it is needed.
        candidate = Path(module).expanduser()
        module = str(candidate if candidate.is_absolute() else base / candidate)
    settings: dict[str, Any] = {"method": method, "pkcs11_module": module}
    external_user = _string(document, path, "auth", "external_user", required=False)
    if external_user:
        settings["external_user"] = external_user
    if method == "psc":
        issuer = _string(document, path, "auth", "issuer")
        _https_url(path, "auth.issuer", issuer)
        discovery = _string(document, path, "auth", "discovery_url", required=False)
        if discovery:
            _https_url(path, "auth.discovery_url", discovery)
        settings.update(
            issuer=issuer.rstrip("/"),
            discovery_url=discovery,
            client_id=_string(document, path, "auth", "client_id"),
            scope=_string(document, path, "auth", "scope", required=False, default=DEFAULT_SCOPE)
            or DEFAULT_SCOPE,
            acr_values=_string(
                document, path, "auth", "acr_values", required=False, default=DEFAULT_ACR_VALUES
            ),
        )
        gateway = _string(document, path, "auth", "gateway", required=False)
        if gateway:
            _https_url(path, "auth.gateway", gateway)
            settings["gateway"] = gateway.rstrip("/")
        gateway_ca = _string(document, path, "auth", "gateway_ca", required=False)
        if gateway_ca:
            settings["gateway_ca"] = _existing_file(path, base, "auth.gateway_ca", gateway_ca)
        if "openid" not in settings["scope"].split():
            raise ProfileError(path, "auth.scope", "must include \"openid\"")
    elif method == "certificate":
        value = _string(document, path, "auth", "certificate_file")
        settings["certificate_file"] = _existing_file(path, base, "auth.certificate_file", value)
    return AuthSettings(**settings)


def _https_url(path: Path | None, key: str, value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise ProfileError(path, key, f"must be an https:// URL, not {value!r}")


def _secrets(document: Mapping[str, Any], path: Path | None, base: Path) -> SecretsSettings:
    """The optional ``[secrets]`` table (default: the OS keyring)."""
    source = _string(document, path, "secrets", "source", required=False, default="keyring")
    if source not in SECRET_SOURCES:
        raise ProfileError(path, "secrets.source",
                           f"must be one of {', '.join(SECRET_SOURCES)}, not {source!r}")
    files: dict[str, Path | None] = {}
    for key in ("password_file", "cache_key_file"):
        value = _string(document, path, "secrets", key, required=False)
        # Not required to exist now: the error at use says what is wrong with the file
        # (missing, permissions) and how to fix it.
        files[key] = (base / Path(value).expanduser()) if value else None
    names = {
        key: _string(document, path, "secrets", key, required=False, default=default)
        for key, default in (("password_credential", "mssante-p12-password"),
                             ("cache_key_credential", "mssante-cache-key"))
    }
    if source == "file" and files["cache_key_file"] is None:
        raise ProfileError(path, "secrets.cache_key_file",
                           'is needed with source = "file" (32 random bytes in base64)')
    return SecretsSettings(
        source=source, password_file=files["password_file"],
        cache_key_file=files["cache_key_file"],
        password_credential=names["password_credential"],
        cache_key_credential=names["cache_key_credential"],
    )
