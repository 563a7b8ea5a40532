"""``mssante-companion card``: readers, cards, identity and PIN state.

Also the wording of every card-layer error for the command line (registered on
:func:`client.cli._common.describe_error`), and helpers other commands reuse:
:func:`resolve_module`, :func:`card_anchors`, :func:`certificate_status`.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import logging
from pathlib import Path
from typing import Any

from cryptography import x509

from client.cli._card_choice import add_card_options
from client.cli._common import EXIT_OK, describe_error, describe_errors, emit_json, option
from client.paths import app_paths
from client.trust import CertificateRevoked, CrlStore, TrustStore
from cps.errors import (
    CardRemoved,
    CertificateExpired,
    CertificateMalformed,
    CertificateNotFound,
    CertificateNotYetValid,
    CertificateUntrusted,
    ChosenCardAbsent,
    KeyNotFound,
    MechanismNotSupported,
    MiddlewareInvalid,
    MiddlewareNotFound,
    PinEntryCancelled,
    PinIncorrect,
    PinLengthInvalid,
    PinLocked,
    ReaderUnavailable,
    TokenNotPresent,
    TokenOperationFailed,
)
from cps.identity import load_anchors, verify_certificate
from cps.middleware import find_pkcs11_module
from cps.service import CardContents, CardService
from cps.watcher import ReaderStatus, read_readers

__all__ = [
    "add_module_option",
    "card_anchors",
    "card_crls",
    "card_report",
    "certificate_status",
    "named_cards",
    "profile_if_any",
    "register",
    "resolve_module",
]

logger = logging.getLogger(__name__)

CRYPTOLIB_ADVICE = (
    "Install ANS's Cryptolib CPS (https://esante.gouv.fr, 'Cryptolib CPS'), or give the "
    "library with --module PATH or [auth] pkcs11_module in the profile"
)


# -- wording ------------------------------------------------------------------------------

@describe_error.register
def _(exc: MiddlewareNotFound) -> str:
    tried = ", ".join(str(p) for p in exc.paths_tried)
    return f"The CPS card software is not installed: no PKCS#11 library at {tried}. " \
           f"{CRYPTOLIB_ADVICE}."


@describe_error.register
def _(exc: MiddlewareInvalid) -> str:
    return f"{exc.path} cannot be used as the CPS card library: {exc.reason}. " \
           f"{CRYPTOLIB_ADVICE}."


describe_errors({
    TokenNotPresent:
        "No CPS card is inserted. Insert the card, chip first, in the reader and try again.",
    CardRemoved: "The CPS card was removed. Insert it again and repeat the operation.",
    ReaderUnavailable:
        "The smart-card reader cannot be reached ({exc.reason}). Check that the reader is "
        "plugged in and that the smart-card service (pcscd) runs.",
    PinLocked:
        "The CPS card's PIN is locked after too many wrong tries. Unblock it with the "
        "card's unblocking code (PUK) using the CPS management tool, or order a new card.",
    PinEntryCancelled: "PIN entry cancelled; nothing was done.",
    CertificateExpired:
        "The card's certificate expired on {exc.not_after:%Y-%m-%d}. The holder must renew "
        "the CPS card.",
    CertificateNotYetValid:
        "The card's certificate is valid only from {exc.not_before:%Y-%m-%d}. Check the "
        "computer's date, or wait for the card's activation.",
    CertificateUntrusted:
        "The card's certificate is not vouched for by IGC-Santé: {exc.reason}. Use a CPS "
        "card, or let an administrator add the right IGC-Santé authority.",
    CertificateMalformed:
        "The card's certificate is not a CPS certificate: {exc.reason}. Use a CPS card.",
    CertificateNotFound:
        "The card has no {exc.usage} certificate: it is not a usable CPS card (blank, or "
        "another kind of card).",
    KeyNotFound:
        "The card has no private key for its {exc.usage} certificate: it cannot sign in.",
    MechanismNotSupported:
        "The card cannot do {exc.mechanism}. A newer card (CPS4) may be needed.",
    TokenOperationFailed:
        "The card refused an operation ({exc.operation}: {exc.code}). Remove and insert the "
        "card, then try again.",
})


@describe_error.register
def _(exc: PinIncorrect) -> str:
    if exc.attempts_left == 1:
        return "Incorrect PIN. Last try left: a wrong PIN will lock the card."
    if exc.attempts_left is not None:
        return f"Incorrect PIN, {exc.attempts_left} tries left. Type the card's 4-digit PIN."
    return "Incorrect PIN. Type the card's PIN again, carefully: the card locks after 3 errors."


@describe_error.register
def _(exc: PinLengthInvalid) -> str:
    if exc.min_length and exc.max_length and exc.max_length < 64:
        size = f"{exc.min_length} to {exc.max_length} digits"
    else:
        size = "4 digits"
    return f"The PIN typed has the wrong length (expected {size}); no try was used. Type it again."


# -- helpers other commands reuse -----------------------------------------------------------

def profile_if_any(args: argparse.Namespace) -> Any | None:
    """The profile named by ``--profile``, else the default one if it exists, else None.

    Raises the profile loader's errors for an explicit ``--profile`` that is invalid.
    """
    from client.profiles import NoProfile, ProfileError, load_default_profile

    explicit = option(args, "profile")
    try:
        return load_default_profile(explicit)
    except NoProfile:
        return None
    except ProfileError:
        if explicit:
            raise
        logger.warning("the default profile is invalid; ignored for card commands")
        return None


def add_module_option(parser: argparse.ArgumentParser,
                      instead_of: str = "Cryptolib CPS") -> None:
    """``--module PATH``: the PKCS#11 library :func:`resolve_module` then prefers."""
    parser.add_argument("--module", metavar="PATH",
                        help=f"PKCS#11 library to use instead of {instead_of}")


