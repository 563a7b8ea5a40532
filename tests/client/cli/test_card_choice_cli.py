"""Two CPS cards inserted: ``login``, ``bridge`` and ``card`` take ``--reader`` / ``--card``,
and a run that cannot ask stops with a usage error (exit 2) naming the cards and what to
add. Two SoftHSM2 tokens in one token directory (two cards at once), seen by subprocesses
only: SoftHSM2 reads its configuration once per process."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest

from client.cli._card_choice import TerminalCardChooser, card_chooser_for
from cps.errors import CardChoiceNeeded
from cps.session_card import CardChoice, NamedCardChooser
from sandbox.card import VirtualCard, provision_card
from sandbox.crl_server import CrlServer
from sandbox.identities import COLLEAGUE, DOCTOR
from sandbox.pki import Pki
from tests.helpers.cli_process import FAKE_KEYRING, run_cli

pytestmark = pytest.mark.timeout(300)

# Nothing listens on port 1: signing in gets as far as the connection, which fails.
_NOWHERE = ('[imap]\nhost = "127.0.0.1"\nport = 1\nsecurity = "starttls"\n'
            '[smtp]\nhost = "127.0.0.1"\nport = 1\nsecurity = "starttls"\n')
COLLEAGUE_PIN = "5678"


@pytest.fixture(scope="module")
def two_cards(tmp_path_factory: pytest.TempPathFactory, sandbox_pki: Pki
              ) -> tuple[VirtualCard, VirtualCard]:
    directory = tmp_path_factory.mktemp("two-cards")
    doctor = provision_card(directory, sandbox_pki, DOCTOR)
    colleague = provision_card(directory, sandbox_pki, COLLEAGUE, COLLEAGUE_PIN,
                               keep_tokens=True)
    assert doctor.softhsm_conf == colleague.softhsm_conf and doctor.serial != colleague.serial
    return doctor, colleague


def _profile(tmp_path: Path, card: VirtualCard, pki: Pki) -> Path:
    profile = tmp_path / "profile.toml"
    profile.write_text(
        f'[account]\naddress = "{card.holder.address}"\n' + _NOWHERE
        + f'[trust]\nca_file = "{pki.chain_pem}"\n[auth]\nmethod = "card-tls"\n'
        f'pkcs11_module = "{card.module}"\n', encoding="utf-8")
    return profile


def _login(two_cards: tuple[VirtualCard, VirtualCard], pki: Pki, tmp_path: Path,
           address_of: VirtualCard, *extra: str, pin: str) -> subprocess.CompletedProcess[str]:
    """``login --pin-stdin EXTRA`` for ``address_of``'s mailbox, both cards inserted."""
    profile = _profile(tmp_path, address_of, pki)
    return run_cli(two_cards[0], pki, tmp_path / "home", "login", "--profile", str(profile),
                   "--pin-stdin", *extra, stdin=pin + "\n")


def test_login_with_two_cards_and_no_choice_is_a_usage_error(
    two_cards: tuple[VirtualCard, VirtualCard], sandbox_pki: Pki,
    sandbox_crl_server: CrlServer, tmp_path: Path,
) -> None:
    doctor, colleague = two_cards
    result = _login(two_cards, sandbox_pki, tmp_path, doctor, "--json", pin=doctor.pin)
    assert result.returncode == 2, result.stderr
    error = json.loads(result.stdout)["error"]
    assert (error["code"], error["kind"], error["exit_status"], error["retry"]) == (
        "card-choice-needed", "usage", 2, False)
    message = error["message"]
    assert message.startswith("2 CPS cards are inserted and the command cannot ask")
    assert "JEAN MARTIN" in message and "CLAIRE DUBOIS" in message
    assert doctor.serial in message and colleague.serial in message
    assert "--reader NAME or --card SERIAL" in message and "remove the other card" in message
    assert message in result.stderr


def test_login_follows_the_card_named_by_its_serial(
    two_cards: tuple[VirtualCard, VirtualCard], sandbox_pki: Pki,
    sandbox_crl_server: CrlServer, tmp_path: Path,
) -> None:
    doctor, colleague = two_cards
    # The colleague's PIN opens the colleague's card: the sign-in reaches the connection.
    named = _login(two_cards, sandbox_pki, tmp_path, colleague, "--card", colleague.serial,
                   pin=COLLEAGUE_PIN)
    assert named.returncode == 7, named.stderr
    assert "does not answer" in named.stderr
    # The same PIN given for the doctor's card is refused by that card.
    other = _login(two_cards, sandbox_pki, tmp_path, colleague, "--card", doctor.serial,
                   pin=COLLEAGUE_PIN)
    assert other.returncode == 6, other.stderr
    assert "PIN" in other.stderr


def test_a_card_named_but_absent_is_not_found(
    two_cards: tuple[VirtualCard, VirtualCard], sandbox_pki: Pki,
    sandbox_crl_server: CrlServer, tmp_path: Path,
) -> None:
    doctor, colleague = two_cards
    result = _login(two_cards, sandbox_pki, tmp_path, doctor, "--card", "0000NOSUCHCARD",
                    pin=doctor.pin)
    assert result.returncode == 3, result.stderr
    assert "No inserted CPS card matches '0000NOSUCHCARD'" in result.stderr
    assert doctor.serial in result.stderr and colleague.serial in result.stderr


