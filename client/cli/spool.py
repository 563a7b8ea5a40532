"""``mssante-companion spool --dir DIR [--once]``: unattended sending and receiving.

For an applicative mailbox fed by a patient-record system: files dropped in
``DIR/outgoing/`` are sent (``DIR/sent/`` with a JSON report, or ``DIR/failed/`` with the
reason), new mail is written to ``DIR/incoming/``. Logs go to standard output (message
ids and counts, never an address, a subject or a body). SIGTERM stops it after the
message in progress.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from client.cli._common import (
    EXIT_OK,
    EXIT_TEMPORARY,
    describe_errors,
    emit_json,
    option,
)
from client.spool.errors import EnvelopeInvalid, SpoolBusy

__all__ = ["register"]

logger = logging.getLogger(__name__)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= 86400:
        raise argparse.ArgumentTypeError("must be between 0 and 86400 seconds")
    return value


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``spool`` command."""
    from client.cli._password import add_password_option

    parser = subparsers.add_parser(
        "spool", parents=[common], help="send and receive unattended through a directory",
        description="Send the .eml or .json files dropped in DIR/outgoing and write new "
                    "mail to DIR/incoming, until stopped (SIGTERM) or once with --once. "
                    "For an applicative mailbox (certificate profile).")
    parser.add_argument("--dir", required=True, type=Path, metavar="DIR",
                        help="the spool directory (outgoing, sent, failed, incoming)")
    parser.add_argument("--once", action="store_true",
                        help="one pass, then exit (7 when messages wait for a retry)")
    parser.add_argument("--interval", type=_seconds, default=10.0, metavar="SECONDS",
                        help="pause between passes (default 10)")
    parser.add_argument("--retry-after", type=_seconds, default=30.0, metavar="SECONDS",
                        help="first delay after a temporary failure, doubled each time "
                             "up to one hour (default 30)")
    parser.add_argument("--no-receive", action="store_true", help="only send")
    parser.add_argument("--no-send", action="store_true", help="only receive")
    add_password_option(parser)
    parser.set_defaults(handler=_run)


def _log_to_stdout() -> logging.Handler:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    spool_logger = logging.getLogger("client.spool")
    spool_logger.addHandler(handler)
    spool_logger.setLevel(logging.INFO)
    spool_logger.propagate = False
    return handler


def _run(args: argparse.Namespace) -> int:
    from client.auth import build_authenticator
    from client.cli._password import password_prompt_for
    from client.mail.policy import RecipientPolicy, load_trust_space
    from client.profiles.loader import load_default_profile
    from client.spool import Spool, SpoolSettings

    as_json = bool(option(args, "json", False))
    if not as_json:
        _log_to_stdout()  # with --json, stdout holds the one JSON document
    profile = load_default_profile(option(args, "profile"))
    auth = build_authenticator(
        profile, password_prompt=password_prompt_for(args, profile_source=profile.secrets.source))
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    settings = SpoolSettings(interval=args.interval, retry_after=args.retry_after,
                             send=not args.no_send, receive=not args.no_receive)
    try:
        spool = Spool(args.dir, auth, RecipientPolicy(load_trust_space()), settings, stop)
        try:
            report = spool.run(once=args.once)
        finally:
            spool.close()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        auth.close()
    if as_json:
        emit_json(report.to_json())
    if args.once and (report.waiting or report.problems):
        return EXIT_TEMPORARY
    return EXIT_OK


describe_errors({
    SpoolBusy:
        "Another spool process works on {exc.directory}: it sends and receives for both; stop it "
        "first, or run this one without --once to take over when it stops.",
    EnvelopeInvalid: "The outgoing file {exc.name} cannot be sent: {exc.reason}.",
})