def resolve_module(args: argparse.Namespace, profile: Any | None = None) -> Path:
    """The PKCS#11 library: ``--module``, the profile's ``pkcs11_module``, env, Cryptolib."""
    profile_value = getattr(getattr(profile, "auth", None), "pkcs11_module", None)
    return find_pkcs11_module(option(args, "module"), profile_value)


def card_anchors(profile: Any | None = None) -> list[x509.Certificate]:
    """IGC-Santé anchors for card certificates: shipped, admin's and the profile's."""
    extra = [app_paths().config / "anchors"]
    ca_file = getattr(profile, "ca_file", None)
    if ca_file:
        extra.append(Path(ca_file))
    return load_anchors(extra)


def certificate_status(contents: CardContents, anchors: list[x509.Certificate],
                       at: _dt.datetime | None = None,
                       crls: CrlStore | None = None) -> dict[str, Any]:
    """{"status": "trusted" | "revoked" | "expired" | "not_yet_valid" | "untrusted" |
    "malformed" | "missing", "message": ..., "revocation": "good" | "unknown"} for the
    card's authentication certificate (revocation from the kept CRLs, when ``crls``)."""
    cert = contents.auth_certificate
    if cert is None:
        return {"status": "missing", "message": describe_error(
            CertificateNotFound("authentication"))}
    if contents.identity_error is not None:
        return {"status": "malformed", "message": describe_error(contents.identity_error)}
    try:
        chain = verify_certificate(cert, anchors, contents.ca_certificates, at)
    except CertificateExpired as exc:
        return {"status": "expired", "message": describe_error(exc)}
    except CertificateNotYetValid as exc:
        return {"status": "not_yet_valid", "message": describe_error(exc)}
    except CertificateUntrusted as exc:
        return {"status": "untrusted", "message": describe_error(exc)}
    revocation = "unknown"
    if crls is not None:
        try:
            revocation = "good" if crls.check(cert) else "unknown"
        except CertificateRevoked as exc:
            return {"status": "revoked", "revocation": "revoked", "message": (
                f"The card's certificate was revoked on {exc.revoked_at:%Y-%m-%d}: it can no "
                "longer sign in. The holder must ask ANS for a new CPS card.")}
    message = "valid and issued under IGC-Santé"
    if revocation == "unknown":
        message += " (revocation not checked: no CRL kept yet)"
    return {"status": "trusted", "message": message, "revocation": revocation,
            "chain": [c.subject.rfc4514_string() for c in chain[1:]]}


def card_crls(profile: Any | None = None) -> CrlStore:
    """The kept CRLs, plus those in the profile's ``ca_file``."""
    ca_file = getattr(profile, "ca_file", None)
    if ca_file:
        return TrustStore.from_files([Path(ca_file)], use_system=False).crls
    return CrlStore()


def _reader_dict(reader: ReaderStatus) -> dict[str, Any]:
    return {"name": reader.name, "card_present": reader.card_present,
            "atr": reader.atr.hex(" ").upper() if reader.atr else None,
            "kind": reader.kind.value if reader.card_present else None}


