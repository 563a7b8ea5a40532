"""The services of the desktop app over the real layers: ``cps`` and ``client``.

Each adapter below implements a Protocol of :mod:`ui.backend` with the public API of a
layer and nothing more: the card service and watcher (``cps``), authentication
(``client.auth``), the mailbox (:mod:`ui.live_mail`), the directory index
(``client.directory``), the liste blanche, XDM packing (``client.xdm``) and profiles
(``client.profiles``). A layer whose module is not present leaves its service ``None``
and the window that needs it says so.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from client.directory.index import DirectoryEntry
from client.profiles.model import Endpoint, Profile
from client.whitelist import TrustDecision
from client.xdm.model import Author
from client.xdm.service import XdmPackService
from ui.backend import (
    CardHolder,
    MailService,
    ProfileChoice,
    Services,
)
from ui.preferences import ModuleSettingInvalid, Preferences
from ui.workers import CancelToken

if TYPE_CHECKING:
    # Names only: these layers load when a service first needs them.
    from client.auth import Authenticator
    from client.trust import CardCrlPrefetch
    from client.whitelist_current import CurrentWhitelist, WhitelistStatus
    from cps.events import WatcherEvent
    from cps.pin import PinPrompt
    from cps.service import CardService
    from cps.session_card import CardChooser
    from cps.watcher import CardWatcher

__all__ = [
    "LiveCard",
    "LiveDirectory",
    "LiveProfileSetup",
    "LiveTrust",
    "build_card",
    "build_services",
    "xdm_service",
]

logger = logging.getLogger(__name__)


# -- directory ------------------------------------------------------------------------------
class LiveDirectory:
    """``client.directory.Directory``: the local index (search, filters) and its import."""

    def __init__(self) -> None:
        from client.directory import Directory

        self._directory = Directory()

    def search(self, text: str, limit: int = 20, filters: dict[str, str] | None = None
               ) -> list[DirectoryEntry]:
        """Accent-insensitive prefix search with the window's filters."""
        wanted = {k: v for k, v in (filters or {}).items() if v}
        if not text.strip() and not wanted:
            return []
        return self._directory.search(text, limit, wanted or None)

    def rows(self) -> int:
        """How many entries the index holds (0 before the first import)."""
        info = self._directory.info()
        return int(info.rows) if info is not None else 0

    def import_file(self, path: Path, progress: Callable[[int, int], None] | None = None,
                    cancel: CancelToken | None = None) -> int:
        """Import an extraction; ``cancel`` is the worker's token (the index is kept)."""
        return int(self._directory.import_file(path, progress, cancel))

    def refresh(self, force: bool = True) -> list[tuple[str, str, str]]:
        """Download the published directory and liste blanche (``client.directory.refresh``);
        returns ``(source, status, detail)`` for each, a failure's detail worded for the
        user (never the raw exception text)."""
        from client.directory.refresh import refresh_if_due
        from ui.wording import describe_error

        outcomes = refresh_if_due(directory=self._directory, force=force)
        return [(o.name, o.status,
                 describe_error(o.error) if o.status == "failed" and o.error else "")
                for o in outcomes]

    def close(self) -> None:
        """Close the index (application exit)."""
        self._directory.close()


# -- trust space ----------------------------------------------------------------------------
class LiveTrust:
    """The liste blanche in force (``client.whitelist_current``: imported, else shipped).

    ``own_domains`` (the signed-in operator's) are always inside the trust space.
    """

    def __init__(self, current: CurrentWhitelist | None = None) -> None:
        from client.whitelist_current import current_whitelist

        self._current = current if current is not None else current_whitelist()
        self.own_domains: set[str] = set()

    def status(self) -> WhitelistStatus:
        """Origin, date and size of the list in force."""
        return self._current.status()

    def check(self, address: str) -> TrustDecision:
        """Inside or outside; the reason of an outside address is worded for the window."""
        space = self._current.space()
        domain = address.rpartition("@")[2].lower()
        if domain in self.own_domains:
            return TrustDecision(address, True, domain)
        if space is None:
            if domain == "patient.mssante.fr":
                return TrustDecision(address, True, domain, is_patient=True)
            return TrustDecision(address, False, domain, reason=QCoreApplication.translate(
                "live", "liste blanche non importée : importez-la dans les paramètres"))
        decision = space.check(address)
        if decision.inside:
            return decision
        return dataclasses.replace(decision, reason=QCoreApplication.translate(
            "live", "le domaine %1 n'est pas dans la liste blanche MSSanté").replace(
            "%1", decision.domain or domain))

    def reload(self) -> None:
        """Tell open windows the list changed (after a refresh); the list in force is
        read again by its next use."""
        from ui.app_events import app_events

        app_events().trust_list_changed.emit()

    def import_file(self, path: Path) -> int:
        """Import a liste blanche XML; returns the number of domains. Open windows are
        told at once (compose checks its recipients again)."""
        from client.whitelist import import_file

        space = import_file(path)
        self.reload()
        return len(space)


