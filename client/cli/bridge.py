"""``mssante-companion bridge``: the local IMAP/SMTP bridge, until interrupted.

Signs in with the profile's method first (the PIN on the terminal, or ``--pin-stdin``),
then listens on 127.0.0.1 and prints the settings for the mail client (the local
password only the first time, or with ``--show-password``). The CPS card is watched:
removing it closes the operator sessions and the mail client is told to insert it;
after reinsertion the PIN is asked once, at the next mail client session.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from client.bridge import (
    DEFAULT_IMAP_PORT,
    DEFAULT_SMTP_PORT,
    Bridge,
    BridgeConfig,
    BridgeNeedsKeyring,
    CardAbsent,
    CardGate,
    LocalCertificateError,
    NotLoopback,
    PortUnavailable,
    load_or_create_certificate,
    load_or_create_password,
)
from client.cli._common import EXIT_OK, describe_error, describe_errors, emit_json, option

__all__ = ["register", "run_bridge"]

logger = logging.getLogger(__name__)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (0-65535)")
    return value


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``bridge`` command."""
    parser = subparsers.add_parser(
        "bridge", parents=[common],
        help="local IMAP/SMTP bridge for Thunderbird and other mail clients",
        description="Run a local IMAP and SMTP server on 127.0.0.1 that relays the mail "
                    "client's sessions to your MSSante operator, signed in with your CPS "
                    "card. Runs until interrupted (Ctrl-C).")
    parser.add_argument("--imap-port", type=_port, default=DEFAULT_IMAP_PORT, metavar="N",
                        help=f"IMAP port with STARTTLS (default {DEFAULT_IMAP_PORT})")
    parser.add_argument("--smtp-port", type=_port, default=DEFAULT_SMTP_PORT, metavar="N",
                        help=f"SMTP submission port with STARTTLS (default {DEFAULT_SMTP_PORT})")
    parser.add_argument("--imaps-port", type=_port, default=None, metavar="N",
                        help="also listen for IMAP with implicit TLS on this port")
    parser.add_argument("--smtps-port", type=_port, default=None, metavar="N",
                        help="also listen for SMTP with implicit TLS on this port")
    parser.add_argument("--export-cert", type=Path, default=None, metavar="FILE",
                        help="write the bridge's certificate (PEM) to FILE for the mail client")
    parser.add_argument("--show-password", action="store_true",
                        help="print the local password (kept in the OS keyring)")
    parser.add_argument("--no-card-watch", action="store_true",
                        help="do not watch card readers (software tokens without a reader)")
    from client.cli._card_choice import add_card_options

    add_card_options(parser)
    from client.cli._password import add_password_option

    add_password_option(parser)
    parser.add_argument("--ecps", action="store_true",
                        help="sign in with e-CPS (approval on the phone, through the "
                             "profile's Pro Santé Connect gateway) instead of the card")
    parser.add_argument("--national-id", metavar="ID", default="",
                        help="with --ecps: your national identifier (remembered per profile)")
    parser.set_defaults(handler=_run)


def _card_setup(args: argparse.Namespace, profile: Any) -> tuple[Any, Any, Any]:
    """(opener factory, card service or None, watcher or None) for the profile's method."""
    from client.auth import build_authenticator
    from client.cli._card_choice import card_chooser_for
    from client.cli._password import password_prompt_for
    from client.cli._pin import pin_prompt_for
    from cps.session_card import RememberingCardChooser

    if profile.auth.method == "certificate":
        password = password_prompt_for(args, profile_source=profile.secrets.source)
        return (lambda: build_authenticator(profile, password_prompt=password), None, None)
    if getattr(args, "ecps", False):
        # No card, no reader to watch: the PSC session's end asks a new approval.
        from client.auth.ciba import build_ecps_authenticator, remember_national_id
        from client.cli.login import ecps_national_id, print_binding_message

        national_id = ecps_national_id(args, profile)
        remember_national_id(profile, national_id)
        def signed_in() -> Any:
            # Sign in at start: the binding message shows now, not at the first client.
            auth = build_ecps_authenticator(profile, national_id,
                                            on_pending=print_binding_message)
            try:
                auth.sign_in()
            except BaseException:
                auth.close()
                raise
            return auth

        return signed_in, None, None
    from cps.middleware import find_pkcs11_module
    from cps.service import CardService

    service = CardService.for_module(find_pkcs11_module(None, profile.auth.pkcs11_module))
    prompt, _ = pin_prompt_for(args)
    # Asked at the first sign-in only: the later ones (card back in its reader) keep
    # the card named or picked then.
    chooser = RememberingCardChooser(card_chooser_for(args))

    def factory() -> Any:
        auth = build_authenticator(profile, pin_prompt=prompt, card_service=service,
                                   chooser=chooser)
        bound = service.follower.bound
        if bound is not None:
            chooser.remember(bound.reader, bound.serial)
        return auth

    watcher = None
    if not args.no_card_watch:
        from cps.watcher import CardWatcher

        watcher = CardWatcher(slot_poller=service.poll_slots)
        service.watch(watcher)
        # A card inserted while the bridge runs: its CRLs are fetched before the
        # sign-in that follows needs them.
        from client.auth import trust_for_profile
        from client.trust import CardCrlPrefetch

        CardCrlPrefetch(service, lambda: trust_for_profile(profile)).attach()
    return factory, service, watcher


