"""``trust import-crl`` / ``trust status``, and a revoked card refused by ``login`` and
reported by ``doctor`` (a second SoftHSM2 token, seen by subprocesses only: SoftHSM2 reads
its configuration once per process)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from client.cli import main
from sandbox.card import VirtualCard, provision_revoked_card
from sandbox.crl_server import CrlServer
from sandbox.pki import Pki, build_pki
from tests.helpers.cli_process import run_cli as _run

pytestmark = pytest.mark.timeout(180)

# Nothing listens on port 1: a connection attempt would fail with another error.
_NOWHERE = ('[imap]\nhost = "127.0.0.1"\nport = 1\nsecurity = "starttls"\n'
            '[smtp]\nhost = "127.0.0.1"\nport = 1\nsecurity = "starttls"\n')


@pytest.fixture(scope="module")
def revoked_card(tmp_path_factory: pytest.TempPathFactory, sandbox_pki: Pki) -> VirtualCard:
    return provision_revoked_card(tmp_path_factory.mktemp("revoked-card"), sandbox_pki)


@pytest.fixture()
def offline(sandbox_crl_server: CrlServer) -> Iterator[CrlServer]:
    sandbox_crl_server.offline()
    try:
        yield sandbox_crl_server
    finally:
        sandbox_crl_server.online()


def test_import_and_status(sandbox_pki: Pki, app_home: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text(
        '[account]\naddress = "a@hopital-sandbox.mssante.fr"\n'
        + _NOWHERE
        + f'[trust]\nca_file = "{sandbox_pki.chain_pem}"\n[auth]\nmethod = "card-tls"\n',
        encoding="utf-8")
    assert main(["trust", "status"]) == 0
    assert "No CRL kept yet" in capsys.readouterr().out
    der = sandbox_pki.crl_der_path("persons")
    assert main(["trust", "import-crl", str(der), "--profile", str(profile), "--json"]) == 0
    kept = json.loads(capsys.readouterr().out)["kept"]
    assert "PERSONNES" in kept["issuer"] and kept["source"] == str(der.resolve())
    assert main(["trust", "status", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)["crls"]
    assert listed["issuer"] == kept["issuer"] and not listed["stale"]
    assert dt.datetime.fromisoformat(listed["next_update"]) > dt.datetime.now(dt.UTC)
    assert main(["trust", "status"]) == 0
    text = capsys.readouterr().out
    assert "TEST AC IGC-SANTE ELEMENTAIRE PERSONNES" in text and "next update" in text
    # A PEM bundle of every authority's CRL: each one is kept.
    assert main(["trust", "import-crl", str(sandbox_pki.crl_pem), "--profile", str(profile),
                 "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["all"]) == 3
    # Signed by another PKI's authority: refused, and said so.
    other = build_pki(tmp_path / "other")
    assert main(["trust", "import-crl", str(other.crl_der_path("persons")),
                 "--profile", str(profile)]) != 0
    assert "not signed by a trusted IGC-Santé authority" in capsys.readouterr().err


def test_revoked_card_refused_by_login_before_pin_and_connection(
    revoked_card: VirtualCard, sandbox_pki: Pki, sandbox_crl_server: CrlServer,
    tmp_path: Path,
) -> None:
    # Nothing listens on port 1: any connection attempt would fail differently.
    profile = tmp_path / "profile.toml"
    profile.write_text(
        f'[account]\naddress = "{revoked_card.holder.address}"\n'
        + _NOWHERE
        + f'[trust]\nca_file = "{sandbox_pki.chain_pem}"\n[auth]\nmethod = "card-tls"\n'
        f'pkcs11_module = "{revoked_card.module}"\n', encoding="utf-8")
    home = tmp_path / "home"
    result = _run(revoked_card, sandbox_pki, home, "login", "--profile", str(profile),
                  "--pin-stdin", stdin="")
    assert result.returncode != 0
    today = dt.datetime.now(dt.UTC).strftime("%d/%m/%Y")
    assert f"was revoked on {today} (its key was compromised" in result.stderr
    assert "nothing was sent to the server" in result.stderr
    assert "PIN" not in result.stderr  # refused before the PIN was asked


def test_doctor_reports_revoked_card(
    revoked_card: VirtualCard, sandbox_pki: Pki, sandbox_crl_server: CrlServer,
    tmp_path: Path,
) -> None:
    result = _run(revoked_card, sandbox_pki, tmp_path / "home", "doctor", "--json")
    assert result.returncode == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    certificate = checks["certificate"]
    assert certificate["status"] == "error"
    assert certificate["details"]["status"] == "revoked"
    assert certificate["details"]["revocation"]["reason"] == "key_compromise"
    assert "revoked on" in certificate["summary"] and "ANS" in certificate["advice"]


def test_doctor_unknown_revocation_then_imported_crl(
    sandbox_card: VirtualCard, sandbox_pki: Pki, offline: CrlServer, tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    result = _run(sandbox_card, sandbox_pki, home, "doctor", "--json")
    assert result.returncode == 1
    certificate = {c["name"]: c for c in json.loads(result.stdout)["checks"]}["certificate"]
    assert certificate["status"] == "error"
    assert "unknown" in certificate["summary"]
    assert "trust import-crl" in certificate["advice"]
    # The site has no internet access: the administrator imports the CRL.
    imported = _run(sandbox_card, sandbox_pki, home, "trust", "import-crl",
                    str(sandbox_pki.crl_path("persons")))
    assert imported.returncode == 0, imported.stderr
    result = _run(sandbox_card, sandbox_pki, home, "doctor", "--json")
    certificate = {c["name"]: c for c in json.loads(result.stdout)["checks"]}["certificate"]
    assert certificate["status"] == "ok", certificate
    assert certificate["details"]["revocation"]["source"] == "crl"
