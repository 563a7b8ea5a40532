"""Audit a hashed lock file against known vulnerabilities (``make audit``).

Runs pip-audit on ``packaging/requirements.lock`` (every line pinned and hashed, so
nothing is resolved: ``--disable-pip``) against the advisory service of PyPI (OSV data).
Exit status, so that CI can tell "cannot reach" from "vulnerable":

- 0: no known vulnerability;
- 1: at least one dependency has a known vulnerability (listed);
- 3: the advisory service cannot be reached (no network, proxy, outage) or does not
  know the packages (a partial mirror): nothing is known either way, and CI does not
  fail for it;
- 2: anything else (pip-audit missing or failing, unreadable lock file).

``MSSANTE_AUDIT_SERVICE_URL`` overrides the URL probed before the audit (tests point it
at a closed port to check the "cannot reach" path).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

EXIT_CLEAN, EXIT_VULNERABLE, EXIT_ERROR, EXIT_UNREACHABLE = 0, 1, 2, 3
PROBE_URL = "https://pypi.org/pypi/pip/json"


def service_reachable(url: str, timeout: float = 15.0) -> bool:
    """True when the advisory service answers HTTPS at all (any HTTP status)."""
    if not url.startswith("https://"):
        return False
    try:
        with urllib.request.urlopen(url, timeout=timeout):  # noqa: S310 - https only
            return True
    except urllib.error.HTTPError:
        return True  # it answered
    except (urllib.error.URLError, OSError, TimeoutError):
        return False


def audit(lock: Path, *, hashed: bool = True) -> int:
    """Audit ``lock``; print a summary; return the exit status above."""
    probe = os.environ.get("MSSANTE_AUDIT_SERVICE_URL", PROBE_URL)
    if not service_reachable(probe):
        print(f"audit: the advisory service cannot be reached ({probe}): nothing checked "
              "(not a finding; run 'make audit' again with network access).",
              file=sys.stderr)
        return EXIT_UNREACHABLE
    with tempfile.TemporaryDirectory() as work:
        report = Path(work) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "-r", str(lock), "--disable-pip",
                   "--progress-spinner", "off", "--format", "json", "-o", str(report)]
        command.append("--require-hashes" if hashed else "--no-deps")
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=900,
                                    check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"audit: pip-audit could not run: {exc}", file=sys.stderr)
            return EXIT_ERROR
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
    if data is None:
        text = result.stderr.strip()
        unreachable = any(word in text for word in (
            "ConnectionError", "Max retries exceeded", "Name or service not known",
            "Temporary failure in name resolution", "timed out", "Connection refused"))
        print(f"audit: pip-audit failed: {text[-2000:]}", file=sys.stderr)
        return EXIT_UNREACHABLE if unreachable else EXIT_ERROR
    status, lines = classify(data)
    for line in lines:
        print(line, file=sys.stderr if status else sys.stdout)
    return status


def classify(data: dict[str, Any]) -> tuple[int, list[str]]:
    """The exit status and the lines to print for a pip-audit JSON report.

    A dependency the service does not know (``skip_reason``: a private package, or a
    mirror without the advisory data) was not checked: that is "cannot tell", never
    "clean".
    """
    dependencies = data.get("dependencies", [])
    found = [(d["name"], d.get("version", "?"), v["id"], v.get("fix_versions", []))
             for d in dependencies for v in d.get("vulns", [])]
    skipped = [d["name"] for d in dependencies if d.get("skip_reason")]
    lines = []
    for name, version, ident, fixes in found:
        fix = f" (fixed in {', '.join(fixes)})" if fixes else ""
        lines.append(f"audit: {name} {version}: {ident}{fix}")
    if found:
        lines.append(f"audit: {len(found)} known vulnerabilit{'y' if len(found) == 1 else 'ies'}"
                     f" in {len(dependencies)} dependencies: raise the pins ('make lock') "
                     "and rebuild.")
        return EXIT_VULNERABLE, lines
    if skipped:
        lines.append(f"audit: {len(skipped)} of {len(dependencies)} dependencies could not "
                     f"be checked (unknown to the advisory service: {', '.join(skipped[:8])}"
                     f"{'...' if len(skipped) > 8 else ''}): not a finding, nothing known.")
        return EXIT_UNREACHABLE, lines
    lines.append(f"audit: {len(dependencies)} pinned dependencies, no known vulnerability.")
    return EXIT_CLEAN, lines


def main(argv: list[str] | None = None) -> int:
    """Command line: ``audit_lock.py LOCK [--no-hashes]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path)
    parser.add_argument("--no-hashes", action="store_true",
                        help="the file pins versions without hashes (tests)")
    args = parser.parse_args(argv)
    if not args.lock.is_file():
        print(f"audit: {args.lock} not found", file=sys.stderr)
        return EXIT_ERROR
    return audit(args.lock, hashed=not args.no_hashes)


if __name__ == "__main__":
    raise SystemExit(main())
