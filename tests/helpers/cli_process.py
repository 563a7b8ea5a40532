"""The command line as a whole process over a virtual card (SoftHSM2 reads its
configuration once per process: a card of its own needs a process of its own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cps.identity import EXTRA_ANCHORS_ENV
from cps.middleware import MODULE_ENV
from sandbox.card import VirtualCard
from sandbox.pki import Pki

__all__ = ["FAKE_KEYRING", "NO_KEYRING", "run_cli"]

#: No keyring at all (what a server without a desktop session has).
NO_KEYRING = "keyring.backends.fail.Keyring"
#: The FAKE in-memory keyring (the bridge keeps its local password there).
FAKE_KEYRING = "tests.helpers.fake_keyring.FakeKeyring"


def run_cli(card: VirtualCard, pki: Pki, home: Path, *args: str, stdin: str = "",
            keyring: str = NO_KEYRING) -> subprocess.CompletedProcess[str]:
    """``python -m client.cli ARGS`` seeing ``card`` and trusting ``pki``'s root."""
    env = {**os.environ, **card.environment(), MODULE_ENV: str(card.module),
           EXTRA_ANCHORS_ENV: str(pki.root_pem), "MSSANTE_COMPANION_HOME": str(home),
           "PYTHON_KEYRING_BACKEND": keyring}
    return subprocess.run([sys.executable, "-m", "client.cli", *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=150, check=False)
