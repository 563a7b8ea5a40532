"""Text as people read and compare it: the integration marker hidden, case and accents
folded. Light on purpose (only ``re`` and ``unicodedata``): the cache derives its sealed
sort keys with it on every stored row, and the command line must not pay for more.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["SUBJECT_PREFIX", "display_subject", "fold", "subject_sort_key"]

#: What integrations put before a subject to announce a structured document (IHE XDM).
SUBJECT_PREFIX = "XDM/1.0/DDM+"
# The marker may follow a reply or report prefix ("Re: ", "[KO Intégration système !][E1] ").
_PREFIX_RE = re.compile(r"(?:^|(?<=[\s\]:]))XDM/1\.0/DDM\+\s*", re.IGNORECASE)
#: Combining diacritical marks (U+0300-U+036F): what NFKD splits off Latin letters.
_MARKS = re.compile("[\u0300-\u036f]")
# Reply and forward prefixes of a folded subject, French and English first ("re :",
# "tr:", "fwd:", German clients' "aw:"/"wg:"), repeated or numbered ("re[2]:").
_REPLY_PREFIXES = re.compile(r"^(?:\s*(?:re|tr|fwd?|aw|wg)\s*(?:\[\d+\])?\s*:)+\s*")


def display_subject(subject: str) -> str:
    """The subject a person reads: the ``XDM/1.0/DDM+`` marker removed, if present.

    The marker is also hidden after a reply or MDN prefix (``Re: XDM/1.0/DDM+...``,
    ``[KO Intégration système !][code] XDM/1.0/DDM+...``).
    """
    if "+" not in subject:  # the common case, without a regex: 100,000 rows are keyed
        return subject.strip()
    return _PREFIX_RE.sub("", subject.strip(), count=1)


def fold(text: str) -> str:
    """Lower case without accents: ``"Hélène LEFÈVRE"`` -> ``"helene lefevre"``."""
    if text.isascii():
        return text.casefold()
    # A regular expression rather than a loop over characters: this runs over every row
    # of a 100,000-message folder.
    return _MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))


def subject_sort_key(subject: str) -> str:
    """What a subject sorts on: as read, folded, reply and forward prefixes dropped, so
    a reply sorts with the message it answers (as Thunderbird and Outlook sort)."""
    key = fold(display_subject(subject))
    if ":" in key:
        key = _REPLY_PREFIXES.sub("", key, count=1)
    return key
