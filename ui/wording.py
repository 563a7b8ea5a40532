"""Errors worded for the user, in French first (translated with Qt Linguist).

Each layer raises structured errors (``cps.errors``, ``client.*``); the words live at the
edge, here, in one place for every language: the French sentence is the source, the
English one is its translation in ``resources/i18n/mssante_companion_en.ts`` (context
``wording``). The table is keyed by exception *type*; :func:`describe_error` walks the
class's MRO, so a subclass without a sentence of its own gets its family's. A sentence
carries the data the error holds (a path, an address, a count), never the exception's
own text, which is English and meant for logs.

The sentences are in :mod:`ui.error_sentences` (adding a wording is one entry there, then
its English translation in the catalog); this module holds how they are applied. Every
sentence is a literal in a ``QT_TRANSLATE_NOOP("wording", ...)`` or ``translate`` call,
so that ``pyside6-lupdate`` extracts it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

__all__ = [
    "Wording",
    "describe_error",
    "fixed",
    "is_cancellation",
    "with_fields",
    "wording_for",
    "wordings",
]

logger = logging.getLogger(__name__)


def _tr(source: str, n: int = -1) -> str:
    return QCoreApplication.translate("wording", source, None, n)


class Wording:
    """How one type of error is said: French sources, and the data put into them.

    ``fill(exc)`` returns the values for ``%1``, ``%2``... (default: none); ``choose(exc)``
    picks one of several ``sources`` (default: the first); ``render(exc)`` words it
    entirely (plural forms, which need a literal ``translate(..., n)`` call).
    """

    def __init__(self, *sources: object,
                 fill: Callable[[BaseException], tuple[str, ...]] | None = None,
                 choose: Callable[[BaseException], int] | None = None,
                 render: Callable[[BaseException], str] | None = None) -> None:
        self.sources = tuple(str(source) for source in sources)
        self._fill = fill
        self._choose = choose
        self._render = render

    def __call__(self, exc: BaseException) -> str:
        if self._render is not None:
            return self._render(exc)
        index = self._choose(exc) if self._choose is not None else 0
        text = _tr(self.sources[index])
        for number, value in enumerate(self._fill(exc) if self._fill else (), start=1):
            text = text.replace(f"%{number}", value)
        return text


def fixed(source: object) -> Wording:
    """A sentence without data."""
    return Wording(source)


def with_fields(source: object, *names: str) -> Wording:
    """A sentence whose ``%1``, ``%2``... are the error's attributes ``names``."""
    return Wording(source, fill=lambda exc: tuple(str(getattr(exc, n, "") or "")
                                                  for n in names))


@cache
def _table() -> dict[type[BaseException], Wording]:
    """Exception type -> wording: the sentences live in :mod:`ui.error_sentences`."""
    from ui.error_sentences import table

    return table()


def wordings() -> dict[type[BaseException], Wording]:
    """The whole table (tests check that every error type has a sentence)."""
    return dict(_table())


def wording_for(kind: type[BaseException]) -> tuple[type[BaseException], Wording] | None:
    """The entry that words ``kind``: its own, else its nearest ancestor's."""
    table = _table()
    for cls in kind.__mro__:
        word = table.get(cls)
        if word is not None:
            return cls, word
    return None


_FALLBACK = QT_TRANSLATE_NOOP(
    "wording", "Erreur inattendue. Réessayez ; si elle persiste, contactez votre support.")


def describe_error(exc: BaseException) -> str:
    """One sentence for ``exc``: what is wrong and what to do (in the app's language)."""
    found = wording_for(type(exc))
    if found is not None:
        return found[1](exc)
    logger.error("unexpected error shown to the user", exc_info=exc)
    return _tr(str(_FALLBACK))


def is_cancellation(exc: BaseException) -> bool:
    """The user cancelled: nothing to show."""
    from client.auth.ciba import EcpsCancelled
    from client.directory.errors import ImportCancelled
    from cps.errors import PinEntryCancelled
    from ui.workers import Cancelled

    return isinstance(exc, PinEntryCancelled | ImportCancelled | Cancelled | EcpsCancelled)