# -- structured documents -------------------------------------------------------------------
def xdm_service(services: Services) -> XdmPackService:
    """INS validation and IHE XDM packing (``client.xdm.service``), authored by the
    professional signed in when the package is built (the card may change in between)."""
    def author() -> Author:
        holder = services.holder
        if holder is None:
            raise RuntimeError("no signed-in professional to author the document")
        return Author.from_card(holder)

    return XdmPackService(author)


# -- profiles -------------------------------------------------------------------------------
def _endpoint_text(endpoint: Endpoint) -> str:
    # The first-run summary's server line: the encryption in words, not the profile's key.
    security = {
        "starttls": QCoreApplication.translate("live", "chiffrement STARTTLS"),
        "tls": QCoreApplication.translate("live", "chiffrement TLS"),
    }.get(endpoint.security, endpoint.security)
    return f"{endpoint.host}:{endpoint.port} ({security})"


def _choice(profile: Profile, operator: str, source: str) -> ProfileChoice:
    return ProfileChoice(address=profile.address, operator=operator,
                         imap=_endpoint_text(profile.imap), smtp=_endpoint_text(profile.smtp),
                         method=profile.auth.method, source=source, payload=profile)


def _profile_of(choice: ProfileChoice) -> Profile:
    if choice.payload is None:
        raise ValueError("a proposed profile without its profile")
    return choice.payload


class LiveProfileSetup:
    """The first-run assistant's backend over ``client.profiles``."""

    def __init__(self, preferences: Preferences) -> None:
        self.preferences = preferences

    def operators(self) -> list[str]:
        """Known operators (shipped list plus the admin's)."""
        from client.profiles import known_operators

        return [o.name for o in known_operators()]

    def from_operator(self, name: str, address: str) -> ProfileChoice:
        """The chosen operator's profile for ``address``."""
        from client.profiles import known_operators

        operator = next(o for o in known_operators() if o.name == name)
        return _choice(operator.profile_for(address), operator.name, "known")

    def discover(self, address: str) -> ProfileChoice:
        """A known operator of the domain, else DNS SRV records (RFC 6186)."""
        from client.profiles import discover_servers, find_operator, parse_profile

        operator = find_operator(address)
        if operator is not None:
            return _choice(operator.profile_for(address), operator.name, "known")
        found = discover_servers(address)
        profile = parse_profile({
            "account": {"address": address},
            "imap": {"host": found.imap.host, "port": found.imap.port,
                     "security": found.imap.security},
            "smtp": {"host": found.smtp.host, "port": found.smtp.port,
                     "security": found.smtp.security},
            "auth": {"method": "card-tls"},
        })
        return _choice(profile, address.rpartition("@")[2], "dns")

    def from_file(self, path: Path) -> ProfileChoice:
        """A profile file given by the IT department."""
        from client.profiles import load_profile

        profile = load_profile(path)
        return _choice(profile, path.name, "file")

    def test_connection(self, choice: ProfileChoice) -> str:
        """Reach IMAP and SMTP with TLS and check the servers' certificates."""
        from client.auth.connect import connect_imap, connect_smtp
        from client.trust import TrustStore

        profile = _profile_of(choice)
        trust = TrustStore.from_files([profile.ca_file] if profile.ca_file else [])
        imap = connect_imap(profile.imap, trust.ssl_context())
        imap.logout()
        smtp = connect_smtp(profile.smtp, trust.ssl_context())
        smtp.quit()
        return QCoreApplication.translate(
            "live", "IMAP et SMTP joignables, certificats des serveurs vérifiés.")

    def save(self, choice: ProfileChoice) -> Path:
        """Write the default profile (a file from the IT department is referenced as is)."""
        from client.profiles import default_profile_path, write_profile

        profile = _profile_of(choice)
        if choice.source == "file" and profile.source is not None:
            self.preferences.profile_path = str(profile.source)
            self.preferences.sync()
            return profile.source
        return write_profile(profile, default_profile_path())


