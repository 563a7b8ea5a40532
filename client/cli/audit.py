"""``audit show|verify|export``: the local audit trail (:mod:`client.audit`).

With ``--profile FILE`` (or a default profile), a profile whose ``[secrets]`` source is a
key file or a systemd credential checks the trail with the key derived from it, as the
commands of that profile sealed it; otherwise the keyring's key.
"""

from __future__ import annotations

import argparse
import errno
import json
from pathlib import Path
from typing import Any

from client.audit import AuditError, AuditKeyUnavailable, AuditLog, AuditTampered, VerifyResult
from client.cli._common import EXIT_OK, describe_error, describe_errors, emit_json, option

__all__ = ["register"]

def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``audit`` command group."""
    parser = subparsers.add_parser(
        "audit", parents=[common], help="security audit trail (sign-ins, sends, receipts...)"
    )
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    show = sub.add_parser("show", parents=[common], help="list recorded events")
    show.add_argument("--limit", type=int, default=50, help="last N events (0: all)")
    show.add_argument("--event", action="append", default=[], help="only this event kind")
    show.set_defaults(handler=_show)

    verify = sub.add_parser("verify", parents=[common], help="check the hash chain")
    verify.set_defaults(handler=_verify)

    export = sub.add_parser("export", parents=[common], help="copy the trail to a file")
    export.add_argument("output", type=Path, help="destination file")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument("--overwrite", action="store_true",
                        help="replace the destination file if it exists")
    export.set_defaults(handler=_export)


def _use_profile_key(args: argparse.Namespace) -> None:
    """Check with the key the profile's commands sealed with (loading it sets it)."""
    from client.cli.card import profile_if_any

    profile_if_any(args)


def _show(args: argparse.Namespace) -> int:
    _use_profile_key(args)
    entries = AuditLog().entries()
    if args.event:
        entries = [e for e in entries if e.event in set(args.event)]
    if args.limit > 0:
        entries = entries[-args.limit:]
    if option(args, "json", False):
        emit_json({"events": [e.to_json() for e in entries]})
        return EXIT_OK
    if not entries:
        print("No audit events recorded.")
    for e in entries:
        details = " ".join(f"{k}={_plain(v)}" for k, v in sorted(e.fields.items()))
        print(f"{e.seq:>6} {e.time} {e.event:<18} {details}".rstrip())
    return EXIT_OK


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def _verify(args: argparse.Namespace) -> int:
    _use_profile_key(args)
    log = AuditLog()
    result = log.verify()
    if option(args, "json", False):
        emit_json(
            {"ok": True, "count": result.count, "last_seq": result.last_seq,
             "last_hash": result.last_hash, "torn_lines": list(result.torn_lines),
             "sealed_from": result.sealed_from, "unsealed": list(result.unsealed),
             "first_seq": result.first_seq, "files": result.files,
             "unchecked": list(result.unchecked), "end_checked": result.end_checked,
             "key_id": result.key_id, "key_origin": result.key_origin,
             "runs": [{"first": first, "last": last, "kind": kind, "key_id": kid}
                      for first, last, kind, kid in result.runs],
             "path": str(log.path)}
        )
        return EXIT_OK
    note = (f" ({len(result.torn_lines)} line(s) cut by a crash, ignored)"
            if result.torn_lines else "")
    partly = result.unchecked or not result.end_checked
    print(f"Audit trail {'intact where checked' if partly else 'intact'}: {result.count} "
          f"events, last #{result.last_seq} {result.last_hash[:16]}{note}.")
    for line in _notes(result):
        print(line)
    return EXIT_OK


_ORIGINS = {
    "keyring": "the system keyring's key",
    "file": "the key derived from the profile's cache key file",
    "systemd-credential": "the key derived from the profile's systemd credential",
    "given": "the given key",
}


def _span(first: int, last: int) -> str:
    return f"#{first}" if first == last else f"#{first}-#{last}"


def _notes(result: VerifyResult) -> list[str]:
    """What each stretch of the trail is, in order: never "intact" for what was not checked."""
    notes = []
    mine = _ORIGINS.get(result.key_origin, result.key_origin)
    for first, last, kind, kid in result.runs:
        span = _span(first, last)
        if kind == "unsealed":
            later = (f"; the keyed trail starts at #{result.sealed_from}"
                     if result.sealed_from is not None else
                     "; the next event starts the keyed trail")
            notes.append(
                f"Events {span} were written without a key (by an earlier version, or while "
                f"no keyring was available): chained, but they cannot be proven unmodified"
                f"{later}.")
        elif kind == "sealed":
            whose = mine if kid == result.key_id else "the system keyring's key"
            notes.append(f"Events {span} are sealed with {whose} (HMAC-SHA256, key id {kid}): "
                         "checked.")
        else:
            notes.append(f"Events {span} are sealed with another key (key id {kid}) that this "
                         f"command does not have (it checks with {mine}): NOT checked. Run "
                         "'audit verify' with the profile (or on the desktop) that wrote them.")
    if not result.end_checked:
        notes.append("The end marker is sealed with that other key: entries removed from the "
                     "end cannot be ruled out here.")
    if result.first_seq > 1:
        notes.append(f"Events before #{result.first_seq} were removed by rotation "
                     f"(recorded); {result.files} file(s) checked.")
    return notes


def _export(args: argparse.Namespace) -> int:
    if args.output.exists() and not args.overwrite:
        # A previous export kept for comparison must not be lost to a repeated command.
        raise FileExistsError(errno.EEXIST, "already exists (choose another file, or add "
                              "--overwrite to replace it)", str(args.output))
    _use_profile_key(args)
    count = AuditLog().export(args.output, fmt=args.format)
    if option(args, "json", False):
        emit_json({"path": str(args.output), "count": count, "format": args.format})
    else:
        print(f"{count} events written to {args.output}.")
    return EXIT_OK


@describe_error.register
def _(exc: AuditTampered) -> str:
    return (
        f"The audit trail was modified or damaged at line {exc.line}"
        f"{f' (event #{exc.seq})' if exc.seq else ''}: {exc.reason}; "
        f"keep {exc.path} as evidence and tell your security officer."
    )


describe_errors({
    AuditKeyUnavailable:
        "The audit trail's key is not available ({exc.reason}). Unlock the system keyring, or "
        "give the profile whose [secrets] source sealed the trail with --profile FILE, and try "
        "again. Without it the trail cannot be checked.",
    AuditError: "{exc}. Check that the application's data directory is writable.",
})

