"""``mssante-companion mail``: read, sync and send MSSanté mail.

``folders``, ``list FOLDER [--offline]``, ``show``, ``save-attachments``, ``send``,
``sync``; additions: ``search``, ``outbox [--retry]``, ``receipts MESSAGE-ID`` and
``send-receipt FOLDER UID --yes``. Errors are worded in :mod:`client.cli._mail_words`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from client.cli import _mail_words  # noqa: F401 - registers the error wordings
from client.cli._common import (
    EXIT_OK,
    EXIT_POLICY,
    EXIT_USAGE,
    command_group,
    describe_error,
    emit_json,
    option,
    report_failure,
)
from client.errors import ClientError
from client.mail.attachments import save_attachments_checked
from client.mail.cache import MailCache
from client.mail.compose import AttachmentSource, Draft
from client.mail.errors import (
    CacheCorrupted,
    CacheKeyUnavailable,
    InvalidMessage,
    MailConnectionError,
)
from client.mail.keystore import KeyStore, keystore_for
from client.mail.mailbox import Mailbox, SearchQuery
from client.mail.outbox import Outbox
from client.mail.policy import RecipientPolicy, load_trust_space
from client.mail.reading import ReadMessage, parse_message
from client.mail.receipts import (
    MDN_SENT_FLAG,
    ReceiptBook,
    build_mdn,
    mdn_decision,
    scan_reports,
)
from client.mail.sending import MailSender
from client.mail.summary import MessageSummary
from client.mail.sync import Synchronizer
from client.sessions import SessionOpener

__all__ = ["OpenerFactory", "opener_factory", "register"]

logger = logging.getLogger(__name__)

#: Builds a signed-in :class:`SessionOpener` from the CLI arguments (profile, PIN...).
OpenerFactory = Callable[[argparse.Namespace], SessionOpener]

#: Replaces :func:`client.auth.build_authenticator` (tests, embedding programs).
opener_factory: OpenerFactory | None = None


def _profile(args: argparse.Namespace) -> Any:
    """The operator profile of the command (loaded once)."""
    profile = getattr(args, "_loaded_profile", None)
    if profile is None:
        from client.profiles.loader import load_default_profile

        profile = load_default_profile(option(args, "profile"))
        args._loaded_profile = profile
    return profile


def _keystore(args: argparse.Namespace) -> KeyStore | None:
    """Where the cache key comes from: the profile's ``[secrets]`` (the keyring by default)."""
    if opener_factory is not None:
        return None  # an embedding program chose its own sessions; keep the default store
    return keystore_for(_profile(args).secrets)


def _cache(args: argparse.Namespace, address: str) -> MailCache:
    """The account's encrypted cache, with its key from the configured source."""
    return MailCache.open(address, keystore=_keystore(args))


def _make_opener(args: argparse.Namespace) -> SessionOpener:
    """Sign in with the profile's method (PIN on the terminal or ``--pin-stdin``)."""
    if opener_factory is not None:
        return opener_factory(args)
    from client.auth import build_authenticator
    from client.cli._card_choice import card_chooser_for
    from client.cli._password import password_prompt_for
    from client.cli._pin import pin_prompt_for

    profile = _profile(args)
    pin_prompt, _ = pin_prompt_for(args)
    opener: SessionOpener = build_authenticator(
        profile, pin_prompt=pin_prompt,
        password_prompt=password_prompt_for(args, profile_source=profile.secrets.source),
        chooser=card_chooser_for(args),
    )
    return opener


def _account_address(args: argparse.Namespace) -> str:
    """The profile's address, without signing in (for offline commands)."""
    return str(_profile(args).address)


@contextlib.contextmanager
def _session(args: argparse.Namespace) -> Iterator[tuple[SessionOpener, Mailbox]]:
    opener = _make_opener(args)
    try:
        with Mailbox(opener) as mailbox:
            yield opener, mailbox
    finally:
        close = getattr(opener, "close", None)
        if callable(close):
            close()  # forget the sign-in (card session, tokens) when the command ends


def _sender_address(args: argparse.Namespace) -> str:
    """The profile's address when there is one: its domain is inside the trust space."""
    try:
        return _account_address(args)
    except ClientError:
        return ""