def _open_browser(url: str) -> object:
    """RFC 8252 fallback (PSC wallet answering with a page): the system browser.

    Called on the sign-in worker, so the thread-safe standard module, not Qt.
    """
    import webbrowser

    return webbrowser.open(url)


# -- card and sign-in -----------------------------------------------------------------------
class LiveCard:
    """The CPS card (``cps``) and sign-in to the operator (``client.auth``)."""

    def __init__(self, profile: Profile, module: Path) -> None:
        from cps.service import CardService

        self.profile = profile
        self.service = CardService.for_module(module)
        self._watcher: CardWatcher | None = None
        self._prefetch: CardCrlPrefetch | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._pending_subscribers: list[Callable[[WatcherEvent], None]] = []

    @property
    def address(self) -> str:
        """The profile's mailbox address (known without signing in)."""
        return str(self.profile.address)

    def session_opener(self, pin_prompt: PinPrompt) -> Authenticator:
        """A signed-in ``SessionOpener`` of its own (the bridge's card gate calls this)."""
        return self._opener(pin_prompt)

    def subscribe(self, callback: Callable[[WatcherEvent], None]) -> Callable[[], None]:
        """``callback(WatcherEvent)`` for card events (the bridge gate's ``on_event``);
        before :meth:`watch` starts the watcher, the subscription waits for it."""
        if self._watcher is not None:
            unsubscribe: Callable[[], None] = self.service.follower.subscribe_events(callback)
            return unsubscribe
        self._pending_subscribers.append(callback)
        return lambda: (self._pending_subscribers.remove(callback)
                        if callback in self._pending_subscribers else None)

    def holder(self) -> CardHolder | None:
        """The CPS card now in a reader, read without the PIN."""
        from cps.errors import CardError

        watcher = self._watcher
        if watcher is not None and watcher.pcsc_active:
            cps = [r for r, kind in watcher.cards().items() if kind.is_cps]
            if watcher.readers() and not cps:
                # PC/SC sees readers but no CPS in them (a SoftHSM2 token stays present
                # when the virtual card is pulled: the reader is the truth).
                return None
        try:
            cards = self.service.read_all()
        except CardError as exc:
            logger.info("no card read: %s", type(exc).__name__)
            return None
        for contents in cards:
            identity = contents.identity
            if str(contents.kind).startswith("cps") and identity is not None:
                return CardHolder(identity.national_id, identity.family_name,
                                  identity.given_name, identity.profession or "",
                                  contents.slot.description or "")
        return None

    def sign_in(self, pin_prompt: PinPrompt, card_chooser: CardChooser | None = None
                ) -> MailService:
        """Which card through ``card_chooser`` when two are inserted, PIN through
        ``pin_prompt`` (cps), authenticate, open the mailbox."""
        from ui.live_mail import LiveMailService

        opener = self._opener(pin_prompt, card_chooser)
        mail = LiveMailService(opener, own_domains=self.profile.own_domains)
        try:
            mail.connect()
        except BaseException as exc:
            mail.close()
            # The PIN is asked during the TLS handshake: a wrong PIN, a locked card or a
            # cancelled entry is recorded here (the class and tries left, never the PIN).
            from client.auth import record_sign_in_failed

            record_sign_in_failed(self.profile.address, self.profile.auth.method, exc)
            raise
        return mail

    def _opener(self, pin_prompt: PinPrompt,
                card_chooser: CardChooser | None = None) -> Authenticator:
        from client.auth import build_authenticator

        return build_authenticator(self.profile, card_service=self.service,
                                   pin_prompt=pin_prompt, open_browser=_open_browser,
                                   chooser=card_chooser)

    def watch(self, on_inserted: Callable[[WatcherEvent], None],
              on_removed: Callable[[WatcherEvent], None]) -> None:
        """PC/SC events (slot polling when PC/SC is absent); the card service hears first."""
        from cps.watcher import CardWatcher, EventType

        def dispatch(event: WatcherEvent) -> None:
            if event.type == EventType.CARD_INSERTED:
                on_inserted(event)
            elif event.type == EventType.CARD_REMOVED:
                on_removed(event)

        watcher = CardWatcher(slot_poller=self.service.poll_slots)
        self._prefetch = _crl_prefetch(self.service, self.profile)
        # Started first: a subscriber is then told about the cards already present
        # (the CPS may be in the reader before the app starts). The app hears the card
        # service's follower, not the raw watcher: only the signed-in card's removal
        # locks, a card in another reader or a PC/SC restart does not.
        watcher.start()
        self._watcher = watcher
        follower = self.service.follower
        follower.subscribe_events(dispatch)
        for callback in self._pending_subscribers:
            follower.subscribe_events(callback)
        self._pending_subscribers.clear()
        self._unsubscribe = self.service.watch(watcher)

    def stop(self) -> None:
        """Stop watching, log out of the card, stop the card thread."""
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        if self._prefetch is not None:
            self._prefetch.close()
            self._prefetch = None
        self.service.close()


