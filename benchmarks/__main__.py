"""Run every benchmark of this package and print one table of ratios against targets.

Each benchmark is a module ``benchmarks/<name>.py`` exposing ``run() -> list[dict]``;
each row carries ``name``, ``measured``, ``baseline``, ``ratio``, ``target`` and ``met``.
The baseline is measured in the same run, so ratios compare like with like on whatever
machine runs them. ``python -m benchmarks [NAME...] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


def available_benchmarks() -> list[str]:
    """Names of the benchmark modules of this package."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(_PACKAGE_DIR)])
        if not info.name.startswith("_")
    )


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def render_table(rows: list[dict[str, Any]]) -> str:
    """Render the rows as a Markdown table."""
    header = ["benchmark", "measured", "baseline", "ratio", "target", "met"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        met = row.get("met")
        lines.append(
            "| "
            + " | ".join(
                [
                    _format(row.get("name")),
                    _format(row.get("measured")),
                    _format(row.get("baseline")),
                    _format(row.get("ratio")),
                    _format(row.get("target")),
                    "yes" if met is True else ("NO" if met is False else _format(met)),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args(argv)
    names = args.names or available_benchmarks()
    rows: list[dict[str, Any]] = []
    failures = 0
    for name in names:
        started = time.perf_counter()
        print(f"running {name}...", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            rows.extend(module.run())
        except Exception:  # one broken benchmark must not hide the others
            failures += 1
            traceback.print_exc()
            rows.append({"name": name, "measured": "error", "met": False})
        print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.node()} ({platform.machine()}, {platform.python_version()})"
    print(f"Benchmarks measured {stamp} on {machine}\n")
    print(render_table(rows))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"date": stamp, "machine": machine, "rows": rows}, indent=2,
                       default=str),
            encoding="utf-8",
        )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
