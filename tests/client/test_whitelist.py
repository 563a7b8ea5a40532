"""The liste blanche: the real published file, checksum, decisions, hostile XML."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from client.whitelist import (
    PATIENT_DOMAIN,
    TrustSpace,
    WhitelistChecksumError,
    WhitelistFormatError,
    WhitelistNotImported,
    WhitelistUnsafeXml,
    default_whitelist_path,
    import_whitelist,
    verify_checksum,
)
from tests.helpers.data import LISTE_BLANCHE, LISTE_BLANCHE_CHECKSUM

REAL = LISTE_BLANCHE
REAL_CHECKSUM = LISTE_BLANCHE_CHECKSUM
NS = "https://listeblanche.mssante.fr/schema"


def _xml(domains: str, *, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<ListeBlancheMSSante xmlns="{NS}"><DateDeGeneration>2025-03-13T14:54:10Z'
        f"</DateDeGeneration><ListeDomaines>{domains}</ListeDomaines></ListeBlancheMSSante>"
    ).encode()


def _domain(name: str, description: str = "OPERATEUR") -> str:
    return (f"<Domaine><Nom>{name}</Nom><Description>{description}</Description>"
            "<DNCertificatOperateur>CN=op,O=OP,C=FR</DNCertificatOperateur></Domaine>")


@pytest.fixture(scope="module")
def real_space() -> TrustSpace:
    return TrustSpace.parse(REAL.read_bytes(), source=REAL.name)


def test_real_file_parses_with_its_operators(real_space: TrustSpace) -> None:
    text = REAL.read_text(encoding="utf-8")
    names = {line.strip()[5:-6].lower() for line in text.splitlines()
             if line.strip().startswith("<Nom>")}
    assert text.count("<Domaine>") == 619
    assert len(real_space) == len(names) < 619  # some domains repeat per certificate
    assert real_space.generated is not None and real_space.generated.year == 2025
    # The published file ends without </ListeBlancheMSSante>; that tag is restored.
    assert not text.rstrip().endswith("</ListeBlancheMSSante>") and real_space.repaired
    operators = real_space.lookup("ADSEA29.mssante.fr")
    assert operators[0].description == "BREST LA SAUVEGARDE"
    assert "MIPIH" in operators[0].certificate_dn
    repeated = [name for name, ops in real_space.domains.items() if len(ops) > 1]
    assert repeated, "a domain listed once per operator certificate keeps every operator"


def test_real_checksum_file_format() -> None:
    data = REAL.read_bytes()
    published = REAL_CHECKSUM.read_text(encoding="ascii")
    assert verify_checksum(data, published) == hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256(data).hexdigest()
    # The digest written twice, or sha256sum style, or upper case, are accepted too.
    assert verify_checksum(data, digest + digest + "\n") == digest
    assert verify_checksum(data, f"{digest.upper()}  listeblanchemssante.xml\n") == digest
    with pytest.raises(WhitelistChecksumError) as caught:
        verify_checksum(data + b" ", published)
    assert caught.value.expected == digest
    with pytest.raises(WhitelistFormatError):
        verify_checksum(data, "not a checksum")


def test_check_inside_outside_patient(real_space: TrustSpace) -> None:
    inside = real_space.check("  Jean.Dupont@ADSEA29.mssante.fr ")
    assert (inside.inside, inside.domain, inside.operator) == (
        True, "adsea29.mssante.fr", "BREST LA SAUVEGARDE")
    assert not inside.is_patient and inside.reason == ""
    outside = real_space.check("someone@gmail.com")
    assert not outside.inside and "not on the liste blanche" in outside.reason
    patient = real_space.check(f"nir.1234@{PATIENT_DOMAIN}")
    assert patient.inside and patient.is_patient
    for bad in ("", "no-at-sign", "@adsea29.mssante.fr", "x@", "x@localhost"):
        decision = real_space.check(bad)
        assert not decision.inside and decision.reason == "not an e-mail address"
    assert real_space.contains("a@adsea29.mssante.fr")
    assert real_space.contains("Dr A <a@adsea29.mssante.fr>")
    assert not real_space.contains("a@evil-adsea29.mssante.fr")
    assert not real_space.contains("a@sub.adsea29.mssante.fr")


def test_import_stores_and_load_reads(app_home: Path) -> None:
    with pytest.raises(WhitelistNotImported):
        TrustSpace.load()
    space = import_whitelist(REAL, checksum=REAL_CHECKSUM.read_text(encoding="ascii"))
    assert default_whitelist_path().is_relative_to(app_home)
    assert len(TrustSpace.load()) == len(space)


def test_refused_file_keeps_the_current_list(tmp_path: Path) -> None:
    import_whitelist(REAL)
    bad = tmp_path / "bad.xml"
    bad.write_bytes(_xml(_domain("x.mssante.fr")))
    with pytest.raises(WhitelistChecksumError):
        import_whitelist(bad, checksum="0" * 64)
    bad.write_bytes(b"<html>maintenance</html>")
    with pytest.raises(WhitelistFormatError, match="not ListeBlancheMSSante"):
        import_whitelist(bad)
    bad.write_bytes(b"<ListeBlancheMSSante><ListeDomaines><Domaine><Nom>a.fr</Nom>")
    with pytest.raises(WhitelistFormatError, match="not well-formed"):
        import_whitelist(bad)
    bad.write_bytes(_xml(_domain("a.mssante.fr")).replace(b"UTF-8", b"ATF-8", 1))
    with pytest.raises(WhitelistFormatError, match="encoding"):
        import_whitelist(bad)
    bad.write_bytes(_xml(""))
    with pytest.raises(WhitelistFormatError, match="no domain"):
        import_whitelist(bad)
    assert TrustSpace.load().contains("a@adsea29.mssante.fr")
    assert [p.name for p in default_whitelist_path().parent.iterdir()] == [
        default_whitelist_path().name]


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


@pytest.mark.parametrize(
    ("prolog", "name"),
    [
        (BILLION_LAUGHS, "&lol3;.mssante.fr"),
        ('<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
        ('<!DOCTYPE x SYSTEM "http://127.0.0.1:9/evil.dtd">', "a.mssante.fr"),
        ('<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p">%p;]>', "a.mssante.fr"),
    ],
    ids=["billion-laughs", "xxe-file", "external-dtd", "parameter-entity"],
)
def test_hostile_xml_is_refused(tmp_path: Path, prolog: str, name: str) -> None:
    hostile = tmp_path / "hostile.xml"
    hostile.write_bytes(_xml(_domain(name), prolog=prolog))
    with pytest.raises(WhitelistUnsafeXml) as caught:
        import_whitelist(hostile)
    assert caught.value.construct
    assert not default_whitelist_path().exists()


def test_domains_are_normalised_and_blank_ones_skipped() -> None:
    space = TrustSpace.parse(_xml(
        _domain(" CH-Exemple.MSSante.fr ", "CH EXEMPLE") + _domain("", "EMPTY")
        + _domain("ch-exemple.mssante.fr", "SECOND OPERATOR")
    ))
    assert space.skipped == 1
    assert [op.description for op in space.lookup("ch-exemple.mssante.fr")] == [
        "CH EXEMPLE", "SECOND OPERATOR"]
    decision = space.check("dr.x@ch-exemple.mssante.fr.")
    assert decision.inside and len(decision.operators) == 2