def _card_dict(contents: CardContents, readers: list[ReaderStatus],
               anchors: list[x509.Certificate], crls: CrlStore | None) -> dict[str, Any]:
    token = contents.token
    kind = contents.kind
    for reader in readers:
        # Cryptolib CPS names slots after readers: the ATR then tells CPS3 from CPS4.
        if contents.slot.description and reader.name.startswith(contents.slot.description) \
                and reader.card_present:
            kind = reader.kind.value
    identity = contents.identity.as_dict() if contents.identity else None
    return {
        "slot": contents.slot.slot_id,
        "reader": contents.slot.description,
        "label": token.label,
        "serial": token.serial,
        "manufacturer": token.manufacturer,
        "model": token.model,
        "kind": kind if token.initialized else "empty",
        "pin_state": {k: v for k, v in token.pin.as_dict().items()
                      if k in ("count_low", "final_try", "locked")},
        "identity": identity,
        "certificate": (certificate_status(contents, anchors, crls=crls)
                        if token.initialized else None),
    }


def named_cards(cards: list[CardContents], reader: str | None,
           serial: str | None) -> list[CardContents]:
    """The cards ``--reader`` / ``--card`` name (all without them).

    Raises:
        ChosenCardAbsent: something is named and no card matches it.
    """
    if not reader and not serial:
        return cards
    found = [c for c in cards
             if (not serial or c.token.serial.strip() == serial.strip())
             and (not reader or reader.strip().casefold()
                  in (c.slot.description or "").casefold())]
    if not found:
        wanted = " ".join(p for p in (reader, serial) if p)
        raise ChosenCardAbsent(wanted, [c.slot.description or None for c in cards],
                               [c.token.serial for c in cards])
    return found


def card_report(module: Path, anchors: list[x509.Certificate],
                crls: CrlStore | None = None, *, reader: str | None = None,
                serial: str | None = None) -> dict[str, Any]:
    """The ``card --json`` document (only the card named by ``reader``/``serial``, if
    given)."""
    readers = read_readers()
    service = CardService.for_module(module)
    try:
        cards = named_cards(service.read_all(), reader, serial)
    finally:
        service.close()
    return {
        "module": str(module),
        "pcsc_available": readers is not None,
        "readers": [_reader_dict(r) for r in readers or []],
        "cards": [_card_dict(c, readers or [], anchors, crls) for c in cards],
    }


def _print_text(report: dict[str, Any]) -> None:
    print(f"PKCS#11 library: {report['module']}")
    if not report["pcsc_available"]:
        print("Readers: the smart-card service (PC/SC) is not available")
    elif not report["readers"]:
        print("Readers: none connected")
    for reader in report["readers"]:
        card = f"{reader['kind']} card" if reader["card_present"] else "empty"
        print(f"Reader {reader['name']}: {card}")
    if not report["cards"]:
        print("Cards: none")
    for card in report["cards"]:
        pin = card["pin_state"]
        pin_text = "locked" if pin["locked"] else "last try" if pin["final_try"] else \
            "wrong PIN typed before" if pin["count_low"] else "ok"
        print(f"Card in slot {card['slot']} ({card['reader']}): {card['kind']}, "
              f"label {card['label']!r}, serial {card['serial']}, PIN {pin_text}")
        identity = card["identity"]
        if identity:
            number = identity["rpps"] or identity["adeli"] or identity["national_id"]
            print(f"  Holder: {identity['given_name']} {identity['family_name']}, "
                  f"{identity['profession'] or 'profession unknown'}, "
                  f"{identity['id_type']} {number}")
            print(f"  Issuer: {identity['issuer']}")
            print(f"  Valid: {identity['not_before']} to {identity['not_after']}")
        if card["certificate"]:
            print(f"  Certificate: {card['certificate']['message']}")


def _run(args: argparse.Namespace) -> int:
    profile = profile_if_any(args)
    module = resolve_module(args, profile)
    report = card_report(module, card_anchors(profile), card_crls(profile),
                         reader=option(args, "reader"), serial=option(args, "card"))
    if option(args, "json", False):
        emit_json(report)
    else:
        _print_text(report)
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
             common: argparse.ArgumentParser) -> None:
    """Register ``card``."""
    parser = subparsers.add_parser(
        "card", parents=[common], help="show readers, CPS cards, holder identity and PIN state",
        description="Show the smart-card readers and, for each card, its holder and PIN state.")
    add_module_option(parser)
    add_card_options(parser, verb="show only")
    parser.set_defaults(handler=_run)
