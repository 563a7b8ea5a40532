"""Recipient policy over the real liste blanche (the published ANS file the app ships)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from client.mail.errors import RecipientRefused
from client.mail.policy import RecipientPolicy, load_trust_space
from client.paths import app_paths
from client.whitelist import default_whitelist_path
from tests.helpers.data import LISTE_BLANCHE

LISTE = LISTE_BLANCHE


def test_without_an_imported_list_every_professional_recipient_is_refused() -> None:
    assert load_trust_space() is None
    with pytest.raises(RecipientRefused) as info:
        RecipientPolicy(load_trust_space()).check(["dr@ch-exemple.mssante.fr"])
    assert info.value.rule == "no-trust-list"
    # Patients are recognised without the list.
    (verdict,) = RecipientPolicy(None).check(["marie.durand@patient.mssante.fr"])
    assert verdict.patient


def test_real_liste_blanche(tmp_path: Path) -> None:
    assert LISTE.exists(), f"the shipped liste blanche is missing: {LISTE}"
    app_paths().ensure()
    shutil.copyfile(LISTE, default_whitelist_path())
    trust = load_trust_space()
    assert trust is not None
    listed = next(
        line.split("<Nom>")[1].split("</Nom>")[0]
        for line in LISTE.read_text(encoding="utf-8").splitlines()
        if "<Nom>" in line and "patient" not in line
    )
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
