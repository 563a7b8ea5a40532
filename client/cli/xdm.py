"""``mssante-companion xdm``: build and inspect IHE XDM packages.

``xdm pack DOC... --ins N [--ins-oid OID] --family F --given G --sex M|F|U
--birth-date YYYY-MM-DD [--author-id ID --author-family F --author-given G] -o OUT``
builds an ``IHE_XDM.ZIP``; ``xdm inspect ZIP [--json] [--extract DIR]`` checks one and
shows the patient and the documents. Errors are worded here.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from client.cli._common import (
    EXIT_OK,
    command_group,
    describe_error,
    describe_errors,
    emit_json,
    option,
)
from client.xdm import (
    INS_NIR_OID,
    Author,
    CdaRefused,
    DocumentInput,
    DocumentIntegrityError,
    InvalidIns,
    InvalidXdmInput,
    MetadataInvalid,
    NotAnXdmPackage,
    Patient,
    UnsafePackage,
    XdmError,
    XdmPackage,
    extract_xdm,
    integration_subject,
    pack_xdm,
    parse_cda_header,
    read_xdm,
    validate_ins,
    xdm_message_headers,
)
from client.xdm.cda import looks_like_cda

__all__ = ["register"]

logger = logging.getLogger(__name__)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``xdm pack`` and ``xdm inspect``."""
    _, commands = command_group(subparsers, common, "xdm",
                                "IHE XDM packages (structured documents with the INS)")

    pack = commands.add_parser("pack", parents=[common],
                               help="build an IHE_XDM.ZIP from CDA, PDF and other documents")
    pack.add_argument("documents", nargs="+", metavar="DOC", type=Path,
                      help="documents to pack (CDA R2 XML, PDF, ...), in order")
    pack.add_argument("--ins", required=True, help="patient's INS matricule (15 characters)")
    pack.add_argument("--ins-oid", default=INS_NIR_OID,
                      help=f"OID of the INS register (default {INS_NIR_OID}; test identities "
                           "1.2.250.1.213.1.4.10 or .11)")
    pack.add_argument("--family", required=True, help="patient's birth family name")
    pack.add_argument("--given", required=True, help="patient's first given name")
    pack.add_argument("--sex", required=True, choices=("M", "F", "U"), help="patient's sex")
    pack.add_argument("--birth-date", required=True, type=_date, metavar="YYYY-MM-DD",
                      help="patient's birth date")
    pack.add_argument("--author-id", default="",
                      help="sender's national id (8+RPPS or 0+ADELI); default: the CDA author")
    pack.add_argument("--author-family", default="", help="sender's family name")
    pack.add_argument("--author-given", default="", help="sender's given name")
    pack.add_argument("--author-profession", default="10",
                      help="sender's profession code (TRE_G15; 10 = médecin)")
    pack.add_argument("--author-org-name", default="", help="sender's structure name")
    pack.add_argument("--author-org-id", default="", help="sender's structure id (IDNST)")
    pack.add_argument("--title", default="", help="title of the submission set")
    pack.add_argument("--recipient", action="append", default=[], metavar="ADDRESS",
                      help="MSSanté address the package is for (repeatable; intendedRecipient)")
    pack.add_argument("-o", "--output", required=True, type=Path, metavar="OUT",
                      help="where to write the IHE_XDM.ZIP")
    pack.set_defaults(handler=_pack)

    inspect = commands.add_parser("inspect", parents=[common],
                                  help="check an IHE_XDM.ZIP and show its patient and documents")
    inspect.add_argument("package", type=Path, metavar="ZIP")
    inspect.add_argument("--extract", type=Path, metavar="DIR", default=None,
                         help="also write the package's files below DIR (an empty folder)")
    inspect.set_defaults(handler=_inspect)


def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from exc


def _author(args: argparse.Namespace, documents: list[DocumentInput]) -> Author:
    if args.author_id:
        if not (args.author_family and args.author_given):
            raise InvalidXdmInput(
                "--author-id needs --author-family and --author-given as well."
            )
        return Author(national_id=args.author_id, family=args.author_family,
                      given=args.author_given, profession=args.author_profession,
                      institution_name=args.author_org_name,
                      institution_id=args.author_org_id)
    for doc in documents:
        if looks_like_cda(doc.data):
            try:
                person = parse_cda_header(doc.data).author
            except ValueError:
                continue
            if person is not None and person.id:
                return Author(national_id=person.id, family=person.family,
                              given=person.given, specialty=person.specialty,
                              institution_name=person.organization_name,
                              institution_id=person.organization_id)
    raise InvalidXdmInput(
        "No sender: give --author-id, --author-family and --author-given "
        "(no CDA document names an author)."
    )


