"""``python -m sandbox start|stop|status|insert|remove --dir DIR``: the sandbox operator.

``start`` brings everything up in the background and returns (the processes keep running,
their PIDs in ``DIR/state.json``); ``stop`` kills exactly those processes; ``status`` says
what runs; ``insert`` / ``remove`` move the virtual card in and out of the virtual reader
(needs :mod:`sandbox.reader`); ``ecps approve|deny|pending|auto`` is the simulated e-CPS
phone of the doctor (it shows the binding message of the request it answers, and checks it
with ``--binding-message``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from sandbox import ecps
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


def _ecps_action(args: argparse.Namespace, directory: Path) -> int:
    action = args.action or "pending"
    try:
        if action == "auto":
            ecps.set_auto(directory, args.mode, args.delay)
            print(f"e-CPS phone: automatic mode {args.mode} (after {args.delay:g} s)")
            return 0
        waiting = ecps.pending(directory)
        for request in waiting:
            print(f"e-CPS: sign-in request for {request['national_id']} from "
                  f"{request['client_id']}, binding message "
                  f"\"{request['binding_message']}\" ({request['expires_in']} s left)")
        if action == "pending":
            return 0 if waiting else 3
        answered = ecps.answer(directory, action, args.national_id, args.binding_message)
    except (OSError, KeyError, ValueError) as exc:
        print(f"The sandbox's provider cannot be reached ({exc}); is it running?",
              file=sys.stderr)
        return 1
    if not answered:
        print("No pending e-CPS request matches (national id, binding message).",
              file=sys.stderr)
        return 1
    print(f"{'Approved' if action == 'approve' else 'Refused'} on the phone: {answered} "
          "request(s).")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.split("\n")[0])
    parser.add_argument("command",
                        choices=["start", "stop", "status", "insert", "remove", "ecps"])
    parser.add_argument("action", nargs="?",
                        choices=["approve", "deny", "pending", "auto"],
                        help="ecps: approve or deny the pending sign-in, list them, or "
                             "answer automatically (--mode)")
    parser.add_argument("--national-id", default="", help="ecps: whose request to answer")
    parser.add_argument("--binding-message", default="",
                        help="ecps: answer only the request showing this message")
    parser.add_argument("--mode", default="approve", choices=["approve", "deny", "off"],
                        help="ecps auto: how the phone answers")
    parser.add_argument("--delay", type=float, default=0.0,
                        help="ecps auto: seconds before answering")
    parser.add_argument("--allow-public-clients", action="store_true",
                        help="start: the provider also accepts public clients (development; "
                             "production PSC does not)")
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
                          with_reader=not args.no_reader,
                          production_psc=not args.allow_public_clients)  # fmt: skip
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
        print(f"  PSC-like provider: {sandbox.issuer} (production mode: "
              f"{'no' if args.allow_public_clients else 'yes'})")
        print(f"  PSC gateway: {sandbox.gateway_url}; profile {sandbox.profile_gateway}")
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
    if args.command == "ecps":
        return _ecps_action(args, directory)
    return _reader_action(args.command, directory, args.kind, args.slot)


if __name__ == "__main__":
    raise SystemExit(main())
