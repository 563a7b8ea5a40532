"""The one version of the app, as each installer format spells it.

``client/__init__.py`` holds ``__version__`` (PEP 440); every build script asks this file
rather than repeating the number, so a release bumps one line. Run as a script::

    python packaging/version.py            # 0.1.0      (PEP 440, as --version prints it)
    python packaging/version.py --deb      # 0.1.0      (Debian: 0.2.0rc1 -> 0.2.0~rc1)
    python packaging/version.py --windows  # 0.1.0.0    (four numbers: VIProductVersion)
    python packaging/version.py --macos    # 0.1.0      (CFBundleShortVersionString)

It reads the file as text so that it runs with any Python 3, without the app's
dependencies (the Windows and macOS build scripts call it before any virtual env exists).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

__all__ = ["REPO", "app_version", "deb_version", "numeric_version", "windows_version"]

REPO = Path(__file__).resolve().parent.parent

# PEP 440 public versions: release, optional pre-release, post-release and dev parts.
_PEP440 = re.compile(
    r"^(?P<release>\d+(?:\.\d+)*)"
    r"(?:(?P<pre_l>a|b|rc)(?P<pre_n>\d+))?"
    r"(?:\.post(?P<post>\d+))?"
    r"(?:\.dev(?P<dev>\d+))?$"
)


def app_version(repo: Path = REPO) -> str:
    """Return ``__version__`` from ``client/__init__.py`` without importing the package."""
    text = (repo / "client" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.MULTILINE)
    if match is None:
        raise SystemExit(f"no __version__ = '...' line in {repo / 'client' / '__init__.py'}")
    version = match.group(1)
    if _PEP440.match(version) is None:
        raise SystemExit(f"__version__ {version!r} is not a PEP 440 version like 1.2.3 or 1.2.3rc1")
    return version


def _parts(version: str) -> re.Match[str]:
    match = _PEP440.match(version)
    if match is None:
        raise ValueError(f"{version!r} is not a PEP 440 version")
    return match


def numeric_version(version: str, width: int = 3) -> str:
    """Return the release numbers padded or cut to ``width`` (``0.1`` -> ``0.1.0``)."""
    numbers = _parts(version).group("release").split(".")
    numbers = (numbers + ["0"] * width)[:width]
    return ".".join(str(int(n)) for n in numbers)


def deb_version(version: str) -> str:
    """Return the Debian spelling: a pre-release or dev build sorts before the release.

    Debian policy 5.6.12: ``~`` sorts before anything, so ``1.0~rc1 < 1.0``.
    """
    match = _parts(version)
    text = match.group("release")
    if match.group("pre_l"):
        text += f"~{match.group('pre_l')}{match.group('pre_n')}"
    if match.group("post"):
        text += f"+post{match.group('post')}"
    if match.group("dev"):
        text += f"~dev{match.group('dev')}"
    return text


def windows_version(version: str) -> str:
    """Return four numbers as Windows version resources need (``VIProductVersion``)."""
    return numeric_version(version, width=4)


def main(argv: list[str] | None = None) -> int:
    """Print the version in the requested spelling."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--deb", action="store_true", help="Debian spelling")
    group.add_argument("--windows", action="store_true", help="four numbers (a.b.c.d)")
    group.add_argument("--macos", action="store_true", help="three numbers (a.b.c)")
    args = parser.parse_args(argv)
    version = app_version()
    if args.deb:
        version = deb_version(version)
    elif args.windows:
        version = windows_version(version)
    elif args.macos:
        version = numeric_version(version)
    print(version)
    return 0


if __name__ == "__main__":
    sys.exit(main())
