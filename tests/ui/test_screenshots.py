"""The screenshot script renders every window in French and English under Xvfb."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("main-window", "context-menu", "pin-dialog", "compose", "directory", "locked",
         "receipt-request", "receipt-returned", "receipt-read-mark", "cda-view", "pdf-view")


@pytest.mark.slow
def test_screenshots_in_both_languages(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "screenshots.py"), str(tmp_path)],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for language in ("fr", "en"):
        for name in NAMES:
            image = QImage(str(tmp_path / f"{name}-{language}.png"))
            assert not image.isNull(), f"{name}-{language}.png missing"
            assert image.width() > 300 and image.height() > 100
    # The two languages really differ (the catalog was applied).
    french = (tmp_path / "compose-fr.png").read_bytes()
    english = (tmp_path / "compose-en.png").read_bytes()
    assert french != english
