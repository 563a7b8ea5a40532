"""``mssante-companion doctor``: card, reader and certificate diagnosis in plain words."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from client.cli import doctor, main
from client.cli.doctor import CheckResult, register_check
from cps.identity import EXTRA_ANCHORS_ENV
from cps.middleware import MODULE_ENV
from cps.service import CardService
from sandbox.card import VirtualCard
from sandbox.crl_server import CrlServer
from sandbox.pki import Pki
from sandbox.reader import VirtualReader
from tests.helpers.fake_token import FakePinPrompt, FakeTokenBackend


def _doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, dict[str, object]]]:
    status = main(["doctor", "--json"])
    document = json.loads(capsys.readouterr().out)
    return status, {c["name"]: c for c in document["checks"]}


def test_missing_middleware(monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(MODULE_ENV, raising=False)
    status, checks = _doctor(capsys)
    assert status == 1
    assert checks["middleware"]["status"] == "error"
    assert "CPS card software is not installed" in str(checks["middleware"]["summary"])
    assert checks["card"]["status"] == "skipped"


def test_missing_reader_service_and_missing_reader(
    sandbox_card: VirtualCard, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SOFTHSM2_CONF", str(sandbox_card.softhsm_conf))
    monkeypatch.setenv(MODULE_ENV, str(sandbox_card.module))
    # PC/SC absent or without readers cannot be arranged on a shared machine: the
    # reader listing is replaced at its seam.
    monkeypatch.setattr(doctor, "read_readers", lambda: None)
    _, checks = _doctor(capsys)
    assert "smart-card service (PC/SC) is not running" in str(checks["readers"]["summary"])
    assert "pcscd" in str(checks["readers"]["advice"])
    monkeypatch.setattr(doctor, "read_readers", list)
    _, checks = _doctor(capsys)
    assert checks["readers"]["status"] == "error"
    assert checks["readers"]["summary"] == "No smart-card reader is connected."


def test_missing_card(sandbox_card: VirtualCard, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(MODULE_ENV, str(sandbox_card.module))
    # SoftHSM2 always has a token: "no card" comes from the fake token behind cps's seam.
    monkeypatch.setattr(CardService, "for_module",
                        classmethod(lambda cls, module: cls(lambda: FakeTokenBackend(None))))
    status, checks = _doctor(capsys)
    assert status == 1
    assert checks["card"]["status"] == "error"
    assert "No CPS card is inserted" in str(checks["card"]["summary"])
    assert checks["certificate"]["status"] == checks["pin"]["status"] == "skipped"


@pytest.fixture
def cps_in_reader(virtual_reader: VirtualReader) -> Iterator[VirtualReader]:
    virtual_reader.insert("cps", slot=0)
    virtual_reader.insert("vitale", slot=1)
    yield virtual_reader
    virtual_reader.remove(0)
    virtual_reader.remove(1)


@pytest.mark.reader
def test_everything_fine_with_the_sandbox_card(
    sandbox_card: VirtualCard, sandbox_pki: Pki, sandbox_crl_server: CrlServer,
    cps_in_reader: VirtualReader,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SOFTHSM2_CONF", str(sandbox_card.softhsm_conf))
    monkeypatch.setenv(MODULE_ENV, str(sandbox_card.module))
    monkeypatch.setenv(EXTRA_ANCHORS_ENV, str(sandbox_pki.root_pem))
    service = CardService.for_module(sandbox_card.module)
    try:  # a right PIN clears any count-low flag left by other tests on this token
        service.login(FakePinPrompt(sandbox_card.pin))
    finally:
        service.close()
    status, checks = _doctor(capsys)
    card_steps = ("middleware", "readers", "card", "certificate", "pin")
    assert {name: checks[name]["status"] for name in card_steps} == dict.fromkeys(card_steps, "ok")
    # Steps added by other issues (operator, sign-in) may be skipped without a profile.
    assert all(c["status"] in ("ok", "skipped") for c in checks.values())
    assert status == 0
    assert set(cps_in_reader.reader_names) <= set(checks["readers"]["details"]["readers"])
    assert "JEAN MARTIN" in str(checks["card"]["summary"])
    assert main(["doctor"]) == 0
    assert "[OK  ] certificate" in capsys.readouterr().out


def test_other_issues_can_add_steps(monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(MODULE_ENV, raising=False)
    monkeypatch.setattr(doctor, "CHECKS", list(doctor.CHECKS))
    register_check("operator", lambda ctx: CheckResult("operator", "ok", "reachable"),
                   after="pin")
    names = [name for name, _ in doctor.CHECKS]
    assert names.index("operator") == names.index("pin") + 1
    assert names[-1] == "close-card"
    _, checks = _doctor(capsys)
    assert checks["operator"]["summary"] == "reachable"
