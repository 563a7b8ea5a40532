"""``mssante-companion doctor``: what works and what does not, in an IT admin's words.

Checks are a list of steps (:data:`CHECKS`) run in order; each gets the shared
:class:`DoctorContext` (the parsed options, the profile, facts found by earlier steps)
and returns one or more :class:`CheckResult`. The card steps live here, the operator steps
(reachability, TLS, authentication, sign-in) in :mod:`client.cli._doctor_operator`; both
are registered at the end of this module. Another step is added with :func:`register_check`::

    from client.cli.doctor import CheckResult, register_check

    def check_imap(ctx):
        ...
        return CheckResult("imap", "ok", "IMAP server reachable")

    register_check("imap", check_imap, after="pin")

A step may read ``ctx.facts`` ("module", "contents", "readers"...) and add its own.
Exit status: 0 when no step reported an error, 1 otherwise.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from client.auth.diagnose import Finding, Status
from client.cli._card_choice import add_card_options
from client.cli._common import describe_error, emit_json, option
from client.cli._doctor_operator import OPERATOR_STEPS
from client.cli._password import add_password_option
from client.cli.card import (
    add_module_option,
    card_anchors,
    card_crls,
    certificate_status,
    named_cards,
    profile_if_any,
    resolve_module,
)
from client.cli.trust import revocation_reason_words
from client.trust import CRL_WAIT, TrustStore, http_fetch, http_post_ocsp
from cps.atr import CardKind
from cps.errors import CardError, MiddlewareError
from cps.service import CardContents, CardService
from cps.watcher import read_readers

__all__ = [
    "CHECKS",
    "CheckResult",
    "DoctorContext",
    "register",
    "register_check",
    "run_checks",
]

logger = logging.getLogger(__name__)

EXIT_PROBLEMS = 1

#: The outcome of one step; the operator steps of :mod:`client.auth.diagnose` return it too.
CheckResult = Finding


@dataclass
class DoctorContext:
    """What the steps share."""

    args: argparse.Namespace
    facts: dict[str, Any] = field(default_factory=dict)
    _profile: Any = None
    _profile_loaded: bool = False

    @property
    def profile(self) -> Any | None:
        """The operator profile, if one is configured (loaded once)."""
        if not self._profile_loaded:
            self._profile_loaded = True
            try:
                self._profile = profile_if_any(self.args)
            except Exception as exc:  # reported by the profile step
                self.facts["profile_error"] = exc
                self._profile = None
        return self._profile


Check = Callable[[DoctorContext], "CheckResult | Iterable[CheckResult]"]

#: The steps, in order: (name, function).
CHECKS: list[tuple[str, Check]] = []
# The step releasing the card library stays last.
_LAST = "close-card"


def register_check(name: str, check: Check, *, before: str | None = None,
                   after: str | None = None) -> None:
    """Add (or replace) a step, at the end or next to another one."""
    CHECKS[:] = [(n, c) for n, c in CHECKS if n != name]
    names = [n for n, _ in CHECKS]
    if before in names:
        CHECKS.insert(names.index(before), (name, check))
    elif after in names:
        CHECKS.insert(names.index(after) + 1, (name, check))
    elif _LAST in names:
        CHECKS.insert(names.index(_LAST), (name, check))
    else:
        CHECKS.append((name, check))


def run_checks(args: argparse.Namespace) -> list[CheckResult]:
    """Run every step; a step that crashes is reported as an error, not raised."""
    context = DoctorContext(args)
    results: list[CheckResult] = []
    for name, check in list(CHECKS):
        try:
            outcome = check(context)
        except Exception as exc:  # a diagnosis must go on
            logger.debug("doctor step %s failed", name, exc_info=exc)
            outcome = CheckResult(name, "error", describe_error(exc))
        results.extend([outcome] if isinstance(outcome, CheckResult) else list(outcome))
    return results


# -- card steps -------------------------------------------------------------------------------

def _skip(name: str, why: str) -> CheckResult:
    return CheckResult(name, "skipped", why)


def _without_card(ctx: DoctorContext) -> bool:
    """Whether the profile signs in with a certificate file (an applicative mailbox on a
    server: no card, no reader) and no card library was named with ``--module``."""
    profile = ctx.profile
    return (profile is not None and profile.auth.method == "certificate"
            and not option(ctx.args, "module"))


_NO_CARD = "Skipped: the profile signs in with a certificate file, not a CPS card."


def check_middleware(ctx: DoctorContext) -> CheckResult:
    """Is the PKCS#11 library (Cryptolib CPS) installed and loadable?"""
    if _without_card(ctx):
        return _skip("middleware", _NO_CARD)
    try:
        module = resolve_module(ctx.args, ctx.profile)
        service = CardService.for_module(module)
        try:
            slots = service.slots()
        except BaseException:
            service.close()
            raise
    except MiddlewareError as exc:
        return CheckResult("middleware", "error", describe_error(exc),
                           "Install Cryptolib CPS, then run doctor again.")
    ctx.facts["module"] = module
    ctx.facts["service"] = service
    ctx.facts["slots"] = slots
    return CheckResult("middleware", "ok", f"CPS card library found: {module}",
                       details={"module": str(module), "slots": len(slots)})


