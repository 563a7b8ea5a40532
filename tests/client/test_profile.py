"""Operator profiles: the TOML contract, known operators, SRV discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from client.profiles import (
    NoProfile,
    ProfileError,
    SrvRecord,
    discover_servers,
    find_operator,
    load_default_profile,
    load_profile,
)
from client.profiles.discovery import DiscoveryFailed

CARD_PROFILE = """
[account]
address = "jean.martin@hopital-exemple.mssante.fr"
[imap]
host = "imap.hopital-exemple.mssante.fr"
port = 143
security = "starttls"
[smtp]
host = "smtp.hopital-exemple.mssante.fr"
port = 465
security = "tls"
[trust]
ca_file = "anchors/chain.pem"
[auth]
method = "card-tls"
pkcs11_module = "auto"
"""

PSC_AUTH = """
[auth]
method = "psc"
issuer = "https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet/"
discovery_url = "https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet/.well-known/wallet-openid-configuration"
client_id = "compagnon"
"""


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "anchors").mkdir(exist_ok=True)
    (tmp_path / "anchors" / "chain.pem").write_text("anchors")
    path = tmp_path / "profile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_card_profile_loads_with_relative_ca_file(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path, CARD_PROFILE))
    assert profile.address == "jean.martin@hopital-exemple.mssante.fr"
    assert profile.domain == "hopital-exemple.mssante.fr"
    assert (profile.imap.host, profile.imap.port, profile.imap.implicit_tls) == (
        "imap.hopital-exemple.mssante.fr", 143, False,
    )
    assert profile.smtp.implicit_tls
    assert profile.ca_file == (tmp_path / "anchors" / "chain.pem").resolve()
    assert profile.auth.method == "card-tls"
    assert profile.auth.pkcs11_module == "auto"


def test_psc_profile_defaults_scope_and_acr(tmp_path: Path) -> None:
    text = CARD_PROFILE.split("[auth]")[0] + PSC_AUTH
    profile = load_profile(_write(tmp_path, text))
    assert profile.auth.issuer == "https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet"
    assert profile.auth.scope == "openid scope_all"
    assert profile.auth.acr_values == "eidas1"
    assert profile.auth.effective_discovery_url.endswith("wallet-openid-configuration")


def test_default_discovery_url_is_standard(tmp_path: Path) -> None:
    text = CARD_PROFILE.split("[auth]")[0] + PSC_AUTH.replace("discovery_url", "#")
    profile = load_profile(_write(tmp_path, text))
    assert profile.auth.effective_discovery_url == (
        "https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet"
        "/.well-known/openid-configuration"
    )


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('port = 143', 'port = "143"', "imap.port"),
        ('port = 143', 'port = 70000', "imap.port"),
        ('security = "starttls"', 'security = "ssl"', "imap.security"),
        ('method = "card-tls"', 'method = "password"', "auth.method"),
        ('address = "jean.martin@hopital-exemple.mssante.fr"', 'address = "j"',
         "account.address"),
        ('ca_file = "anchors/chain.pem"', 'ca_file = "missing.pem"', "trust.ca_file"),
        ('host = "smtp.hopital-exemple.mssante.fr"', 'host = "bad host"', "smtp.host"),
    ],
)
def test_invalid_value_names_key_and_file(tmp_path: Path, old: str, new: str, key: str) -> None:
    assert old in CARD_PROFILE
    path = _write(tmp_path, CARD_PROFILE.replace(old, new, 1))
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert info.value.key == key
    assert info.value.path == path.resolve()
    assert str(path.resolve()) in str(info.value)


def test_missing_table_and_key(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as info:
        load_profile(_write(tmp_path, CARD_PROFILE.replace("[smtp]", "[other]")))
    assert info.value.key == "smtp"
    text = CARD_PROFILE.split("[auth]")[0] + PSC_AUTH.replace('client_id = "compagnon"', "")
    with pytest.raises(ProfileError) as info:
        load_profile(_write(tmp_path, text))
    assert info.value.key == "auth.client_id"


def test_pkcs11_module_resolved_not_required(tmp_path: Path) -> None:
    text = CARD_PROFILE.replace('pkcs11_module = "auto"', 'pkcs11_module = "lib/cps.so"')
    profile = load_profile(_write(tmp_path, text))
    assert profile.auth.pkcs11_module == str(tmp_path.resolve() / "lib" / "cps.so")


def test_certificate_profile_requires_file(tmp_path: Path) -> None:
    text = CARD_PROFILE.split("[auth]")[0] + '[auth]\nmethod = "certificate"\n'
    with pytest.raises(ProfileError) as info:
        load_profile(_write(tmp_path, text))
    assert info.value.key == "auth.certificate_file"
    (tmp_path / "bal.p12").write_bytes(b"p12")
    profile = load_profile(_write(tmp_path, text + 'certificate_file = "bal.p12"\n'))
    assert profile.auth.certificate_file == (tmp_path / "bal.p12").resolve()


def test_not_toml_and_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(_write(tmp_path, "[account\n"))
    with pytest.raises(ProfileError, match="cannot read"):
        load_profile(tmp_path / "absent.toml")


def test_unknown_keys_are_kept_not_fatal(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path, CARD_PROFILE + "\n[ui]\ntheme = 'dark'\n"))
    assert profile.extra == {"ui": {"theme": "dark"}}


def test_default_profile_from_env_then_config(
    tmp_path: Path, app_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(NoProfile) as info:
        load_default_profile()
    assert info.value.searched == app_home / "config" / "profile.toml"
    path = _write(tmp_path, CARD_PROFILE)
    monkeypatch.setenv("MSSANTE_COMPANION_PROFILE", str(path))
    assert load_default_profile().source == path.resolve()


def test_known_operator_gives_a_profile() -> None:
    operator = find_operator("marie.curie@medecin.mssante.fr")
    assert operator is not None and operator.name.startswith("Mailiz")
    profile = operator.profile_for("marie.curie@medecin.mssante.fr")
    assert profile.imap.security == "starttls"
    assert profile.auth.method == "card-tls"
    assert find_operator("someone@example.org") is None


def test_admin_operator_file_comes_first(app_home: Path) -> None:
    config = app_home / "config"
    config.mkdir(parents=True)
    (config / "operators.toml").write_text(
        '[[operator]]\nname = "CHU"\ndomains = ["chu.mssante.fr"]\n'
        'imap = { host = "imap.chu.mssante.fr", port = 993, security = "tls" }\n'
        'smtp = { host = "smtp.chu.mssante.fr", port = 465, security = "tls" }\n'
        'method = "psc"\n'
        'auth = { issuer = "https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet", '
        'client_id = "chu" }\n'
    )
    operator = find_operator("a.b@service.chu.mssante.fr")
    assert operator is not None and operator.name == "CHU"
    assert operator.profile_for("a.b@service.chu.mssante.fr").auth.client_id == "chu"


def test_srv_discovery_prefers_implicit_tls_and_priority() -> None:
    records = {
        "_imaps._tcp.hopital.fr": [
            SrvRecord(20, 0, 993, "backup.hopital.fr."),
            SrvRecord(10, 5, 993, "imap.hopital.fr."),
        ],
        "_imap._tcp.hopital.fr": [SrvRecord(0, 0, 143, "imap.hopital.fr.")],
        "_submissions._tcp.hopital.fr": [SrvRecord(0, 0, 0, ".")],
        "_submission._tcp.hopital.fr": [SrvRecord(0, 0, 587, "smtp.hopital.fr")],
    }
    found = discover_servers("x@hopital.fr", resolver=lambda name: records.get(name, []))
    assert (found.imap.host, found.imap.port, found.imap.security) == (
        "imap.hopital.fr", 993, "tls",
    )
    assert (found.smtp.host, found.smtp.port, found.smtp.security) == (
        "smtp.hopital.fr", 587, "starttls",
    )


def test_srv_discovery_missing_service() -> None:
    with pytest.raises(DiscoveryFailed) as info:
        discover_servers("x@nowhere.fr", resolver=lambda name: [])
    assert (info.value.domain, info.value.missing) == ("nowhere.fr", "imap")


def test_trust_domains_are_the_operators_own(tmp_path: Path) -> None:
    from client.mail.policy import RecipientPolicy

    text = CARD_PROFILE.replace(
        'ca_file = "anchors/chain.pem"',
        'ca_file = "anchors/chain.pem"\ndomains = ["Clinique-Exemple.mssante.fr"]')
    profile = load_profile(_write(tmp_path, text))
    assert profile.own_domains == ("hopital-exemple.mssante.fr", "clinique-exemple.mssante.fr")
    # No liste blanche at all: colleagues of the profile's domains are still inside.
    policy = RecipientPolicy(None, profile.own_domains)
    verdicts = policy.check(["a@hopital-exemple.mssante.fr", "b@clinique-exemple.mssante.fr"])
    assert [v.address for v in verdicts] == ["a@hopital-exemple.mssante.fr",
                                             "b@clinique-exemple.mssante.fr"]
    assert load_profile(_write(tmp_path, CARD_PROFILE)).trusted_domains == ()


@pytest.mark.parametrize("value", ['"one.fr"', '["not a domain"]', "[1]"])
def test_trust_domains_are_checked(tmp_path: Path, value: str) -> None:
    text = CARD_PROFILE.replace('ca_file = "anchors/chain.pem"',
                                f'ca_file = "anchors/chain.pem"\ndomains = {value}')
    with pytest.raises(ProfileError) as caught:
        load_profile(_write(tmp_path, text))
    assert "trust.domains" in str(caught.value)
