"""The installers' lock file is pinned and hashed, within pyproject.toml's ranges, and the
audit tells "vulnerable" (1) from "cannot reach the advisory service" (3)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "packaging" / "requirements.lock"
AUDIT = REPO / "packaging" / "audit_lock.py"


def _locked() -> dict[str, tuple[str, list[str]]]:
    entries: dict[str, tuple[str, list[str]]] = {}
    text = LOCK.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        assert match, f"not pinned: {line[:80]}"
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", line)
        assert hashes, f"no hash: {match.group(1)}"
        entries[match.group(1).lower().replace("_", "-")] = (match.group(2), hashes)
    return entries


def test_every_dependency_is_pinned_with_hashes_within_the_ranges() -> None:
    locked = _locked()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["packaging"]]
    for spec in wanted:
        requirement = Requirement(spec)
        name = requirement.name.lower().replace("_", "-")
        assert name in locked, f"{name} missing from the lock file"
        assert requirement.specifier.contains(locked[name][0]), (name, locked[name][0])
    # The other platforms' dependencies are in the same file, under markers.
    assert {"pywin32-ctypes", "secretstorage"} <= set(locked)


def _audit(*args: str, env_url: str | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ)
    if env_url is not None:
        env["MSSANTE_AUDIT_SERVICE_URL"] = env_url
    return subprocess.run([sys.executable, str(AUDIT), *args], capture_output=True,
                          text=True, env=env, timeout=900, check=False)


def test_an_unreachable_service_is_not_a_finding() -> None:
    result = _audit(str(LOCK), env_url="https://127.0.0.1:9/")
    assert result.returncode == 3, result.stderr
    assert "cannot be reached" in result.stderr and "not a finding" in result.stderr


def test_a_known_vulnerable_pin_is_reported(tmp_path: Path) -> None:
    lock = tmp_path / "old.lock"
    lock.write_text("pyjwt==2.10.0\n", encoding="utf-8")  # CVE-2024-53861
    result = _audit(str(lock), "--no-hashes")
    if result.returncode == 3:  # no advisory data here: "cannot tell", never "clean"
        assert "cannot be reached" in result.stderr or "could not be checked" in result.stderr
        return
    assert result.returncode == 1, result.stdout + result.stderr
    assert "pyjwt 2.10.0" in result.stdout.lower()


def test_a_missing_lock_file_is_an_error(tmp_path: Path) -> None:
    assert _audit(str(tmp_path / "none.lock")).returncode == 2


def test_reports_are_classified_vulnerable_unknown_or_clean() -> None:
    """pip-audit's JSON shape, written by hand: this machine's index has no advisories."""
    sys.path.insert(0, str(AUDIT.parent))
    try:
        from audit_lock import classify
    finally:
        sys.path.pop(0)
    vulnerable = {"dependencies": [
        {"name": "pyjwt", "version": "2.10.0",
         "vulns": [{"id": "GHSA-75c5-xw7c-p5pm", "fix_versions": ["2.10.1"]}]},
        {"name": "anyio", "skip_reason": "Dependency not found on PyPI"}]}
    status, lines = classify(vulnerable)
    assert status == 1 and "pyjwt 2.10.0: GHSA-75c5-xw7c-p5pm (fixed in 2.10.1)" in lines[0]
    status, lines = classify({"dependencies": [
        {"name": "anyio", "version": "4.1", "vulns": []},
        {"name": "x", "skip_reason": "Dependency not found on PyPI"}]})
    assert status == 3 and "could not be checked" in lines[-1]
    status, _ = classify({"dependencies": [{"name": "anyio", "version": "4.1", "vulns": []}]})
    assert status == 0
