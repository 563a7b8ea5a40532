"""Searching every folder at once, case- and accent-insensitive ("lefevre" finds "Lefèvre").

IMAP ``SEARCH`` compares with ``i;unicode-casemap`` (RFC 5051), which folds case but keeps
accents, so names and subjects are compared here with accents folded (from the encrypted
cache, or the newest headers of a folder never opened), and the server's ``SEARCH TEXT``
adds what headers cannot show (words of the bodies).
"""

from __future__ import annotations

import logging

from client.mail.cache import MailCache
from client.mail.errors import MailError
from client.mail.mailbox import Mailbox, SearchQuery
from client.mail.summary import MessageSummary
from client.mail.text import fold

__all__ = ["MAX_HITS", "UNCACHED_SCAN", "fold", "search_everywhere"]

logger = logging.getLogger(__name__)

#: More hits than anyone reads; the search asks for more precise words beyond this.
MAX_HITS = 500
#: Headers read from a folder that is not in the cache yet (newest first).
UNCACHED_SCAN = 2_000


def _matches(needle: str, summary: MessageSummary) -> bool:
    return any(needle in fold(value)
               for value in (summary.sender, summary.subject, *summary.to, *summary.cc))


def search_everywhere(
    mailbox: Mailbox, cache: MailCache, text: str
) -> list[tuple[str, MessageSummary]]:
    """``(folder, summary)`` of every message matching ``text``, newest first.

    A folder the server refuses to search is skipped (logged), not an error for the rest.
    """
    needle = fold(text.strip())
    if not needle:
        return []
    hits: dict[tuple[str, int], MessageSummary] = {}
    for folder in mailbox.folders():
        if not folder.selectable:
            continue
        name = folder.name
        if cache.folder_state(name) is not None:
            total, _ = cache.list_messages(name, limit=1)
            _, rows = cache.list_messages(name, limit=max(total, 1))
        else:
            # Never opened here: its newest headers, read now (not kept: the sync does that).
            try:
                rows = list(mailbox.list_messages(name, limit=UNCACHED_SCAN).messages)
            except MailError as exc:
                logger.info("a folder could not be listed: %s", type(exc).__name__)
                rows = []
        for row in rows:
            if _matches(needle, row):
                hits[(name, row.uid)] = row
        try:
            uids = mailbox.search(name, SearchQuery(text=text.strip()))
        except MailError as exc:
            logger.info("a folder could not be searched: %s", type(exc).__name__)
            continue
        missing = [u for u in uids if (name, u) not in hits][:MAX_HITS]
        known = {u: cache.summary(name, u) for u in missing}
        for uid, summary in known.items():
            if summary is not None:
                hits[(name, uid)] = summary
        unknown = [u for u, s in known.items() if s is None]
        if unknown:
            for summary in mailbox.summaries(name, unknown):
                hits[(name, summary.uid)] = summary
    ordered = sorted(hits.items(), key=lambda item: (
        item[1].date.timestamp() if item[1].date else 0.0), reverse=True)
    return [(folder, summary) for (folder, _uid), summary in ordered[:MAX_HITS]]
