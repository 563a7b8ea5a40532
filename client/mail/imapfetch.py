"""UID FETCH over a UID *set* (ranges), which imapclient's ``fetch`` cannot take.

imapclient 3+ converts the requested ids to integers to drop unsolicited responses, so a
range like ``1:500`` fails; sending thousands of single UIDs would make command lines of
tens of kilobytes (Dovecot's default limit is 64 KB). This helper sends RFC 3501 sequence
sets (``1:2500,2600``) and parses the answers with :mod:`client.mail.fetch_parser`.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from client.mail.fetch_parser import parse_fetch
from client.mail.mailbox import imap_errors

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from imapclient import IMAPClient

__all__ = ["fetch_pipelined", "fetch_uid_set", "uid_set"]


def uid_set(uids: Iterable[int]) -> str:
    """Compress UIDs into an RFC 3501 sequence set (``1:3,7,9:10``)."""
    ordered = sorted(set(uids))
    if not ordered:
        raise ValueError("an empty UID set")
    parts: list[str] = []
    start = prev = ordered[0]
    for uid in ordered[1:]:
        if uid == prev + 1:
            prev = uid
            continue
        parts.append(f"{start}:{prev}" if prev != start else str(start))
        start = prev = uid
    parts.append(f"{start}:{prev}" if prev != start else str(start))
    return ",".join(parts)


def fetch_uid_set(
    imap: IMAPClient,
    uids: str,
    items: Sequence[str],
    modifiers: Sequence[str] = (),
) -> dict[int, dict[bytes, Any]]:
    """``UID FETCH <uids> (<items>) [(<modifiers>)]``; returns ``{uid: {item: value}}``."""
    from imapclient.imapclient import seq_to_parenstr_upper

    raw = imap._imap  # imapclient exposes no range FETCH
    with imap_errors("FETCH"):
        tag = raw._command(
            "UID",
            "FETCH",
            uids,
            seq_to_parenstr_upper(list(items)),
            seq_to_parenstr_upper(list(modifiers)) if modifiers else None,
        )
        typ, data = raw._command_complete("FETCH", tag)
        imap._checkok("fetch", typ, data)
        typ, data = raw._untagged_response(typ, data, "FETCH")
        parsed = parse_fetch(data, imap.normalise_times)
    return parsed


def fetch_pipelined(
    imap: IMAPClient, batches: Sequence[Sequence[int]], items: Sequence[str], *, depth: int = 2,
    raw_values: bool = False,
) -> Iterator[dict[int, dict[bytes, Any]]]:
    """``UID FETCH`` each batch of UIDs, keeping ``depth`` commands in flight.

    RFC 3501 section 5.5 lets a client send commands without waiting for the previous
    ones: the server prepares the next batches while this process parses the current
    one, as it does for one big FETCH, while memory stays bounded by the batch size.
    A server may run such commands in parallel and interleave their responses (Dovecot
    does): responses that belong to a later batch are kept for it, so each yield holds
    exactly the messages of its batch (those the server returned). ``raw_values`` is
    :func:`client.mail.fetch_parser.parse_fetch`'s ``raw``.
    """
    from imapclient.imapclient import seq_to_parenstr_upper

    raw = imap._imap  # imapclient exposes no pipelining
    wanted = seq_to_parenstr_upper(list(items))
    in_flight: deque[str] = deque()
    to_send = deque(uid_set(batch) for batch in batches if batch)
    expected = deque(set(batch) for batch in batches if batch)
    early: dict[int, dict[bytes, Any]] = {}
    try:
        while expected:
            with imap_errors("FETCH"):
                while to_send and len(in_flight) < max(1, depth):
                    in_flight.append(raw._command("UID", "FETCH", to_send.popleft(), wanted))
                typ, data = raw._command_complete("FETCH", in_flight.popleft())
                imap._checkok("fetch", typ, data)
                typ, data = raw._untagged_response(typ, data, "FETCH")
                if to_send:
                    # Refill before parsing: the server works while we parse.
                    in_flight.append(raw._command("UID", "FETCH", to_send.popleft(), wanted))
                parsed = parse_fetch(data, imap.normalise_times, raw=raw_values)
            early.update(parsed)
            members = expected.popleft()
            yield {uid: early.pop(uid) for uid in sorted(members) if uid in early}
    finally:
        # A consumer that stopped early leaves commands in flight: drain them so the
        # session stays usable (their responses are dropped).
        while in_flight:
            try:
                raw._command_complete("FETCH", in_flight.popleft())
                raw._untagged_response("OK", [None], "FETCH")
            except Exception as exc:  # the session is closed by the caller anyway
                # The type only: imaplib's message quotes the answer (an envelope, a body).
                logger.debug("could not drain a pipelined FETCH (%s)", type(exc).__name__)
                break