def check_readers(ctx: DoctorContext) -> CheckResult:
    """Does the smart-card service run, and which readers does it see?"""
    if _without_card(ctx):
        return _skip("readers", _NO_CARD)
    readers = read_readers()
    ctx.facts["readers"] = readers
    if readers is None:
        slots = ctx.facts.get("slots") or []
        status: Status = "warning" if slots else "error"
        return CheckResult(
            "readers", status,
            "The smart-card service (PC/SC) is not running, so no reader can be seen.",
            "Start it: on Linux 'systemctl start pcscd.socket', on Windows the 'Carte à puce' "
            "(Smart Card) service; then plug the reader in again.")
    if not readers:
        return CheckResult(
            "readers", "error", "No smart-card reader is connected.",
            "Plug the CPS reader in (USB), check its driver, and run doctor again.")
    names = ", ".join(r.name for r in readers)
    return CheckResult("readers", "ok", f"{len(readers)} reader(s): {names}",
                       details={"readers": [r.name for r in readers]})


def check_card(ctx: DoctorContext) -> CheckResult:
    """Is a CPS card inserted and readable?"""
    service: CardService | None = ctx.facts.get("service")
    if _without_card(ctx):
        return _skip("card", _NO_CARD)
    if service is None:
        return _skip("card", "Skipped: the CPS card library is missing.")
    readers = ctx.facts.get("readers") or []
    vitale_only = readers and all(r.kind is CardKind.VITALE for r in readers if r.card_present) \
        and any(r.card_present for r in readers)
    try:
        contents, others = _card_to_check(service, option(ctx.args, "reader"),
                                          option(ctx.args, "card"))
    except CardError as exc:
        advice = "Insert the CPS card, chip first, in the reader."
        summary = describe_error(exc)
        if vitale_only:
            summary = "Only a Vitale card is in the reader(s); the CPS card is not inserted."
            advice = "Insert the professional CPS card (not the patient's Vitale card)."
        return CheckResult("card", "error", summary, advice)
    if contents.auth_certificate is None:
        return CheckResult(
            "card", "error",
            f"The card in {contents.slot.description!r} is not a usable CPS card "
            "(no authentication certificate).",
            "Insert a CPS card; a blank or foreign card cannot sign in.")
    ctx.facts["contents"] = contents
    who = contents.identity.display_name if contents.identity else "unknown holder"
    details = {"label": contents.token.label, "serial": contents.token.serial}
    if others:
        listed = "; ".join(f"{c.slot.description!r} (serial {c.token.serial.strip()})"
                           for c in others)
        return CheckResult(
            "card", "warning",
            f"{len(others) + 1} CPS cards are inserted; checking the one of {who} in "
            f"{contents.slot.description!r}. Also inserted: {listed}.",
            "Name the card to check with --reader NAME or --card SERIAL; sign-in asks "
            "which card, and a script must name it the same way.", details)
    return CheckResult("card", "ok", f"CPS card of {who} in {contents.slot.description!r}",
                       details=details)


def _card_to_check(service: CardService, reader: str | None, serial: str | None
                   ) -> tuple[CardContents, list[CardContents]]:
    """The card ``--reader``/``--card`` name, else the first CPS card; and the other
    CPS cards inserted when none was named (the admin is told which one was checked).

    Raises:
        TokenNotPresent: no card at all.
        ChosenCardAbsent: a card is named and none matches it.
    """
    usable = [c for c in service.read_all() if c.auth_certificate is not None]
    if reader or serial:
        return named_cards(usable, reader, serial)[0], []
    if usable:
        return usable[0], usable[1:]
    # No CPS card: read_card says there is none, or gives the blank or foreign card the
    # caller words as such.
    return service.read_card(), []


def check_certificate(ctx: DoctorContext) -> CheckResult:
    """Is the card's certificate valid, issued under IGC-Santé, and not revoked?"""
    contents = ctx.facts.get("contents")
    if contents is None:
        return _skip("certificate", "Skipped: no CPS card to check.")
    anchors = card_anchors(ctx.profile)
    status = certificate_status(contents, anchors, crls=card_crls(ctx.profile))
    advice = {
        "expired": "The holder must renew the CPS card.",
        "revoked": "The holder must ask ANS for a new CPS card.",
        "not_yet_valid": "Check the computer's date and time.",
        "untrusted": "Add the IGC-Santé authority (admin) or use a real CPS card.",
        "malformed": "Use a CPS card.",
    }.get(status["status"], "")
    if status["status"] != "trusted":
        return CheckResult("certificate", "error", f"Certificate: {status['message']}", advice,
                           details={"status": status["status"]})
    return _revocation_result(contents, anchors, ctx.profile)


