"""At the most verbose level the CLI's diagnostics carry no health data.

``mail sync``, ``mail show`` and ``mail send`` run as separate processes against the
sandbox with ``-vvv`` (the traffic level, below DEBUG) and the real Secret Service; their
standard error must show protocol commands and sizes, and no subject, name, address or
body of the seeded mail (French lab results, a discharge letter) or of the sent message.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from client.paths import app_paths
from client.whitelist import default_whitelist_path
from sandbox.identities import COLLEAGUE, DOCTOR
from sandbox.operator import Sandbox
from tests.client.test_secrets import secret_service  # noqa: F401 - fixture
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(14 * LIVE_TIMEOUT)]

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# What the seeded mail holds: patients' and professionals' names, subjects, body text.
HEALTH_WORDS = [
    "LEFÈVRE", "Lefèvre", "LEFEVRE", "Élodie", "Elodie", "BÉRANGER", "Béranger", "François",
    "Résultats d'analyses", "Lettre de liaison", "Hémoglobine", "bisoprolol", "apixaban",
    "DUBOIS", "Dubois", "MARTIN", "Claire", "confrère", "=?utf-8?", "=?UTF-8?",
]


def _run(sandbox: Sandbox, home: Path, keyring_env: dict[str, str], *argv: str,
         pin: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **sandbox.card.environment(), **keyring_env,
           "MSSANTE_COMPANION_HOME": str(home)}
    env.pop("PYTHON_KEYRING_BACKEND", None)
    env.pop("MSSANTE_COMPANION_PROFILE", None)
    result = subprocess.run(
        [sys.executable, "-m", "client.cli", "-vvv", "--profile", str(sandbox.profile),
         "--pin-stdin", *argv],
        input=sandbox.card.pin + "\n" if pin else "", capture_output=True, text=True,
        env=env, timeout=8 * LIVE_TIMEOUT, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def _health_data(text: str, extra: list[str]) -> list[str]:
    found = [word for word in HEALTH_WORDS + extra if word in text]
    found += sorted(set(ADDRESS.findall(text)))
    return found


def test_sync_show_and_send_at_the_traffic_level_log_no_health_data(
    sandbox_operator: Sandbox, app_home: Path,
    secret_service: dict[str, str],  # noqa: F811
) -> None:
    app_paths().ensure()
    shutil.copyfile(sandbox_operator.liste_blanche, default_whitelist_path())
    tag = uuid.uuid4().hex[:12]
    subject = f"Compte rendu {tag} Mme Gisèle PATIENTE"
    body = f"Corps {tag}: créatinine 92 µmol/L chez Mme Gisèle PATIENTE"
    extra = [tag, "Gisèle", "PATIENTE", "créatinine"]

    sync = _run(sandbox_operator, app_home, secret_service, "mail", "sync", "--json")
    listing = _run(sandbox_operator, app_home, secret_service, "--json", "mail", "list",
                   "INBOX")
    items = json.loads(listing.stdout)["messages"]
    lab = next(i for i in items if i["subject"].startswith("Résultats d'analyses"))
    show = _run(sandbox_operator, app_home, secret_service, "mail", "show", "INBOX",
                str(lab["uid"]))
    assert "Hémoglobine" in show.stdout  # the command itself shows the message
    send = _run(sandbox_operator, app_home, secret_service, "mail", "send", "--to",
                COLLEAGUE.address, "--subject", subject, "--body", body)

    for name, result in (("sync", sync), ("list", listing), ("show", show), ("send", send)):
        err = result.stderr
        # The trace is there: commands and sizes at the traffic level.
        assert "TRAFFIC imapclient" in err, f"{name}: no protocol trace"
        assert _health_data(err, extra) == [], f"{name} logged health data"
    assert re.search(r"TRAFFIC .* FETCH \(UID \d+ .*bytes", sync.stderr + show.stderr)
    assert DOCTOR.address not in send.stderr
