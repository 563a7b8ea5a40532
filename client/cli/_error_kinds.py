"""Which family a failure belongs to, for exit codes and ``retry`` in ``--json`` errors.

Loaded only when a command fails, so that ``--help`` imports none of the error modules.
The families are those of :mod:`client.cli._common`: ``authentication``, ``policy``,
``temporary``, ``not-found``, ``exists``, ``other``.
"""

from __future__ import annotations

import errno

__all__ = ["classify"]

# errno values of a disk that is full or over quota: freeing space and retrying works.
_TEMPORARY_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EAGAIN, errno.ETIMEDOUT,
                     errno.ECONNREFUSED, errno.ECONNRESET, errno.EHOSTUNREACH,
                     errno.ENETUNREACH}


def classify(exc: BaseException) -> str | None:
    """The family of ``exc``, or None when its own ``exit_status`` (or "other") decides."""
    from client.auth import errors as auth
    from client.mail import errors as mail
    from client.spool.errors import SpoolBusy
    from cps import errors as card

    if isinstance(exc, SpoolBusy):
        return "temporary"
    if isinstance(exc, mail.RecipientRefused):
        return "policy"
    if isinstance(exc, mail.SubmissionFailed):
        return "other" if exc.permanent else "temporary"
    if isinstance(exc, auth.OperatorUnreachable | auth.ProviderUnreachable
                  | mail.MailConnectionError):
        return "temporary"
    if isinstance(exc, card.CardRemoved | card.TokenNotPresent | card.ReaderUnavailable):
        return "temporary"
    if isinstance(exc, auth.AuthError | card.PinError | card.CertificateError):
        return "authentication"
    if isinstance(exc, FileExistsError):
        return "exists"
    if isinstance(exc, OSError) and exc.errno in _TEMPORARY_ERRNOS:
        return "temporary"
    if isinstance(exc, TimeoutError | ConnectionError):
        return "temporary"
    return None
