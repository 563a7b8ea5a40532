"""``make demo`` and ``make test`` at once: the demo's card lives in its own vpcd channel
("Demo PCD"), the tests' readers stay theirs, and neither stops the other's pcscd."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.reader import DEMO_CONF, DEMO_PREFIX, TEST_PREFIX, VirtualReader

pytestmark = pytest.mark.reader


def test_channel_is_remembered_by_the_reader_directory(tmp_path: Path) -> None:
    demo = VirtualReader.for_demo(tmp_path)
    assert DEMO_CONF.exists(), "sandbox/install-system-packages.sh writes the demo channel"
    assert (demo.prefix, demo.shared) == (DEMO_PREFIX, False)
    assert demo.port == 0x8C7D
    assert (VirtualReader(tmp_path / "other").prefix, VirtualReader(tmp_path).prefix) == (
        TEST_PREFIX, TEST_PREFIX)  # nothing saved yet: the test channel


def test_demo_card_beside_the_test_readers(virtual_reader: VirtualReader,
                                          tmp_path: Path) -> None:
    demo = VirtualReader.for_demo(tmp_path / "demo").start()
    try:
        # `python -m sandbox remove` rebuilds the reader from its directory: same channel.
        assert VirtualReader(tmp_path / "demo").prefix == DEMO_PREFIX
        assert demo.reader_names == [f"{DEMO_PREFIX} 00 00", f"{DEMO_PREFIX} 00 01"]
        assert not set(demo.reader_names) & set(virtual_reader.reader_names)
        demo_reader = demo.insert("cps", 0)
        test_reader = virtual_reader.insert("cps", 0)  # the test's slot 0 is free
        assert demo_reader != test_reader
        virtual_reader.remove(0)
    finally:
        demo.stop()
    # The demo stopping leaves the tests' pcscd and readers alone.
    assert virtual_reader.reader_names
    assert virtual_reader.insert("vitale", 1)
    virtual_reader.remove(1)
