"""``doctor`` owns its steps: the operator steps come with it, whatever else is loaded.

The command line loads only the module of the command it runs, so a step registered as a
side effect of importing another command (``login``) would silently be missing from
``mssante-companion doctor``. Each case runs in a fresh interpreter, where nothing else
has been imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

CARD_STEPS = ["middleware", "readers", "card", "certificate", "pin"]
OPERATOR_STEPS = ["operator-reachability", "operator-tls", "authentication", "sign-in"]


def _fresh(code: str) -> object:
    """Run ``code`` in a new interpreter; return the JSON it prints."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
        timeout=60, check=True,
    )
    return json.loads(done.stdout)


def test_the_doctor_command_alone_has_the_card_and_operator_steps_in_order() -> None:
    steps = _fresh(
        "import json, sys\n"
        "from client.cli import build_parser\n"
        "build_parser('doctor')\n"
        "from client.cli import doctor\n"
        "print(json.dumps([name for name, _ in doctor.CHECKS]))\n"
    )
    assert steps == [*CARD_STEPS, *OPERATOR_STEPS, "close-card"]


def test_importing_login_registers_nothing_in_doctor() -> None:
    loaded = _fresh(
        "import json, sys\n"
        "import client.cli.login\n"
        "print(json.dumps('client.cli.doctor' in sys.modules))\n"
    )
    assert loaded is False