def test_card_lists_both_or_the_one_named(
    two_cards: tuple[VirtualCard, VirtualCard], sandbox_pki: Pki, tmp_path: Path,
) -> None:
    doctor, colleague = two_cards
    home = tmp_path / "home"
    both = run_cli(doctor, sandbox_pki, home, "card", "--json")
    assert both.returncode == 0, both.stderr
    # SoftHSM2 shows an empty slot beside the tokens (serial "").
    serials = [c["serial"] for c in json.loads(both.stdout)["cards"] if c["serial"]]
    assert sorted(serials) == sorted([doctor.serial, colleague.serial])
    one = run_cli(doctor, sandbox_pki, home, "card", "--json", "--card", colleague.serial)
    assert one.returncode == 0, one.stderr
    [card] = json.loads(one.stdout)["cards"]
    assert card["identity"]["family_name"] == "DUBOIS"
    absent = run_cli(doctor, sandbox_pki, home, "card", "--card", "0000NOSUCHCARD")
    assert absent.returncode == 3


def test_bridge_with_two_cards_and_no_choice_stops_with_a_usage_error(
    two_cards: tuple[VirtualCard, VirtualCard], sandbox_pki: Pki,
    sandbox_crl_server: CrlServer, tmp_path: Path,
) -> None:
    doctor, _colleague = two_cards
    profile = _profile(tmp_path, doctor, sandbox_pki)
    result = run_cli(doctor, sandbox_pki, tmp_path / "home", "bridge", "--profile",
                     str(profile), "--pin-stdin", "--no-card-watch", "--imap-port", "0",
                     "--smtp-port", "0", stdin=doctor.pin + "\n", keyring=FAKE_KEYRING)
    assert result.returncode == 2, result.stderr
    assert "2 CPS cards are inserted" in result.stderr


# -- the choosers, without a card -------------------------------------------------------

_CHOICES = [CardChoice("Lecteur A", 0, "JEAN MARTIN", "111", "Médecin"),
            CardChoice("Lecteur B", 1, "CLAIRE DUBOIS", "222", "Infirmier")]


def test_terminal_chooser_lists_the_cards_and_reads_a_number() -> None:
    err = io.StringIO()
    chooser = TerminalCardChooser(stdin=io.StringIO("3\nx\n2\n"), stderr=err)
    assert chooser.choose_card(_CHOICES) == _CHOICES[1]
    text = err.getvalue()
    assert "1. JEAN MARTIN (Médecin), reader Lecteur A, serial 111" in text
    assert "2. CLAIRE DUBOIS (Infirmier), reader Lecteur B, serial 222" in text
    assert text.count("Type a number between 1 and 2.") == 2
    assert TerminalCardChooser(stdin=io.StringIO("\n"), stderr=err).choose_card(_CHOICES) is None


def test_chooser_of_a_run() -> None:
    import argparse

    named = card_chooser_for(argparse.Namespace(reader="lecteur b", card=None))
    assert isinstance(named, NamedCardChooser) and named.choose_card(_CHOICES) == _CHOICES[1]
    script = card_chooser_for(argparse.Namespace(reader=None, card=None), interactive=False)
    with pytest.raises(CardChoiceNeeded):
        script.choose_card(_CHOICES)
    assert isinstance(card_chooser_for(argparse.Namespace(), interactive=True),
                      TerminalCardChooser)


def test_mail_commands_choose_the_card_as_login_does(
    two_cards: tuple[VirtualCard, VirtualCard], sandbox_pki: Pki,
    sandbox_crl_server: CrlServer, tmp_path: Path,
) -> None:
    doctor, colleague = two_cards
    profile = str(_profile(tmp_path, colleague, sandbox_pki))
    home = tmp_path / "home"
    unnamed = run_cli(doctor, sandbox_pki, home, "mail", "folders", "--profile", profile,
                      "--pin-stdin", stdin=COLLEAGUE_PIN + "\n")
    assert unnamed.returncode == 2, unnamed.stderr
    assert "--reader NAME or --card SERIAL" in unnamed.stderr
    named = run_cli(doctor, sandbox_pki, home, "mail", "folders", "--profile", profile,
                    "--pin-stdin", "--card", colleague.serial, stdin=COLLEAGUE_PIN + "\n")
    assert named.returncode == 7, named.stderr  # the colleague's card signed in; no server


def test_doctor_says_which_of_two_cards_it_checked_and_checks_the_one_named(
    two_cards: tuple[VirtualCard, VirtualCard], sandbox_pki: Pki,
    sandbox_crl_server: CrlServer, tmp_path: Path,
) -> None:
    doctor, colleague = two_cards
    home = tmp_path / "home"
    unnamed = run_cli(doctor, sandbox_pki, home, "doctor", "--json")
    checks = {c["name"]: c for c in json.loads(unnamed.stdout)["checks"]}
    card = checks["card"]
    assert card["status"] == "warning", card
    assert card["summary"].startswith("2 CPS cards are inserted; checking the one of ")
    assert doctor.serial in card["summary"] + card["details"]["serial"]
    assert colleague.serial in card["summary"] + card["details"]["serial"]
    assert "--reader NAME or --card SERIAL" in card["advice"]

    named = run_cli(doctor, sandbox_pki, home, "doctor", "--json", "--card", colleague.serial)
    checks = {c["name"]: c for c in json.loads(named.stdout)["checks"]}
    assert checks["card"]["status"] == "ok", checks["card"]
    assert "CLAIRE DUBOIS" in checks["card"]["summary"]
    assert checks["card"]["details"]["serial"].strip() == colleague.serial

    absent = run_cli(doctor, sandbox_pki, home, "doctor", "--json", "--card", "0000NOSUCHCARD")
    checks = {c["name"]: c for c in json.loads(absent.stdout)["checks"]}
    assert checks["card"]["status"] == "error"
    assert "0000NOSUCHCARD" in checks["card"]["summary"]
    assert absent.returncode == 1
