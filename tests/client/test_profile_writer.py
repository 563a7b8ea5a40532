"""Writing a profile back: the file reads as the same profile (the TOML contract)."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import pytest

from client.profiles import (
    AuthSettings,
    Endpoint,
    Profile,
    load_profile,
    profile_text,
    write_profile,
)
from client.profiles.model import SecretsSettings


def _files(tmp_path: Path) -> dict[str, Path]:
    files = {name: tmp_path / "files" / name for name in ("chain.pem", "user.p12", "gw.pem")}
    for path in files.values():
        path.parent.mkdir(exist_ok=True)
        path.write_text("x", encoding="utf-8")
    return files


def _profiles(files: dict[str, Path]) -> list[Profile]:
    base = Profile(
        address="jean.martin@hopital-exemple.mssante.fr",
        imap=Endpoint("imap.hopital-exemple.mssante.fr", 143, "starttls"),
        smtp=Endpoint("smtp.hopital-exemple.mssante.fr", 465, "tls"),
        auth=AuthSettings(method="card-tls"),
    )
    return [
        base,
        dataclasses.replace(base, ca_file=files["chain.pem"],
                            trusted_domains=("clinique-exemple.mssante.fr",),
                            auth=AuthSettings(method="card-tls", pkcs11_module="/opt/x.so",
                                              external_user="899700000001")),
        dataclasses.replace(base, auth=AuthSettings(
            method="psc", issuer="https://auth.example.fr/realms/w", client_id="compagnon",
            discovery_url="https://auth.example.fr/d", scope="openid scope_all x",
            acr_values="eidas2", gateway="https://gw.example.fr",
            gateway_ca=files["gw.pem"])),
        dataclasses.replace(base, auth=AuthSettings(
            method="certificate", certificate_file=files["user.p12"]),
            secrets=SecretsSettings(source="file", password_file=files["chain.pem"],
                                    cache_key_file=files["gw.pem"],
                                    password_credential="other-name")),
        dataclasses.replace(base, secrets=SecretsSettings(source="systemd-credential")),
    ]


@pytest.mark.parametrize("index", range(5))
def test_a_written_profile_loads_as_the_same_profile(tmp_path: Path, index: int) -> None:
    profile = _profiles(_files(tmp_path))[index]
    target = write_profile(profile, tmp_path / "config" / "profile.toml", header="line one")
    loaded = load_profile(target)
    assert dataclasses.replace(loaded, source=None) == profile
    assert loaded.extra == {}  # nothing outside the contract was written
    assert target.read_text(encoding="utf-8").startswith("# line one\n[account]\n")
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert not list(target.parent.glob(".profile-*"))  # the temporary file is gone


def test_a_relative_path_stays_relative_to_the_profile(tmp_path: Path) -> None:
    (tmp_path / "users").mkdir()
    (tmp_path / "users" / "app.p12").write_bytes(b"x")
    profile = Profile(
        address="dpi@hopital-exemple.mssante.fr",
        imap=Endpoint("127.0.0.1", 1143, "starttls"), smtp=Endpoint("127.0.0.1", 1587, "tls"),
        auth=AuthSettings(method="certificate", certificate_file=Path("users/app.p12")))
    text = profile_text(profile)
    assert 'certificate_file = "users/app.p12"' in text
    assert "pkcs11_module" not in text  # a certificate sign-in names no card module
    loaded = load_profile(write_profile(profile, tmp_path / "profile.toml"))
    assert loaded.auth.certificate_file == tmp_path / "users" / "app.p12"


def test_quotes_and_backslashes_are_escaped(tmp_path: Path) -> None:
    profile = Profile(
        address="jean.martin@hopital-exemple.mssante.fr",
        imap=Endpoint("imap.example.fr", 993, "tls"), smtp=Endpoint("smtp.example.fr", 465, "tls"),
        auth=AuthSettings(method="card-tls", pkcs11_module='C:\\Program "Files"\\cps.dll'))
    loaded = load_profile(write_profile(profile, tmp_path / "profile.toml"))
    assert loaded.auth.pkcs11_module.endswith('C:\\Program "Files"\\cps.dll')
