"""``mssante-companion trust``: the CRLs the app keeps, for sites without internet access.

* ``trust import-crl FILE [--ca CERT]``: keep a CRL (PEM or DER) after checking its
  signature against the trust anchors (shipped IGC-Santé roots, the administrator's
  anchors, the profile's ``ca_file``; ``--ca`` names an intermediate authority an anchor
  issued);
* ``trust status``: each kept CRL with its issuer, dates, number of revoked certificates
  and where it came from (a distribution point, an imported file, the profile).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding

from client.cli._common import EXIT_OK, describe_error, emit_json, option
from client.trust import CrlRejected, CrlStore, KeptCrl, TrustStore, load_pem_objects

__all__ = ["register", "revocation_reason_words"]

logger = logging.getLogger(__name__)


# RFC 5280 section 5.3.1 reason codes, as cryptography names them.
_REVOCATION_REASONS = {
    "key_compromise": "its key was compromised (card lost or stolen)",
    "ca_compromise": "its authority was compromised",
    "affiliation_changed": "the holder's professional situation changed",
    "superseded": "a newer card replaced it",
    "cessation_of_operation": "the holder stopped practising",
    "certificate_hold": "it is suspended",
    "privilege_withdrawn": "the holder's rights were withdrawn",
}


def revocation_reason_words(reason: str) -> str:
    """An RFC 5280 revocation reason in words ("" for none or unspecified)."""
    return _REVOCATION_REASONS.get(reason, "")


@describe_error.register
def _(exc: CrlRejected) -> str:
    if exc.reason == "unreadable":
        return (f"{exc.source} is not a certificate revocation list (CRL) in PEM or DER. "
                "Download the CRL file again from the IGC-Santé publication site.")
    if exc.reason == "older":
        return (f"{exc.source} is older than the CRL already kept for its authority; "
                "nothing was changed.")
    return (f"{exc.source} is not signed by a trusted IGC-Santé authority; it was not kept. "
            "Check that it comes from IGC-Santé, or ask the administrator to add its "
            "authority ([trust] ca_file, or --ca).")


def _store(profile: Any | None) -> TrustStore:
    from client.cli.card import card_anchors

    return TrustStore(card_anchors(profile), use_system=False)


def _date(value: Any) -> str:
    return f"{value:%d/%m/%Y %H:%M} UTC" if value is not None else "none"


def _print_kept(kept: KeptCrl) -> None:
    stale = " (past its next update: a newer CRL should be imported)" if kept.stale else ""
    print(f"{kept.issuer}")
    print(f"  issued {_date(kept.this_update)}, next update {_date(kept.next_update)}{stale}")
    print(f"  {kept.revoked} revoked certificate(s); source: {kept.source or 'unknown'}")


def _import(args: argparse.Namespace) -> int:
    from client.cli.card import profile_if_any

    store = _store(profile_if_any(args))
    extra = []
    for ca in option(args, "ca", None) or []:
        extra.extend(load_pem_objects(Path(ca).read_bytes())[0])
    path = Path(args.file)
    data = path.read_bytes()
    # A PEM file may hold several CRLs (one per authority, as IGC-Santé bundles them).
    blocks = [c.public_bytes(Encoding.DER) for c in load_pem_objects(data)[1]] or [data]
    kept = [store.import_crl(block, str(path.resolve()), authorities=extra)
            for block in blocks]
    if option(args, "json", False):
        emit_json({"kept": kept[0].as_dict(), "all": [k.as_dict() for k in kept]})
    else:
        print("CRL kept:")
        for entry in kept:
            _print_kept(entry)
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    kept = CrlStore().kept()
    if option(args, "json", False):
        emit_json({"crls": [k.as_dict() for k in kept]})
        return EXIT_OK
    if not kept:
        print("No CRL kept yet. They are downloaded at sign-in, or imported with "
              "'mssante-companion trust import-crl FILE'.")
    for entry in kept:
        _print_kept(entry)
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
             common: argparse.ArgumentParser) -> None:
    """Register ``trust import-crl`` and ``trust status``."""
    parser = subparsers.add_parser(
        "trust", parents=[common], help="certificate revocation lists (CRLs) kept by the app",
        description="Import IGC-Santé CRLs on sites without internet access, and list what "
                    "the app knows of each CRL.")
    commands = parser.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    importing = commands.add_parser(
        "import-crl", parents=[common], help="keep a CRL file (PEM or DER)",
        description="Check a CRL's signature against the trust anchors and keep it if it is "
                    "newer than the one kept for its authority.")
    importing.add_argument("file", metavar="FILE", help="the CRL (PEM or DER)")
    importing.add_argument("--ca", metavar="CERT", action="append",
                           help="an intermediate authority (PEM) that signed the CRL")
    importing.set_defaults(handler=_import)
    status = commands.add_parser(
        "status", parents=[common], help="list the kept CRLs",
        description="Each kept CRL: issuer, issue date, next update, revoked count, source.")
    status.set_defaults(handler=_status)
