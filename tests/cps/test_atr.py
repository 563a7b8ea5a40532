"""ATR classification with ATRs published in pcsc-tools' smartcard_list."""

from __future__ import annotations

import pytest

from cps.atr import CardKind, classify_atr, format_atr


@pytest.mark.parametrize(
    ("atr", "kind"),
    [
        ("3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00", CardKind.CPS3),
        ("3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E", CardKind.CPS3),
        ("3B DC 18 FF 00 00 12 25 00 64 80 00 04 01 00 90 00", CardKind.CPS4),
        ("3B AC 00 40 2A 00 12 25 00 64 80 82 02 12 00 90 00", CardKind.CPS),
        ("3F 65 25 00 2C 09 69 90 00", CardKind.VITALE),
        ("3F 65 25 00 52 09 6A 90 00", CardKind.VITALE),
        ("3B 75 13 00 00 48 09 EA 90 00", CardKind.VITALE),
        ("3B 75 13 00 00 45 09 FA 90 00", CardKind.VITALE),
        ("3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4", CardKind.OTHER),
        ("3F 65 25 08 22 04 68 90 00", CardKind.OTHER),  # France Telecom, not Vitale
    ],
)
def test_known_atrs_are_classified(atr: str, kind: CardKind) -> None:
    assert classify_atr(bytes.fromhex(atr.replace(" ", ""))) is kind


def test_only_professional_cards_count_as_cps() -> None:
    assert {k for k in CardKind if k.is_cps} == {CardKind.CPS, CardKind.CPS3, CardKind.CPS4}


def test_missing_atr_is_unknown_and_formatting_matches_pcsc_tools() -> None:
    assert classify_atr(None) is CardKind.UNKNOWN
    assert classify_atr(b"") is CardKind.UNKNOWN
    assert format_atr([0x3B, 0xAC, 0x00]) == "3B AC 00"
