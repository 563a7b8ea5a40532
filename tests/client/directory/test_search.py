"""Search of the local directory index: accents, prefixes, narrowing, ranking."""

from __future__ import annotations

from pathlib import Path

import pytest

from client.directory.errors import DirectoryNotImported
from client.directory.index import DirectoryIndex, query_words

JEAN = "jean.martin@hopital-sandbox.mssante.fr"
CLAIRE = "claire.dubois@clinique-sandbox.mssante.fr"


def _rows(sample_txt: Path) -> list[dict[str, str]]:
    lines = sample_txt.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("|")
    return [dict(zip(header, line.split("|"), strict=True)) for line in lines[1:]]


def test_result_carries_the_contract_fields(index: DirectoryIndex) -> None:
    [first, *_] = index.search("claire dubois")
    assert first.address == CLAIRE
    record = first.to_dict()
    for key in ("address", "bal_type", "family_name", "given_name", "profession",
                "specialty", "national_id", "organization", "postal_code", "city"):
        assert key in record
    assert (first.bal_type, first.family_name, first.given_name) == ("PER", "DUBOIS", "Claire")
    assert first.specialty == "Cardiologie et maladies vasculaires"
    assert (first.postal_code, first.city) == ("69003", "LYON")
    assert first.national_id == "810009876543"
    assert first.organization == "CLINIQUE SANDBOX DU PARC"


def test_several_words_narrow(index: DirectoryIndex, sample_txt: Path) -> None:
    results = index.search("card lyon", limit=200)
    assert CLAIRE in {r.address for r in results}
    for entry in results:
        text = f"{entry.profession} {entry.specialty} {entry.organization} {entry.service}"
        assert "card" in text.lower()
        assert "lyon" in f"{entry.city} {entry.address}".lower()
    expected = {
        row["Adresse BAL"] for row in _rows(sample_txt)
        if row["Libellé savoir-faire"].startswith("Cardio")
        and row["L6LIGNEACHEMINEMENT structure BAL"].split(" ", 1)[1].startswith("LYON")
    }
    assert expected <= {r.address for r in results}


@pytest.mark.parametrize("query", ["eloise", "ÉLOÏSE", "Eloïse", "éLoÏs"])
def test_accent_and_case_insensitive(index: DirectoryIndex, query: str) -> None:
    results = index.search(query, limit=50)
    assert results
    assert all("Éloïse" in r.given_name or r.address.startswith("eloise.") for r in results)


def test_enye_and_compound_names(index: DirectoryIndex, sample_txt: Path) -> None:
    rows = _rows(sample_txt)
    assert any(r.given_name == "Ñuria" for r in index.search("nuria", limit=50))
    hyphenated = next(r for r in rows if "-" in r["Nom d'exercice"])
    first, second = hyphenated["Nom d'exercice"].split("-", 1)
    hits = index.search(f"{second} {first}", limit=500)
    assert hyphenated["Adresse BAL"] in {h.address for h in hits}


def test_exact_name_then_personal_mailboxes_first(index: DirectoryIndex) -> None:
    results = index.search("martin", limit=100)
    names = [r.family_name for r in results]
    exact = [i for i, r in enumerate(results) if "martin" in query_words(r.family_name)]
    prefix_only = [i for i, r in enumerate(results) if i not in exact]
    assert exact, names
    assert not prefix_only or max(exact) < min(prefix_only), names
    results = index.search("hopital sandbox", limit=20)
    kinds = [r.bal_type for r in results]
    assert kinds == sorted(kinds, key=["PER", "CAB", "ORG", "APP"].index)
    assert {"PER", "ORG", "APP"} <= set(kinds)
    assert index.search("jean martin")[0].address == JEAN


def test_duplicate_addresses_returned_once(index: DirectoryIndex, sample_txt: Path) -> None:
    seen: dict[str, int] = {}
    for row in _rows(sample_txt):
        seen[row["Adresse BAL"]] = seen.get(row["Adresse BAL"], 0) + 1
    duplicate = next(a for a, n in seen.items() if n > 1)
    local = duplicate.split("@")[0].replace(".", " ")
    addresses = [r.address for r in index.search(local, limit=500)]
    assert addresses.count(duplicate) == 1


