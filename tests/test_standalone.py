"""A clone of the repository is all the project needs: nothing reads outside its tree.

Every tracked text file is searched for absolute paths of a particular machine and for
the folder of shared data beside the checkout; every ``Path(__file__)`` walk up the
tree must stay inside it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.data import CDA_DIR, LISTE_BLANCHE, LISTE_BLANCHE_CHECKSUM, REPO

# Written in pieces so that this file does not match its own patterns.
_FORBIDDEN = [
    re.compile(r"(?<![\w.])/" + "work/"),  # an absolute /work/..., not .spool/work/
    re.compile(r"\.\./" + "shared"),
    re.compile("shared" + r"/data\b"),
    re.compile(r"""["']shared["']\s*/\s*["']data["']"""),
    re.compile("/" + r"home/(?!x/)[a-z_][a-z0-9_-]*/"),  # /home/x/... is a test's fake home
]
_WALK_UP = re.compile(
    r"Path\(__file__\)(?:\.resolve\(\))?((?:\.parent(?!s)|\.parents\[\d+\])+)"
)
_TEXT_SUFFIXES = {".py", ".sh", ".toml", ".md", ".cfg", ".ini", ".spec", ".txt", ".ts",
                  ".yml", ".yaml", ".json", ".desktop", ".nsi", ""}


def _tracked_files() -> list[Path]:
    git = shutil.which("git")
    if git is not None and (REPO / ".git").exists():
        out = subprocess.run([git, "ls-files", "-z"], cwd=REPO, check=True,
                             capture_output=True).stdout.decode()
        return [REPO / name for name in out.split("\0") if name]
    skip = {".venv", ".git", ".sandbox", "build", "dist", "__pycache__"}
    return [p for p in REPO.rglob("*")
            if p.is_file() and not skip.intersection(p.relative_to(REPO).parts)]


def _text_files() -> list[Path]:
    return [p for p in _tracked_files()
            if p.suffix in _TEXT_SUFFIXES and p.is_file() and p != Path(__file__).resolve()]


def _levels_up(chain: str) -> int:
    levels = 0
    for part in re.findall(r"\.parent(?!s)|\.parents\[(\d+)\]", chain):
        levels += int(part) + 1 if part else 1
    return levels


def test_no_file_names_a_path_outside_the_tree() -> None:
    offenders: list[str] = []
    for path in _text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in _FORBIDDEN:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(REPO)}:{line}: {match.group(0)}")
    assert offenders == []


def test_no_module_walks_up_out_of_the_tree() -> None:
    offenders: list[str] = []
    for path in _text_files():
        if path.suffix != ".py":
            continue
        text = path.read_text(encoding="utf-8")
        for match in _WALK_UP.finditer(text):
            # Path(__file__).parent is the file's folder: one level is that folder.
            depth_inside = len(path.relative_to(REPO).parts) - 1
            if _levels_up(match.group(1)) - 1 > depth_inside:
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(REPO)}:{line}: {match.group(0)}")
    assert offenders == []


@pytest.mark.parametrize("chain, levels", [(".parent", 1), (".parent.parent", 2),
                                           (".parents[1]", 2), (".parents[2].parent", 4)])
def test_walk_up_counting(chain: str, levels: int) -> None:
    assert _levels_up(chain) == levels


def test_the_detector_finds_a_shared_data_read(tmp_path: Path) -> None:
    line = 'DATA = Path("/' + 'work/' + 'shared/data")'
    assert any(p.search(line) for p in _FORBIDDEN)
    walk = "Path(__file__).resolve().parents[3] / 'x'"
    match = _WALK_UP.search(walk)
    assert match is not None and _levels_up(match.group(1)) - 1 > 1  # tests/x/f.py


def test_the_public_data_is_inside_the_repository() -> None:
    assert LISTE_BLANCHE.is_file() and LISTE_BLANCHE_CHECKSUM.is_file()
    assert len(sorted(CDA_DIR.glob("*.xml"))) == 4
    for note in (LISTE_BLANCHE.with_name("SOURCE.md"), CDA_DIR.parent / "README.md",
                 REPO / "resources" / "igc-sante" / "SOURCE.md"):
        assert "https://" in note.read_text(encoding="utf-8"), note
