"""Telling a CPS from a Vitale card (or anything else) by its ATR.

ATRs from pcsc-tools' public ``smartcard_list.txt`` (Ludovic Rousseau):

* CPS3 (contact): ``3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00``; an older CPS
  with the same historical-byte prefix ``... 80 82 02 12 00 90 00``; CPS3 contactless:
  ``3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E``.
* CPS4: ``3B DC 18 FF 00 00 12 25 00 64 80 00 04 01 00 90 00``.
  CPS cards share the historical bytes ``12 25 00 64 80``, then ``00 03`` (CPS3) or
  ``00 04`` (CPS4).
* Vitale: ``3F 65 25 00 xx 09 xx 90 00`` (Vitale 1) and ``3B 75 13 00 00 4x 09 EA 90 00``
  (Vitale 2).

A Vitale card in the second slot of a bi-slot reader must never be taken for the CPS:
unknown ATRs are "other", never "cps".
"""

from __future__ import annotations

import enum
import re

__all__ = ["ATR_CPS3", "ATR_CPS4", "ATR_VITALE", "CardKind", "classify_atr", "format_atr"]


class CardKind(enum.Enum):
    """What a card in a reader is."""

    CPS = "cps"  # a CPS whose generation is unknown
    CPS3 = "cps3"
    CPS4 = "cps4"
    VITALE = "vitale"
    OTHER = "other"
    UNKNOWN = "unknown"  # e.g. a removal whose ATR was never seen

    @property
    def is_cps(self) -> bool:
        """A professional card (CPS of any generation)."""
        return self in (CardKind.CPS, CardKind.CPS3, CardKind.CPS4)


#: A CPS3 ATR (contact interface).
ATR_CPS3 = bytes.fromhex("3BAC00402A001225006480000310009000")
#: A CPS4 ATR.
ATR_CPS4 = bytes.fromhex("3BDC18FF0000122500648000040100 9000".replace(" ", ""))
#: A Vitale 2 ATR.
ATR_VITALE = bytes.fromhex("3B7513000048 09EA9000".replace(" ", ""))

_CPS_HISTORICAL = bytes.fromhex("1225006480")
_CPS3_CONTACTLESS = bytes.fromhex("3B8F800100 31B86404B0ECC173940180 82 90000E".replace(" ", ""))
_VITALE_PATTERNS = (
    re.compile(rb"\A\x3f\x65\x25\x00.\x09.\x90\x00\Z", re.DOTALL),
    re.compile(rb"\A\x3b\x75\x13\x00\x00[\x40-\x4f]\x09[\xea\xfa]\x90\x00\Z", re.DOTALL),
)


def classify_atr(atr: bytes | bytearray | list[int] | None) -> CardKind:
    """Classify an ATR as CPS3, CPS4, CPS (other generation), Vitale or other."""
    if not atr:
        return CardKind.UNKNOWN
    data = bytes(atr)
    if data == _CPS3_CONTACTLESS:
        return CardKind.CPS3
    position = data.find(_CPS_HISTORICAL)
    if position >= 0:
        version = data[position + len(_CPS_HISTORICAL):position + len(_CPS_HISTORICAL) + 2]
        if version == b"\x00\x03":
            return CardKind.CPS3
        if version == b"\x00\x04":
            return CardKind.CPS4
        return CardKind.CPS
    if any(p.match(data) for p in _VITALE_PATTERNS):
        return CardKind.VITALE
    return CardKind.OTHER


def format_atr(atr: bytes | bytearray | list[int] | None) -> str:
    """``3B AC 00 ...`` as pcsc-tools prints it."""
    return " ".join(f"{b:02X}" for b in bytes(atr or b""))
