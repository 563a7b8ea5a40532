"""The audit trail on a server without a desktop keyring, against the sandbox operator.

The applicative mailbox's profile takes its secrets from files (``[secrets] source =
"file"``, keyring's "fail" backend, no D-Bus): ``mail send`` must seal its entries with
the key derived from the profile's cache key, ``audit verify --profile`` must prove them,
and a rewritten entry must then fail. The CLI is the real one, in a subprocess.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from sandbox.operator import Sandbox
from tests.helpers.spool_env import SpoolHome, make_spool_home
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(10 * LIVE_TIMEOUT)]


@pytest.fixture
def server(sandbox_operator: Sandbox, tmp_path: Path) -> SpoolHome:
    """A keyring-less installation of the applicative mailbox, secrets in files."""
    return make_spool_home(sandbox_operator, tmp_path / "server")


def _json(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_mail_send_seals_without_a_keyring_and_verify_catches_a_rewrite(
    sandbox_operator: Sandbox, server: SpoolHome
) -> None:
    doctor = sandbox_operator.doctor.address
    sent = server.run("mail", "send", "--to", doctor, "--subject", "Audit scellé",
                      "--body", "Bonjour.", "--json")
    assert sent.returncode == 0, sent.stderr
    assert "unsealed" not in sent.stderr

    verified = server.run("audit", "verify", "--json")
    assert verified.returncode == 0, verified.stderr
    report = _json(verified)
    assert report["key_origin"] == "file" and report["unsealed"] == []
    assert report["unchecked"] == [] and report["end_checked"] is True
    runs = report["runs"]
    assert isinstance(runs, list) and [r["kind"] for r in runs] == ["sealed"]
    trail = Path(str(report["path"]))
    lines = [json.loads(line) for line in trail.read_text(encoding="utf-8").splitlines()]
    sends = [entry for entry in lines if entry["event"] == "send"]
    assert sends and all(e["alg"] == "hmac-sha256" and e["key_id"] == report["key_id"]
                         for e in lines)
    assert sends[0]["fields"]["recipients"] == [doctor]
    # The key is neither the cache key nor written beside the log.
    cache_key = (server.root / "secrets" / "cache-key").read_text(encoding="ascii").strip()
    for path in trail.parent.iterdir():
        assert cache_key not in path.read_text(encoding="utf-8", errors="replace")

    # Without the profile there is no key on this server: not "intact", but not checked.
    bare = [part for part in server.command("audit", "verify") if part != "--profile"
            and part != str(server.profile)]
    unchecked = subprocess.run(bare, env=server.env, capture_output=True, text=True,
                               timeout=300, check=False, start_new_session=True)
    assert unchecked.returncode != 0 and "intact" not in unchecked.stdout
    assert "cannot be checked" in unchecked.stderr

    # Someone with write access to the log changes who the message went to.
    sends[0]["fields"]["recipients"] = ["someone@else.mssante.fr"]
    trail.write_text("".join(json.dumps(e) + "\n" for e in lines), encoding="utf-8")
    tampered = server.run("audit", "verify")
    assert tampered.returncode == 3, tampered.stdout + tampered.stderr
    assert "does not match its seal" in tampered.stderr
    assert f"event #{sends[0]['seq']}" in tampered.stderr