def _write_atomically(path: Path, data: bytes) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=".xdm-", suffix=".part", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _pack(args: argparse.Namespace) -> int:
    ins = validate_ins(args.ins, args.ins_oid)
    documents = [DocumentInput(data=p.read_bytes(), filename=p.name) for p in args.documents]
    patient = Patient(ins=ins, family=args.family.strip(), given=args.given.strip(),
                      sex=args.sex, birth_date=args.birth_date)
    result = pack_xdm(documents, patient, _author(args, documents), title=args.title,
                      recipients=args.recipient)
    _write_atomically(args.output, result.data)
    headers = xdm_message_headers(result.data)
    subject = integration_subject(patient, result.metadata.submission_set.title)
    if option(args, "json", False):
        emit_json({
            "output": str(args.output),
            "size": len(result.data),
            "files": list(result.file_names),
            "headers": headers,
            "integration_subject": subject,
            "submission_set_unique_id": result.metadata.submission_set.unique_id,
        })
    else:
        print(f"Wrote {args.output} ({len(result.data)} bytes, "
              f"{len(result.file_names)} document(s)).")
        for name, value in headers.items():
            print(f"{name}: {value}")
    return EXIT_OK


def _person(xcn: str) -> str:
    """``Prénom NOM (id)`` from an XCN ``id^family^given^...`` value."""
    parts = xcn.split("^")
    if len(parts) < 3:
        return xcn
    return f"{parts[2]} {parts[1]} ({parts[0]})".strip()


def _print_package(package: XdmPackage) -> None:
    p = package.patient
    born = f", né(e) le {p.birth_date:%d/%m/%Y}" if p.birth_date else ""
    print(f"Patient: {p.display_name}{born}, INS {p.ins} ({p.ins_oid})")
    ss = package.metadata.submission_set
    sender = _person(ss.author.person) if ss.author.person else "an unnamed sender"
    print(f"Submission set: {ss.title} ({ss.submission_time}), sent by {sender}")
    for doc in package.documents:
        e = doc.entry
        print(f"- {doc.path}: {doc.title} [{e.mime_type}, {e.size} bytes, SHA-1 ok]")
        print(f"    type {e.type_code.code} {e.type_code.display}; "
              f"format {e.format_code.code}")
        if doc.cda is not None and doc.cda.code is not None:
            who = doc.cda.author
            author = f"{who.given} {who.family}".strip() if who else "?"
            print(f"    CDA {doc.cda.code.code} \"{doc.cda.title}\" by {author}")
    for warning in package.warnings:
        print(f"Warning: {warning}", file=sys.stderr)


def _inspect(args: argparse.Namespace) -> int:
    package = read_xdm(args.package)
    written = extract_xdm(package, args.extract) if args.extract else []
    if option(args, "json", False):
        document = package.to_dict()
        if args.extract:
            document["extracted"] = [str(p) for p in written]
        emit_json(document)
    else:
        _print_package(package)
        if written:
            print(f"Extracted {len(written)} file(s) into {args.extract}.")
    return EXIT_OK


describe_errors({
    InvalidIns: "{exc} Copy the INS from the patient's record as returned by the INSi service.",
    UnsafePackage: "{exc} Nothing was extracted; do not open it and ask the sender for a new copy.",
    NotAnXdmPackage: "{exc} Check that you chose the IHE_XDM.ZIP attachment.",
    MetadataInvalid: "{exc} The sending software produced an unusable package; ask for a new copy.",
    CdaRefused: "{exc} Ask the sender for a new copy; nothing was shown or written.",
})


@describe_error.register
def _describe_integrity(exc: DocumentIntegrityError) -> str:
    detail = f" (expected {exc.expected}, found {exc.actual})" if exc.expected else ""
    return (f"{exc}{detail} The package was altered or damaged; "
            "ask the sender to send it again.")


@describe_error.register
def _describe_xdm(exc: XdmError) -> str:
    return str(exc)
