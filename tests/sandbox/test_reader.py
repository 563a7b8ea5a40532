"""The virtual reader's configuration and refusals (the events are tested in tests/cps)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cps.atr import CardKind, classify_atr
from sandbox.reader import ATRS, DEFAULT_PORT, ReaderError, VirtualReader, vpcd_base_port


def test_vpcd_port_comes_from_its_reader_conf(tmp_path: Path) -> None:
    conf = tmp_path / "vpcd"
    conf.write_text('FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x8C7B\n'
                    "LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID   0x9000\n")
    assert vpcd_base_port(conf) == 0x9000
    assert vpcd_base_port(tmp_path / "missing") == DEFAULT_PORT


def test_each_kind_presents_an_atr_the_watcher_recognises() -> None:
    assert classify_atr(ATRS["cps"]) is CardKind.CPS3
    assert classify_atr(ATRS["cps4"]) is CardKind.CPS4
    assert classify_atr(ATRS["vitale"]) is CardKind.VITALE
    assert classify_atr(ATRS["other"]) is CardKind.OTHER


def test_bad_kind_and_slot_are_refused_before_touching_pcscd(tmp_path: Path) -> None:
    reader = VirtualReader(tmp_path)
    with pytest.raises(ReaderError, match="unknown card kind"):
        reader.insert("passport")
    with pytest.raises(ReaderError, match="slot must be 0 or 1"):
        reader.insert("cps", slot=2)
    assert reader.inserted() == {0: False, 1: False}
    reader.remove(1)  # removing from an empty slot is not an error