def _revocation_result(contents: Any, anchors: list[Any], profile: Any) -> CheckResult:
    """Ask the network (OCSP, CRL distribution points; bounded wait) and say what is known."""
    trust = TrustStore(anchors, use_system=False, crls=card_crls(profile))
    revocation = trust.revocation_status(
        contents.auth_certificate, chain=contents.ca_certificates, fetch=http_fetch,
        ocsp_post=http_post_ocsp, wait=CRL_WAIT)
    details = {"status": "trusted", "revocation": revocation.as_dict()}
    if revocation.state == "revoked" and revocation.revoked_at is not None:
        why = revocation_reason_words(revocation.reason)
        details["status"] = "revoked"
        return CheckResult(
            "certificate", "error",
            f"Certificate: revoked on {revocation.revoked_at:%d/%m/%Y}"
            + (f" ({why})" if why else "") + ": the card can no longer sign in.",
            "The holder must ask ANS for a new CPS card; until then the app refuses it.",
            details)
    if revocation.state == "unknown":
        return CheckResult(
            "certificate", "error",
            "Certificate: valid and issued under IGC-Santé, but its revocation status is "
            "unknown (no CRL kept and the IGC-Santé publication point did not answer).",
            "Check the internet access to the CRL distribution points, or import the "
            "IGC-Santé CRL with 'mssante-companion trust import-crl FILE'.", details)
    by = "OCSP responder" if revocation.source == "ocsp" else "kept CRL"
    if revocation.stale:
        return CheckResult(
            "certificate", "warning",
            f"Certificate: valid and not revoked per the last {by}, which is past its next "
            "update.",
            "Let the app reach the IGC-Santé publication point, or import a newer CRL "
            "with 'mssante-companion trust import-crl FILE'.", details)
    return CheckResult("certificate", "ok",
                       f"Certificate: valid, issued under IGC-Santé, not revoked ({by}).",
                       details=details)


def check_pin(ctx: DoctorContext) -> CheckResult:
    """What does the card say about its PIN?"""
    contents = ctx.facts.get("contents")
    if contents is None:
        return _skip("pin", "Skipped: no CPS card to check.")
    pin = contents.token.pin
    details = {k: v for k, v in pin.as_dict().items() if k in ("count_low", "final_try", "locked")}
    if pin.locked:
        return CheckResult("pin", "error", "The PIN is locked (too many wrong tries).",
                           "Unblock it with the card's PUK in the CPS management tool, or "
                           "order a new card.", details)
    if pin.final_try:
        return CheckResult("pin", "warning", "One PIN try left: a wrong PIN will lock the card.",
                           "Make sure of the PIN before typing it.", details)
    if pin.count_low:
        return CheckResult("pin", "warning", "A wrong PIN was typed since the last success.",
                           "", details)
    return CheckResult("pin", "ok", "PIN not blocked, no wrong try pending.", details=details)


def _close_service(ctx: DoctorContext) -> Iterable[CheckResult]:
    service: CardService | None = ctx.facts.pop("service", None)
    if service is not None:
        service.close()
    return []


for _name, _check in (("middleware", check_middleware), ("readers", check_readers),
                      ("card", check_card), ("certificate", check_certificate),
                      ("pin", check_pin)):
    register_check(_name, _check)
for _name, _step in OPERATOR_STEPS:
    register_check(_name, _step)
CHECKS.append((_LAST, _close_service))


# -- command ----------------------------------------------------------------------------------

_MARK = {"ok": "OK  ", "warning": "WARN", "error": "FAIL", "skipped": "SKIP"}


def _run(args: argparse.Namespace) -> int:
    results = run_checks(args)
    failed = any(r.status == "error" for r in results)
    if option(args, "json", False):
        emit_json({"ok": not failed, "checks": [r.as_dict() for r in results]})
    else:
        for result in results:
            print(f"[{_MARK[result.status]}] {result.name}: {result.summary}")
            if result.advice and result.status in ("error", "warning"):
                print(f"       -> {result.advice}")
    return EXIT_PROBLEMS if failed else 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
             common: argparse.ArgumentParser) -> None:
    """Register ``doctor``."""
    parser = subparsers.add_parser(
        "doctor", parents=[common], help="diagnose the card, the reader and the operator",
        description="Check the CPS card library, the readers, the card, its certificate and "
                    "PIN state, and explain what to fix.")
    add_module_option(parser)
    add_card_options(parser, verb="with two CPS cards inserted: check")
    add_password_option(parser)
    parser.set_defaults(handler=_run)
