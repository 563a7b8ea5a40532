"""Recipient policy over the real liste blanche (the published ANS file the app ships)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from client.mail.errors import RecipientRefused
from client.mail.policy import CurrentTrust, RecipientPolicy, load_trust_space
from client.paths import app_paths
from client.whitelist import default_whitelist_path, import_whitelist
from client.whitelist_current import CurrentWhitelist
from tests.helpers.data import LISTE_BLANCHE

LISTE = LISTE_BLANCHE


def _first_listed_domain() -> str:
    return next(
        line.split("<Nom>")[1].split("</Nom>")[0]
        for line in LISTE.read_text(encoding="utf-8").splitlines()
        if "<Nom>" in line and "patient" not in line
    )


def test_without_any_list_professional_recipients_are_refused_but_colleagues(
        tmp_path: Path) -> None:
    nothing = CurrentTrust(CurrentWhitelist(tmp_path / "none.xml", tmp_path / "none2.xml"))
    assert not nothing.loaded
    with pytest.raises(RecipientRefused) as info:
        RecipientPolicy(nothing).check(["dr@ch-exemple.mssante.fr"])
    assert info.value.rule == "no-trust-list"
    # Patients are recognised without the list.
    (verdict,) = RecipientPolicy(None).check(["marie.durand@patient.mssante.fr"])
    assert verdict.patient
    # The sender's own operator is inside the trust space, list or no list.
    (colleague,) = RecipientPolicy(nothing).check(["claire@ch-exemple.mssante.fr"],
                                                  sender="jean@CH-Exemple.mssante.fr")
    assert not colleague.patient
    RecipientPolicy(None, own_domains=["ght.example.fr"]).check(["x@ght.example.fr"])
    with pytest.raises(RecipientRefused):
        RecipientPolicy(nothing).check(["a@other.mssante.fr"], sender="jean@ch-exemple.fr")


def test_a_fresh_install_uses_the_shipped_list() -> None:
    assert not default_whitelist_path().exists()
    trust = load_trust_space()
    policy = RecipientPolicy(trust)
    (verdict,) = policy.check([f"dr@{_first_listed_domain()}"])
    assert not verdict.patient


def test_an_import_applies_to_an_existing_policy_at_once(tmp_path: Path) -> None:
    policy = RecipientPolicy(load_trust_space())  # built before the import, like a session
    with pytest.raises(RecipientRefused):
        policy.check(["claire.dubois@clinique-sandbox.mssante.fr"])
    data = LISTE.read_text(encoding="utf-8").replace(
        "<ListeDomaines>",
        "<ListeDomaines><Domaine><Nom>clinique-sandbox.mssante.fr</Nom></Domaine>", 1)
    patched = tmp_path / "liste.xml"
    patched.write_text(data, encoding="utf-8")
    import_whitelist(patched)
    (verdict,) = policy.check(["claire.dubois@clinique-sandbox.mssante.fr"])
    assert verdict.address == "claire.dubois@clinique-sandbox.mssante.fr"


def test_real_liste_blanche(tmp_path: Path) -> None:
    assert LISTE.exists(), f"the shipped liste blanche is missing: {LISTE}"
    app_paths().ensure()
    shutil.copyfile(LISTE, default_whitelist_path())
    trust = load_trust_space()
    assert trust is not None
    listed = _first_listed_domain()
    policy = RecipientPolicy(trust)
    verdicts = policy.check([f"Dr X <dr.x@{listed}>", "p@patient.mssante.fr"])
    assert [v.patient for v in verdicts] == [False, True]
    with pytest.raises(RecipientRefused) as info:
        policy.check([f"dr.x@{listed}", "someone@gmail.com"])
    assert (info.value.address, info.value.rule) == ("someone@gmail.com", "outside-trust-space")
    with pytest.raises(RecipientRefused) as bad:
        policy.check([f"a b@{listed}"])
    assert bad.value.rule == "invalid-address"
    with pytest.raises(RecipientRefused) as empty:
        policy.check([])
    assert empty.value.rule == "no-recipient"