def _own_domains(args: argparse.Namespace) -> tuple[str, ...]:
    """The profile's own domains when there is a profile (``[trust] domains`` included)."""
    try:
        return tuple(_profile(args).own_domains)
    except ClientError:
        return ()


def _json(args: argparse.Namespace) -> bool:
    return bool(option(args, "json", False))


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``mail`` command group."""
    from client.cli._card_choice import add_card_options
    from client.cli._password import add_password_option

    signing_in = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    add_password_option(signing_in)
    add_card_options(signing_in)
    common = argparse.ArgumentParser(add_help=False, allow_abbrev=False,
                                     parents=[common, signing_in])
    _, commands = command_group(subparsers, common, "mail", "read, sync and send mail")

    folders = commands.add_parser("folders", parents=[common], help="list the folders")
    folders.set_defaults(handler=_folders)

    listing = commands.add_parser("list", parents=[common], help="list a folder's messages")
    listing.add_argument("folder", metavar="FOLDER")
    listing.add_argument("--limit", type=_positive, default=50, metavar="N")
    listing.add_argument("--offset", type=_non_negative, default=0, metavar="N")
    listing.add_argument("--sort", choices=("arrival", "date", "from", "subject", "size"),
                         default="arrival")
    listing.add_argument("--offline", action="store_true",
                         help="answer from the encrypted cache only (after 'mail sync')")
    listing.set_defaults(handler=_list)

    search = commands.add_parser("search", parents=[common],
                                 help="server-side search of a folder (newest first)")
    search.add_argument("folder", metavar="FOLDER")
    search.add_argument("--from", dest="sender", default="", metavar="TEXT")
    search.add_argument("--subject", default="", metavar="TEXT")
    search.add_argument("--body", default="", metavar="TEXT")
    search.add_argument("--text", default="", metavar="TEXT", help="headers or body")
    search.add_argument("--since", type=_date, metavar="YYYY-MM-DD")
    search.add_argument("--before", type=_date, metavar="YYYY-MM-DD")
    search.add_argument("--unread", action="store_true")
    search.add_argument("--limit", type=_positive, default=50, metavar="N")
    search.set_defaults(handler=_search)

    show = commands.add_parser("show", parents=[common], help="show one message")
    show.add_argument("folder", metavar="FOLDER")
    show.add_argument("uid", type=_positive, metavar="UID")
    show.add_argument("--allow-remote", action="store_true",
                      help="let the HTML part load remote images (they can track you)")
    show.add_argument("--mark-read", action="store_true", help="mark the message as read")
    show.set_defaults(handler=_show)

    save = commands.add_parser("save-attachments", parents=[common],
                               help="write a message's attachments under safe names")
    save.add_argument("folder", metavar="FOLDER")
    save.add_argument("uid", type=_positive, metavar="UID")
    save.add_argument("directory", type=Path, metavar="DIR")
    save.add_argument("--overwrite", action="store_true",
                      help="replace files that already exist")
    save.set_defaults(handler=_save_attachments)

    send = commands.add_parser("send", parents=[common],
                               help="send a message inside the MSSanté trust space")
    send.add_argument("--to", action="append", default=[], metavar="ADDRESS")
    send.add_argument("--cc", action="append", default=[], metavar="ADDRESS")
    send.add_argument("--bcc", action="append", default=[], metavar="ADDRESS")
    send.add_argument("--subject", required=True)
    body = send.add_mutually_exclusive_group(required=True)
    body.add_argument("--body", metavar="TEXT")
    body.add_argument("--body-file", type=Path, metavar="FILE")
    send.add_argument("--attach", action="append", default=[], type=Path, metavar="FILE")
    send.add_argument("--xdm", type=Path, metavar="XDM.zip",
                      help="attach an IHE_XDM.ZIP and set X-MSS-CODECDA / X-MSS-INS")
    send.add_argument("--receipt", action="store_true", help="ask for a read receipt (MDN)")
    send.add_argument("--no-patient-reply", action="store_true",
                      help="X-MSS-MES: FIN (the patient cannot reply)")
    send.set_defaults(handler=_send)

    sync = commands.add_parser("sync", parents=[common], help="fill the encrypted cache")
    sync.add_argument("folder", nargs="?", metavar="FOLDER")
    sync.set_defaults(handler=_sync)

    outbox = commands.add_parser("outbox", parents=[common],
                                 help="messages not sent yet; --retry submits them again")
    outbox.add_argument("--retry", action="store_true")
    outbox.set_defaults(handler=_outbox)

    receipts = commands.add_parser("receipts", parents=[common],
                                   help="read receipts and delivery errors of a sent message")
    receipts.add_argument("message_id", metavar="MESSAGE-ID")
    receipts.add_argument("--folder", default="INBOX", help="where reports arrive")
    receipts.set_defaults(handler=_receipts)

    answer = commands.add_parser("send-receipt", parents=[common],
                                 help="answer a read-receipt request (RFC 8098), with consent")
    answer.add_argument("folder", metavar="FOLDER")
    answer.add_argument("uid", type=_positive, metavar="UID")
    answer.add_argument("--yes", action="store_true", help="I agree to send the receipt")
    answer.set_defaults(handler=_send_receipt)


def _whole(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} must be {minimum} or more")
        return value

    return parse


_positive, _non_negative = _whole(1), _whole(0)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-02") from None


def _print_summaries(total: int, items: list[MessageSummary]) -> None:
    for item in items:
        flags = ("" if item.seen else "N") + ("@" if item.has_attachments else " ")
        date = item.date.strftime("%Y-%m-%d %H:%M") if item.date else " " * 16
        print(f"{item.uid:>7} {flags:2} {date}  {item.sender[:30]:30}  {item.subject}")
    print(f"{len(items)} of {total} message(s)")


def _folders(args: argparse.Namespace) -> int:
    with _session(args) as (_, mailbox):
        folders = mailbox.folders()
    if _json(args):
        emit_json([f.to_json() for f in folders])
    else:
        for folder in folders:
            print(f"{folder.name}" + (f"  ({folder.role})" if folder.role else ""))
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    if args.offline:
        return _list_offline(args, None)
    try:
        with _session(args) as (_, mailbox):
            page = mailbox.list_messages(
                args.folder, limit=args.limit, offset=args.offset, sort=args.sort
            )
    except MailConnectionError as exc:
        return _list_offline(args, exc)
    if _json(args):
        emit_json({"folder": page.folder, "total": page.total, "offset": page.offset,
                   "offline": False, "messages": [m.to_json() for m in page.messages]})
    else:
        _print_summaries(page.total, list(page.messages))
    return EXIT_OK


def _search(args: argparse.Namespace) -> int:
    query = SearchQuery(sender=args.sender, subject=args.subject, body=args.body,
                        text=args.text, since=args.since, before=args.before,
                        unseen=args.unread)
    with _session(args) as (_, mailbox):
        uids = mailbox.search(args.folder, query)
        items = mailbox.summaries(args.folder, uids[: args.limit])
    items.sort(key=lambda m: m.uid, reverse=True)
    if _json(args):
        emit_json({"folder": args.folder, "total": len(uids),
                   "messages": [m.to_json() for m in items]})
    else:
        _print_summaries(len(uids), items)
    return EXIT_OK


def _list_offline(args: argparse.Namespace, reason: Exception | None) -> int:
    if reason is not None:
        print(f"Server unreachable ({describe_error(reason)}); showing the local cache.",
              file=sys.stderr)
    with _cache(args, _account_address(args)) as cache:
        total, items = cache.list_messages(args.folder, limit=args.limit, offset=args.offset)
    if _json(args):
        emit_json({"folder": args.folder, "total": total, "offset": args.offset,
                   "offline": True, "messages": [m.to_json() for m in items]})
    else:
        _print_summaries(total, items)
    return EXIT_OK


def _fetch(args: argparse.Namespace, mailbox: Mailbox, *, mark_seen: bool = False) -> bytes:
    raw = mailbox.fetch_raw(args.folder, args.uid, mark_seen=mark_seen)
    # Keep what the user opened for offline reading, when that folder is cached.
    with contextlib.suppress(CacheKeyUnavailable, CacheCorrupted), MailCache.open(
        mailbox.address, keystore=_keystore(args)
    ) as cache:
        cache.put_body(args.folder, args.uid, raw)
    return raw


def _show_raw(args: argparse.Namespace) -> tuple[bytes, tuple[str, ...], bool]:
    """The message, its flags and whether it came from the cache (server unreachable)."""
    try:
        with _session(args) as (_, mailbox):
            raw = _fetch(args, mailbox, mark_seen=args.mark_read)
            return raw, mailbox.summaries(args.folder, [args.uid])[0].flags, False
    except MailConnectionError as exc:
        with _cache(args, _account_address(args)) as cache:
            cached = cache.body(args.folder, args.uid)
            summary = cache.summary(args.folder, args.uid)
        if cached is None:
            raise
        print(f"Server unreachable ({describe_error(exc)}); showing the cached copy.",
              file=sys.stderr)
        return cached, summary.flags if summary else (), True


def _structured(read: ReadMessage) -> list[dict[str, Any]]:
    """What the attached IHE XDM packages hold (patient, documents), for display."""
    from client.xdm.message import describe_attachment

    described = []
    for attachment in read.attachments:
        info = describe_attachment(attachment.filename, attachment.data)
        if info is not None:
            described.append({
                "attachment": attachment.index, "label": info.label,
                "patient_name": info.patient_name, "patient_ins": info.patient_ins,
                "documents": list(info.document_titles), "cda_codes": list(info.cda_codes),
            })
    return described


def _show(args: argparse.Namespace) -> int:
    raw, flags, offline = _show_raw(args)
    read = parse_message(raw, allow_remote=args.allow_remote)
    decision = mdn_decision(read, flags)
    structured = _structured(read)
    if _json(args):
        document = read.to_json()
        document.update(uid=args.uid, folder=args.folder, flags=list(flags),
                        receipt_can_be_sent=decision.allowed, offline=offline,
                        structured_documents=structured)
        emit_json(document)
        return EXIT_OK
    print(f"From:    {read.sender}")
    print(f"To:      {', '.join(read.to)}")
    if read.cc:
        print(f"Cc:      {', '.join(read.cc)}")
    print(f"Date:    {read.date.isoformat() if read.date else ''}")
    print(f"Subject: {read.display_subject}")
    for name, value in read.mss_headers.items():
        print(f"{name}: {value}")
    for attachment in read.attachments:
        print(f"[{attachment.index}] {attachment.filename or '(sans nom)'}  "
              f"{attachment.content_type}  {attachment.size} bytes")
    for item in structured:
        print(f"    {item['label']}: {', '.join(item['documents'])}")
    if read.remote_content_blocked:
        print("(remote images blocked; --allow-remote to load them)")
    if read.disposition_notification_to:
        print("The sender asks for a read receipt"
              + (": 'mail send-receipt FOLDER UID --yes' sends it." if decision.allowed
                 else f" (not possible: {decision.reason})."))
    print()
    print(read.text)
    return EXIT_OK


def _save_attachments(args: argparse.Namespace) -> int:
    with _session(args) as (_, mailbox):
        raw = _fetch(args, mailbox)
    read = parse_message(raw)
    saved = save_attachments_checked(read.attachments, args.directory,
                                     overwrite=args.overwrite)
    if _json(args):
        emit_json([str(s.path) for s in saved])
    else:
        for item in saved:
            print(item.path)
    for item in saved:
        if item.verdict.blocked:
            print(f"Renamed {item.path.name!r}: {', '.join(item.verdict.reasons)} (a program "
                  "or script: do not open it unless you expected one).", file=sys.stderr)
    return EXIT_OK


def _draft(args: argparse.Namespace) -> Draft:
    if args.body_file is not None:
        try:
            body = args.body_file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidMessage(f"{args.body_file} is not UTF-8 text") from exc
    else:
        body = args.body
    attachments = tuple(AttachmentSource.from_path(p) for p in args.attach)
    xdm = args.xdm.read_bytes() if args.xdm is not None else None
    return Draft(
        to=tuple(args.to), cc=tuple(args.cc), bcc=tuple(args.bcc), subject=args.subject,
        body=body, attachments=attachments, xdm=xdm, receipt=args.receipt,
        no_patient_reply=args.no_patient_reply,
    )


def _send(args: argparse.Namespace) -> int:
    draft = _draft(args)
    # Policy before sign-in: a refused recipient costs no PIN and reaches no server.
    policy = RecipientPolicy(load_trust_space(), _own_domains(args))
    verdicts = policy.check(draft.recipients, sender=_sender_address(args))
    with _session(args) as (opener, mailbox), _cache(args, opener.address) as cache:
        sender = MailSender(opener, Outbox(cache.store), policy, mailbox)
        report = sender.send(draft)
    patients = [v.address for v in verdicts if v.patient]
    if _json(args):
        emit_json({"message_id": report.message_id, "state": report.outcome.state,
                   "copied_to_sent": report.outcome.copied_to_sent,
                   "refused": report.outcome.refused, "patients": patients})
    else:
        print(report.message_id)
        for address, reason in report.outcome.refused.items():
            print(f"Warning: {address} was refused by the server: {reason}", file=sys.stderr)
        if report.outcome.state != "sent":
            print(f"Sent; {report.outcome.reason or 'not yet filed in Sent'}.", file=sys.stderr)
    return EXIT_OK


def _sync(args: argparse.Namespace) -> int:
    with _session(args) as (opener, mailbox), _cache(args, opener.address) as cache:
        sync = Synchronizer(mailbox, cache)
        results = [sync.sync_folder(args.folder)] if args.folder else sync.sync_all()
    if _json(args):
        emit_json([r.to_json() for r in results])
    else:
        for r in results:
            state = "unchanged" if r.unchanged else (
                f"+{r.added} ~{r.updated} -{r.removed}" + (" (full)" if r.full else ""))
            print(f"{r.folder}: {r.total} message(s), {state}")
    return EXIT_OK


def _outbox(args: argparse.Namespace) -> int:
    if args.retry:
        with _session(args) as (opener, mailbox), _cache(args, opener.address) as cache:
            outcomes = Outbox(cache.store).flush(opener, mailbox)
            entries = Outbox(cache.store).entries()
        for outcome in outcomes:
            if not _json(args):
                print(f"{outcome.message_id}: {outcome.state} {outcome.reason}".rstrip())
    else:
        with _cache(args, _account_address(args)) as cache:
            entries = Outbox(cache.store).entries()
    if _json(args):
        emit_json([e.to_json() for e in entries])
    elif not args.retry:
        for entry in entries:
            print(f"{entry.message_id}  {entry.state}  {entry.attempts} attempt(s)  "
                  f"{entry.reason}")
        print(f"{len(entries)} message(s) waiting")
    return EXIT_OK


def _receipts(args: argparse.Namespace) -> int:
    with _session(args) as (opener, mailbox), _cache(args, opener.address) as cache:
        book = ReceiptBook(cache.store)
        scan_reports(mailbox, book, args.folder)
        reports = book.for_message(args.message_id)
    if _json(args):
        emit_json(reports)
    else:
        for report in reports:
            print(report["description"])
        if not reports:
            print("No receipt or delivery report for this message yet.")
    return EXIT_OK


def _send_receipt(args: argparse.Namespace) -> int:
    with _session(args) as (opener, mailbox):
        raw = mailbox.fetch_raw(args.folder, args.uid)
        flags = mailbox.summaries(args.folder, [args.uid])[0].flags
        read = parse_message(raw)
        decision = mdn_decision(read, flags)
        if not decision.allowed:
            return report_failure(as_json=_json(args), code="receipt-not-allowed",
                                  message=f"No receipt sent: {decision.reason}.",
                                  exit_status=EXIT_POLICY)
        if not args.yes:
            return report_failure(
                as_json=_json(args), code="consent-needed", exit_status=EXIT_USAGE,
                message=f"The sender asks for a read receipt to {decision.to}. "
                        "Run again with --yes to send it.")
        mdn = build_mdn(read, opener.address)
        with _cache(args, opener.address) as cache:
            sender = MailSender(opener, Outbox(cache.store),
                                RecipientPolicy(load_trust_space(), _own_domains(args)),
                                mailbox)
            report = sender.send_raw(mdn)
        mailbox.add_flags(args.folder, [args.uid], [MDN_SENT_FLAG])
    if _json(args):
        emit_json({"message_id": report.message_id, "to": decision.to})
    else:
        print(report.message_id)
    return EXIT_OK
