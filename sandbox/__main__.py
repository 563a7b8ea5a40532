"""``python -m sandbox start|stop|status|insert|remove --dir DIR``: the sandbox operator.

``start`` brings everything up in the background and returns (the processes keep running,
their PIDs in ``DIR/state.json``); ``stop`` kills exactly those processes; ``status`` says
what runs; ``insert`` / ``remove`` move the virtual card in and out of the virtual reader
(needs :mod:`sandbox.reader`).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from sandbox.operator import Sandbox, SandboxError, sandbox_status, stop_sandbox

__all__ = ["main"]

logger = logging.getLogger(__name__)


def _reader_action(action: str, directory: Path, kind: str, slot: int) -> int:
    try:
        from sandbox.reader import ReaderError, VirtualReader
    except ImportError:
        print("The virtual reader (sandbox/reader.py) is not available in this checkout.",
              file=sys.stderr)  # fmt: skip
        return 2
    reader = VirtualReader(directory / "reader")
    try:
        if action == "insert":
            reader.start()
            print(f"{kind} card inserted in {reader.insert(kind, slot)}")
        else:
            reader.remove(slot)
            print(f"card removed from slot {slot}")
    except ReaderError as exc:
        print(f"The virtual reader failed: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["start", "stop", "status", "insert", "remove"])
    parser.add_argument("--dir", type=Path, default=Path(".sandbox"),
                        help="sandbox directory (default: .sandbox)")  # fmt: skip
    parser.add_argument("--token-lifetime", type=int, default=300,
                        help="access-token lifetime in seconds (default 300)")  # fmt: skip
    parser.add_argument("--no-reader", action="store_true", help="do not start the reader")
    parser.add_argument("--json", action="store_true", help="print status as JSON")
    parser.add_argument("--kind", default="cps",
                        help="insert: cps, cps4, vitale or other (default cps)")  # fmt: skip
    parser.add_argument("--slot", type=int, default=0, help="insert/remove: reader slot 0 or 1")
    parser.add_argument("--purge", action="store_true",
                        help="stop: also delete the sandbox directory and its mail")  # fmt: skip
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    directory: Path = args.dir.expanduser().resolve()

    if args.command == "start":
        if sandbox_status(directory)["running"]:
            # `make demo` twice: the running sandbox is reused, its files are still valid.
            print(f"Sandbox already running in {directory}; "
                  f"'python -m sandbox stop --dir {directory}' stops it.")  # fmt: skip
            return 0
        sandbox = Sandbox(directory, access_token_lifetime=args.token_lifetime,
                          with_reader=not args.no_reader)  # fmt: skip
        try:
            sandbox.start()
        except SandboxError as exc:
            print(f"The sandbox did not start: {exc}", file=sys.stderr)
            return 1
        # The processes outlive this command (state.json keeps their PIDs): forget them
        # without waiting, and without Popen's "still running" warning.
        sandbox.detach()
        p = sandbox.ports
        print(f"Sandbox running in {directory} (started in {sandbox.start_seconds:.1f} s)")
        print(f"  IMAP {sandbox.host}:{p.imap} (STARTTLS), {p.imaps} (TLS); "
              f"submission {p.submission} (STARTTLS), {p.submissions} (TLS)")  # fmt: skip
        print(f"  PSC-like provider: {sandbox.issuer}")
        print(f"  virtual card: {sandbox.card.token_label!r}; profile: {sandbox.profile}")
        print(f"  use it: . {sandbox.env_file}")
        return 0
    if args.command == "stop":
        stopped = stop_sandbox(directory, purge=args.purge)
        print(f"Stopped: {', '.join(stopped) if stopped else 'nothing was running'}")
        return 0
    if args.command == "status":
        status = sandbox_status(directory)
        if args.json:
            print(json.dumps(status, indent=1))
        else:
            state = "running" if status["running"] else "not running"
            print(f"Sandbox in {directory}: {state}")
            for name, info in status["processes"].items():
                print(f"  {name}: pid {info['pid']} {'up' if info['running'] else 'down'}")
        return 0 if status["running"] else 3
    return _reader_action(args.command, directory, args.kind, args.slot)


if __name__ == "__main__":
    raise SystemExit(main())