def test_postal_code_and_profession_prefixes(index: DirectoryIndex) -> None:
    results = index.search("infirm 750", limit=50)
    assert results
    for entry in results:
        assert entry.profession == "Infirmier" or entry.address.endswith("@infirmier.mssante.fr")
        assert entry.postal_code.startswith("750")


def test_query_syntax_is_not_interpreted(index: DirectoryIndex) -> None:
    for text in ('"', "AND", "martin OR", "NEAR(", "*", "name:martin", "-", "^x", "'"):
        index.search(text)
    assert query_words('Jean "AND" martin*') == ["jean", "and", "martin"]
    assert index.search("") == [] and index.search("   ") == []


def test_autocomplete_same_records_short_input_empty(index: DirectoryIndex) -> None:
    assert index.autocomplete("c") == []
    suggestions = index.autocomplete("dubo cla", limit=3)
    assert suggestions[0].address == CLAIRE
    assert len(suggestions) <= 3
    assert suggestions == index.search("dubo cla", limit=3)


def test_lookup_by_address(index: DirectoryIndex, sample_txt: Path) -> None:
    entry = index.lookup(JEAN.upper())
    assert entry is not None and entry.national_id == "810001234567"
    assert index.lookup("nobody@nowhere.mssante.fr") is None
    assert index.lookup("not an address") is None
    with_digits = [r for r in _rows(sample_txt) if any(c.isdigit() for c in r["Adresse BAL"])]
    for row in with_digits[:20]:
        found = index.lookup(row["Adresse BAL"])
        assert found is not None and found.address == row["Adresse BAL"]


def test_info(index: DirectoryIndex) -> None:
    info = index.info()
    assert info.rows == 3000
    assert info.extraction_date == "2026-11-02T06:30"
    assert info.source.startswith("Extraction_Correspondance_MSSante")


def test_missing_index(tmp_path: Path) -> None:
    with DirectoryIndex(tmp_path / "none.sqlite3") as missing:
        assert not missing.exists()
        with pytest.raises(DirectoryNotImported):
            missing.search("martin")


def test_filters_narrow_by_field(index: DirectoryIndex) -> None:
    cardiologists = index.search("", limit=50, filters={"specialty": "cardio"})
    assert cardiologists
    assert all(e.specialty.startswith("Cardiologie") for e in cardiologists)
    in_lyon = index.search("", limit=50, filters={"specialty": "cardio", "city": "lyon"})
    assert in_lyon and all(e.city.startswith("LYON") for e in in_lyon)
    apps = index.search("sandbox", limit=20, filters={"bal_type": "APP"})
    assert {e.bal_type for e in apps} == {"APP"}
    assert {e.bal_type for e in index.search("", 30, filters={"bal_type": "org"})} == {"ORG"}
    nurses = index.search("", limit=30, filters={"profession": "infirm", "postal_code": "75"})
    assert nurses and all(e.postal_code.startswith("75") for e in nurses)
    with pytest.raises(ValueError, match="unknown BAL type"):
        index.search("x", filters={"bal_type": "XYZ"})
    with pytest.raises(ValueError, match="unknown search filter"):
        index.search("x", filters={"colour": "blue"})


def test_national_id_and_single_letters(index: DirectoryIndex) -> None:
    assert index.search("810001234567")[0].address == JEAN
    assert index.search("10001234567")[0].address == JEAN  # RPPS without the type digit
    assert index.search("d") == []  # a single letter alone matches nothing
    narrowed = index.search("claire d", limit=50)
    assert narrowed[0].address == CLAIRE
    for entry in narrowed:
        words = query_words(" ".join((entry.family_name, entry.given_name, entry.organization,
                                      entry.service, entry.city, entry.profession,
                                      entry.specialty, entry.address)), limit=None)
        assert any(w.startswith("d") for w in words)
