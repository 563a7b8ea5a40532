"""The live services over the real client layers (no card, no server needed here)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from client.profiles import load_profile
from client.whitelist_current import CurrentWhitelist
from client.xdm import INS_TEST_NIR_OID, InvalidIns, read_xdm
from sandbox.directory_sample import write_sample_extraction
from tests.helpers.data import LISTE_BLANCHE
from tests.helpers.timeouts import LIVE_TIMEOUT_MS
from ui.backend import CardHolder, PatientForm, Services
from ui.live import LiveDirectory, LiveProfileSetup, LiveTrust, xdm_service
from ui.preferences import Preferences
from ui.workers import Cancelled, CancelToken

REAL_LISTE_BLANCHE = LISTE_BLANCHE
FIRST_DOMAIN = re.search(rb"<Nom>([^<]+)</Nom>", REAL_LISTE_BLANCHE.read_bytes())[1].decode()

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def directory(tmp_path: Path) -> Iterator[LiveDirectory]:
    extraction = write_sample_extraction(tmp_path / "extraction.txt")
    live = LiveDirectory()
    steps: list[tuple[int, int]] = []
    rows = live.import_file(extraction, progress=lambda d, t: steps.append((d, t)))
    assert rows >= 300
    assert steps and steps[-1][0] > 0
    yield live
    live.close()


def test_directory_search_and_filters(directory: LiveDirectory) -> None:
    found = directory.search("dubois lyon", 10)
    claire = next(e for e in found if e.address == "claire.dubois@clinique-sandbox.mssante.fr")
    assert claire.family_name.upper() == "DUBOIS" and claire.city.upper().startswith("LYON")
    assert claire.profession
    orgs = directory.search("sandbox", 50, {"bal_type": "ORG"})
    assert orgs and {e.bal_type for e in orgs} == {"ORG"}
    assert directory.search("", 10, {}) == []


def test_directory_import_cancel_keeps_the_index(directory: LiveDirectory,
                                                 tmp_path: Path) -> None:
    big = write_sample_extraction(tmp_path / "big.txt", rows=20_000, seed=3)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Exception) as caught:
        directory.import_file(big, progress=lambda d, t: None, cancel=token)
    assert type(caught.value).__name__ in {"ImportCancelled", Cancelled.__name__}
    assert directory.search("dubois lyon", 5)  # the previous index is still there


def test_trust_without_any_list_refuses_with_the_reason(tmp_path: Path) -> None:
    trust = LiveTrust(CurrentWhitelist(tmp_path / "none.xml", tmp_path / "none2.xml"))
    patient = trust.check("marie.dupont@patient.mssante.fr")
    assert patient.inside and patient.is_patient
    verdict = trust.check("claire.dubois@clinique-sandbox.mssante.fr")
    assert not verdict.inside
    assert "liste blanche non importée" in verdict.reason
    trust.own_domains.add("clinique-sandbox.mssante.fr")  # the signed-in operator's domain
    assert trust.check("claire.dubois@clinique-sandbox.mssante.fr").inside


def test_a_fresh_install_checks_against_the_shipped_list() -> None:
    trust = LiveTrust()
    assert trust.status().origin == "shipped"
    assert trust.check(f"secretariat@{FIRST_DOMAIN}").inside


def test_an_import_tells_open_windows(qtbot: object, tmp_path: Path) -> None:
    from ui.app_events import app_events

    trust = LiveTrust()
    assert not trust.check("claire.dubois@clinique-sandbox.mssante.fr").inside
    patched = tmp_path / "liste.xml"
    patched.write_text(REAL_LISTE_BLANCHE.read_text(encoding="utf-8").replace(
        "<ListeDomaines>",
        "<ListeDomaines><Domaine><Nom>clinique-sandbox.mssante.fr</Nom></Domaine>", 1),
        encoding="utf-8")
    with qtbot.waitSignal(app_events().trust_list_changed, timeout=LIVE_TIMEOUT_MS):  # type: ignore[attr-defined]
        trust.import_file(patched)
    assert trust.check("claire.dubois@clinique-sandbox.mssante.fr").inside
    assert trust.status().origin == "imported"


def test_trust_with_the_real_liste_blanche() -> None:
    trust = LiveTrust()
    domains = trust.import_file(REAL_LISTE_BLANCHE)
    assert domains > 100
    inside = trust.check(f"secretariat@{FIRST_DOMAIN}")
    assert inside.inside and inside.reason == ""
    outside = trust.check("jean@gmail.com")
    assert not outside.inside
    assert outside.reason == "le domaine gmail.com n'est pas dans la liste blanche MSSanté"


def test_xdm_validates_the_ins_and_packs(tmp_path: Path) -> None:
    holder = CardHolder("810001234567", "MARTIN", "JEAN", "Médecin")
    xdm = xdm_service(Services(card=None, holder=holder))
    with pytest.raises(InvalidIns):
        xdm.validate_ins("279035121518980", INS_TEST_NIR_OID)
    xdm.validate_ins("279035121518989", INS_TEST_NIR_OID)
    pdf = tmp_path / "compte-rendu.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    target = xdm.pack([pdf], PatientForm("279035121518989", INS_TEST_NIR_OID, "PAT-TROIS",
                                         "DOMINIQUE", "F", "1979-03-28"), tmp_path / "X.ZIP")
    package = read_xdm(target)
    assert "279035121518989" in str(package.patient)
    assert len(package.documents) == 1


def test_profile_from_operator_is_saved_as_a_valid_profile(app_home: Path) -> None:
    setup = LiveProfileSetup(Preferences())
    names = setup.operators()
    assert any("sandbox" in n.lower() for n in names)
    name = next(n for n in names if "sandbox" in n.lower())
    choice = setup.from_operator(name, "jean.martin@sandbox.mssante.test")
    assert choice.method == "card-tls" and "143" in choice.imap
    path = setup.save(choice)
    assert path.is_relative_to(app_home)
    profile = load_profile(path)
    assert profile.address == "jean.martin@sandbox.mssante.test"
    assert profile.imap == choice.payload.imap and profile.auth.method == "card-tls"
    again = setup.from_file(path)
    assert again.address == profile.address and again.source == "file"