def _local_password() -> Any:
    """The bridge's local password; without a keyring to keep it, say that, not "type it"."""
    from client.secrets import SecretStoreUnavailable

    try:
        return load_or_create_password()
    except SecretStoreUnavailable as exc:
        raise BridgeNeedsKeyring(exc.reason) from exc


def run_bridge(args: argparse.Namespace, stop: threading.Event) -> int:
    """Run until ``stop`` is set (the handler sets it on SIGINT/SIGTERM)."""
    from client.mail.policy import RecipientPolicy, load_trust_space
    from client.profiles.loader import load_default_profile

    profile = load_default_profile(option(args, "profile"))
    if getattr(args, "ecps", False):
        from client.cli.login import ecps_national_id

        # A missing or malformed identifier is a usage error before the keyring is opened.
        args.national_id = ecps_national_id(args, profile)
    certificate = load_or_create_certificate()
    if args.export_cert is not None:
        certificate.export(args.export_cert)
    password = _local_password()
    factory, service, watcher = _card_setup(args, profile)
    gate = CardGate(factory, profile.address)
    bridge: Bridge | None = None
    try:
        if watcher is not None and service is not None:
            # The card service's follower decides which events concern the signed-in
            # card (a Vitale or another CPS in another reader never does); started before
            # the sign-in so that it knows which reader holds the card.
            service.follower.subscribe_events(gate.on_event)
            watcher.start()
        try:
            gate.opener()  # sign in now: a wrong PIN or an absent card is said at once
        except CardAbsent as exc:
            # The original error (PIN, operator, trust...) has the most precise wording.
            if isinstance(exc.__cause__, Exception) and exc.reason != "removed":
                raise exc.__cause__ from None
            raise
        config = BridgeConfig(imap_port=args.imap_port, smtp_port=args.smtp_port,
                              imaps_port=args.imaps_port, smtps_port=args.smtps_port)
        bridge = Bridge(gate, password, certificate,
                        policy=RecipientPolicy(load_trust_space(), profile.own_domains),
                        config=config).start()
        _print_settings(args, bridge)
        stop.wait()
    finally:
        if bridge is not None:
            bridge.stop()
        else:
            gate.close()
        if watcher is not None:
            watcher.stop()
        if service is not None:
            service.close()
    if not option(args, "json", False):
        print("Bridge stopped.", file=sys.stderr)
    return EXIT_OK


def _print_settings(args: argparse.Namespace, bridge: Bridge) -> None:
    settings = bridge.settings(show_password=args.show_password)
    if option(args, "json", False):
        emit_json(settings)
        sys.stdout.flush()
        return
    imap, smtp = settings["imap"], settings["smtp"]
    lines = [
        "MSSante bridge running. Mail client settings:",
        f"  user name:       {settings['user']}",
        f"  IMAP (incoming): {imap['host']} port {imap['port']}, STARTTLS, normal password",
        f"  SMTP (outgoing): {smtp['host']} port {smtp['port']}, STARTTLS, normal password",
        f"  certificate:     {settings['certificate']}",
        f"  SHA-256:         {settings['fingerprint_sha256']}",
    ]
    if "password" in settings:
        lines.append(f"  password:        {settings['password']}")
        if not args.show_password:
            lines.append("  (shown once; see it again with --show-password)")
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)


def _run(args: argparse.Namespace) -> int:
    stop = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        return run_bridge(args, stop)
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


describe_errors({
    NotLoopback:
        "The bridge only listens on the loopback interface, not on {exc.host}: use 127.0.0.1.",
    PortUnavailable:
        "Port {exc.port} is not available ({exc.reason}): another bridge or program uses it. Stop "
        "it or choose another port with --imap-port / --smtp-port.",
    BridgeNeedsKeyring:
        "The bridge needs a system keyring to keep its local password, and none is available "
        "({exc.reason}). The bridge is a desktop feature: start it in a desktop session, or "
        "install and unlock a keyring. On a server, send and receive with 'mssante-companion "
        "spool' instead.",
    LocalCertificateError:
        "The bridge certificate {exc.path} cannot be used ({exc.reason}). Check the permissions "
        "of the folder, or delete the file to make a new one.",
})


@describe_error.register
def _(exc: CardAbsent) -> str:
    if exc.reason == "removed":
        return "No CPS card is inserted. Insert your CPS card and start the bridge again."
    if exc.reason == "pin-refused":
        return "The PIN was not given. Start the bridge again and type your CPS card's PIN."
    return f"Signing in to the operator failed ({exc.detail}). Run 'mssante-companion doctor'."