def _crl_prefetch(service: CardService, profile: Profile) -> CardCrlPrefetch:
    """A CPS card inserted: the CRLs of its chain are refreshed on a worker, so that the
    revocation check of the sign-in finds them (never a wait on the network at the PIN)."""
    from client.auth import trust_for_profile
    from client.trust import CardCrlPrefetch

    return CardCrlPrefetch(service, lambda: trust_for_profile(profile)).attach()


def build_services(preferences: Preferences) -> Services:
    """Assemble what is available; missing layers leave ``None`` (said in the window)."""
    services = Services(card=None)
    try:
        services.profiles = LiveProfileSetup(preferences)
    except Exception:  # the assistant is optional
        logger.warning("profiles unavailable", exc_info=True)
    try:
        services.directory = LiveDirectory()
    except ImportError:
        logger.warning("directory unavailable")
    services.trust = LiveTrust()
    services.xdm = xdm_service(services)
    build_card(services, preferences)
    _add_ecps(services, preferences)
    return services


def build_card(services: Services, preferences: Preferences) -> None:
    """(Re)build ``services.card`` from the profile and the module setting; a problem is
    kept in ``extras["card_error"]`` for the lock screen. Called again when Settings
    change the module, so that the change applies without a restart."""
    from client.profiles import load_default_profile
    from cps.middleware import find_pkcs11_module

    old, services.card = services.card, None
    services.extras.pop("card_error", None)
    if old is not None:
        old.stop()
    try:
        profile = load_default_profile(preferences.profile_path or None)
        services.profile_path = profile.source
        if isinstance(services.trust, LiveTrust):
            services.trust.own_domains.update(profile.own_domains)  # colleagues are inside
        chosen = preferences.pkcs11_module
        try:
            module = find_pkcs11_module(
                explicit=os.environ.get("MSSANTE_COMPANION_PKCS11_MODULE") or None,
                profile_value=(chosen or profile.auth.pkcs11_module),
            )
        except Exception as exc:
            if chosen:
                # The path saved in Settings is wrong: say so, and where to fix it.
                raise ModuleSettingInvalid(chosen, exc) from exc
            raise
        services.card = LiveCard(profile, module)
    except Exception as exc:  # worded on the lock screen
        logger.warning("sign-in unavailable: %s", type(exc).__name__)
        services.extras["card_error"] = exc


def _add_ecps(services: Services, preferences: Preferences) -> None:
    """e-CPS when the profile signs in with Pro Santé Connect through a gateway."""
    try:
        from client.profiles import load_default_profile

        profile = load_default_profile(preferences.profile_path or None)
    except Exception:  # no profile: the first-run assistant handles it
        return
    if profile.auth.method == "psc" and profile.auth.gateway:
        from ui.live_ecps import LiveEcps

        services.ecps = LiveEcps(profile)
        services.profile_path = services.profile_path or profile.source
