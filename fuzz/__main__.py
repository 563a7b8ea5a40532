"""``python -m fuzz NAME [libFuzzer options]``: run one atheris harness (see the package
docstring); ``--list`` names them."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

#: Where each harness keeps its corpus (``FUZZ_CORPUS`` overrides, e.g. a temp dir in CI).
CORPUS = Path(os.environ.get("FUZZ_CORPUS") or Path(__file__).resolve().parent / "corpus")
#: Inputs that once found a bug, kept in the repository: replayed by ``tests/fuzz/`` and
#: given to libFuzzer as extra seeds (read only: new inputs go to :data:`CORPUS`).
REGRESSIONS = Path(__file__).resolve().parent / "regressions"


def _seed_corpus(name: str, seeds: list[bytes]) -> Path:
    directory = CORPUS / name
    directory.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        (directory / hashlib.sha1(seed).hexdigest()).write_bytes(seed)  # noqa: S324
    return directory


def main(argv: list[str]) -> int:
    """Run the harness named by ``argv[0]``; other arguments go to libFuzzer."""
    import atheris

    with atheris.instrument_imports(include=["client"]):
        from fuzz.harnesses import HARNESSES

    if not argv or argv[0] in ("-h", "--help", "--list"):
        print("harnesses: " + ", ".join(sorted(HARNESSES)))
        return 0
    name, options = argv[0], argv[1:]
    harness = HARNESSES.get(name)
    if harness is None:
        print(f"unknown harness {name!r}; one of: {', '.join(sorted(HARNESSES))}",
              file=sys.stderr)
        return 2
    corpus = _seed_corpus(name, harness.seeds())
    allowed = harness.allowed

    def one_input(data: bytes) -> None:
        try:
            harness.target(data)
        except allowed:
            pass

    seeds = [str(REGRESSIONS / name)] if (REGRESSIONS / name).is_dir() else []
    atheris.Setup([sys.argv[0], *options, str(corpus), *seeds], one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
