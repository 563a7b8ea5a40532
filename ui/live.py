"""The services of the desktop app over the real layers: ``cps`` and ``client``.

Each adapter below implements a Protocol of :mod:`ui.backend` with the public API of a
layer and nothing more: the card service and watcher (``cps``), authentication
(``client.auth``), the mailbox (:mod:`ui.live_mail`), the directory index
(``client.directory``), the liste blanche, XDM packing (``client.xdm``) and profiles
(``client.profiles``). A layer whose module is not present leaves its service ``None``
and the window that needs it says so.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from ui.backend import (
    CardHolder,
    DirectoryEntry,
    MailService,
    PatientForm,
    ProfileChoice,
    Services,
    TrustVerdict,
)
from ui.preferences import Preferences

__all__ = [
    "LiveCard",
    "LiveDirectory",
    "LiveProfileSetup",
    "LiveTrust",
    "LiveXdm",
    "build_services",
]

logger = logging.getLogger(__name__)

#: Names under which ``client.auth`` may offer "profile + card + PIN prompt -> opener".
_AUTH_FACTORIES = ("open_session", "sign_in", "opener_for_profile", "build_opener",
                   "session_opener")


# -- directory ------------------------------------------------------------------------------
class LiveDirectory:
    """``client.directory``'s local index (search) and importer."""

    def __init__(self) -> None:
        from client.directory.index import DirectoryIndex

        self._index = DirectoryIndex()

    def search(self, text: str, limit: int = 20, filters: dict[str, str] | None = None
               ) -> list[DirectoryEntry]:
        """Index search, then the window's filters (profession, specialty, type, postcode)."""
        filters = {k: v.casefold() for k, v in (filters or {}).items() if v}
        query = text.strip() or " ".join(
            filters.get(k, "") for k in ("specialty", "profession", "postal_code")).strip()
        if not query:
            return []
        from client.directory.index import fold

        wanted = {k: fold(v) for k, v in filters.items()}
        found = self._index.search(query, limit=limit * 5 if wanted else limit)
        entries = []
        for entry in found:
            if wanted.get("bal_type") and entry.bal_type.casefold() != wanted["bal_type"]:
                continue
            if wanted.get("postal_code") and not entry.postal_code.startswith(
                    filters["postal_code"]):
                continue
            if any(wanted.get(k) and wanted[k] not in fold(getattr(entry, k))
                   for k in ("profession", "specialty")):
                continue
            entries.append(DirectoryEntry(
                address=entry.address, family_name=entry.family_name,
                given_name=entry.given_name, profession=entry.profession,
                specialty=entry.specialty,
                organization=entry.organization or entry.trade_name or entry.service,
                postal_code=entry.postal_code, city=entry.city, bal_type=entry.bal_type,
                national_id=entry.national_id))
            if len(entries) >= limit:
                break
        return entries

    def import_file(self, path: Path, progress: Callable[[int, int], None] | None = None,
                    cancel: Any = None) -> int:
        """Import an extraction; the worker's cancel token stops it (index kept)."""
        from client.directory.importer import import_extraction

        stop = threading.Event()

        def report(state: Any) -> None:
            if cancel is not None and getattr(cancel, "cancelled", False):
                stop.set()
            if progress is not None:
                total = state.bytes_total or 0
                progress(state.bytes_read if total else state.rows, total)

        report_ = import_extraction(path, progress=report, cancel=stop)
        self._index.close()  # reopened on the new file
        return int(report_.rows)


# -- trust space ----------------------------------------------------------------------------
class LiveTrust:
    """The liste blanche (``client.whitelist`` through ``client.mail.policy``)."""

    PATIENT_DOMAIN = "patient.mssante.fr"

    def __init__(self) -> None:
        self._space: Any = None
        self._loaded = False
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if not self._loaded:
                from client.mail.policy import load_trust_space

                self._space = load_trust_space()
                self._loaded = True
            return self._space

    def check(self, address: str) -> TrustVerdict:
        """Inside or outside, with the reason worded for the window."""
        domain = address.rpartition("@")[2].lower()
        if domain == self.PATIENT_DOMAIN:
            return TrustVerdict(address, True, is_patient=True)
        space = self._load()
        if space is None:
            return TrustVerdict(address, False, QCoreApplication.translate("live",
                "liste blanche non importée : importez-la dans les paramètres"))
        if space.is_trusted(address):
            return TrustVerdict(address, True)
        reason = QCoreApplication.translate(
            "live", "le domaine %1 n'est pas dans la liste blanche MSSanté")
        return TrustVerdict(address, False, reason.replace("%1", domain))

    def import_file(self, path: Path) -> int:
        """Import a liste blanche XML (``client.whitelist``); returns the domain count."""
        whitelist = importlib.import_module("client.whitelist")
        importer = getattr(whitelist, "import_liste_blanche", None) or whitelist.import_file
        result = importer(path)
        with self._lock:
            self._loaded = False
        count = getattr(result, "domains", result)
        return len(count) if isinstance(count, list | tuple | set | dict) else int(count)


# -- structured documents -------------------------------------------------------------------
class LiveXdm:
    """INS validation and IHE XDM packing (``client.xdm``) for the signed-in author."""

    def __init__(self, author: Callable[[], Any]) -> None:
        self._author = author

    def validate_ins(self, matricule: str, oid: str) -> None:
        """Raise ``InvalidIns`` naming the problem."""
        from client.xdm import validate_ins

        validate_ins(matricule, oid)

    def pack(self, documents: Sequence[Path], patient: PatientForm, target: Path) -> Path:
        """Build ``IHE_XDM.ZIP``."""
        from client.xdm import Author, DocumentInput, Patient, pack_xdm, validate_ins

        holder = self._author()
        if holder is None:
            raise RuntimeError("no signed-in professional to author the document")
        author = Author(national_id=holder.national_id, family=holder.family_name,
                        given=holder.given_name)
        person = Patient(validate_ins(patient.ins, patient.ins_oid), family=patient.family_name,
                         given=patient.given_name, sex=patient.sex,
                         birth_date=_dt.date.fromisoformat(patient.birth_date))
        docs = [DocumentInput(p.read_bytes(), p.name) for p in documents]
        target.write_bytes(pack_xdm(docs, person, author).data)
        return target


# -- profiles -------------------------------------------------------------------------------
def _endpoint_text(endpoint: Any) -> str:
    return f"{endpoint.host}:{endpoint.port} ({endpoint.security})"


def _choice(profile: Any, operator: str, source: str) -> ProfileChoice:
    return ProfileChoice(address=profile.address, operator=operator,
                         imap=_endpoint_text(profile.imap), smtp=_endpoint_text(profile.smtp),
                         method=profile.auth.method, source=source, payload=profile)


def _profile_toml(profile: Any) -> str:
    """Design section 4 (a contract): the same keys, nothing more."""
    def q(value: object) -> str:
        return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["[account]", f"address = {q(profile.address)}"]
    for name in ("imap", "smtp"):
        endpoint = getattr(profile, name)
        lines += ["", f"[{name}]", f"host = {q(endpoint.host)}", f"port = {endpoint.port}",
                  f"security = {q(endpoint.security)}"]
    if profile.ca_file is not None:
        lines += ["", "[trust]", f"ca_file = {q(profile.ca_file)}"]
    auth = profile.auth
    lines += ["", "[auth]", f"method = {q(auth.method)}",
              f"pkcs11_module = {q(auth.pkcs11_module)}"]
    if auth.method == "psc":
        for key in ("issuer", "discovery_url", "client_id", "scope", "acr_values"):
            if getattr(auth, key):
                lines.append(f"{key} = {q(getattr(auth, key))}")
    if auth.method == "certificate" and auth.certificate_file is not None:
        lines.append(f"certificate_file = {q(auth.certificate_file)}")
    return "\n".join(lines) + "\n"


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
        from client.trust import TrustStore

        profile = choice.payload
        connect = importlib.import_module("client.auth.connect")
        trust = TrustStore.from_files([profile.ca_file] if profile.ca_file else [])
        imap = connect.connect_imap(profile.imap, trust.ssl_context())
        imap.logout()
        smtp = connect.connect_smtp(profile.smtp, trust.ssl_context())
        smtp.quit()
        return QCoreApplication.translate(
            "live", "IMAP et SMTP joignables, certificats des serveurs vérifiés.")

    def save(self, choice: ProfileChoice) -> Path:
        """Write the default profile (a file from the IT department is referenced as is)."""
        from client.profiles import default_profile_path

        if choice.source == "file" and choice.payload.source is not None:
            self.preferences.profile_path = str(choice.payload.source)
            self.preferences.sync()
            return Path(choice.payload.source)
        target = default_profile_path()
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        target.write_text(_profile_toml(choice.payload), encoding="utf-8")
        return target


# -- card and sign-in -----------------------------------------------------------------------
class LiveCard:
    """The CPS card (``cps``) and sign-in to the operator (``client.auth``)."""

    def __init__(self, profile: Any, module: Path) -> None:
        from cps.service import CardService

        self.profile = profile
        self.service = CardService.for_module(module)
        self._watcher: Any = None
        self._unsubscribe: Callable[[], None] | None = None

    def holder(self) -> CardHolder | None:
        """The CPS card now in a reader, read without the PIN."""
        from cps.errors import CardError

        watcher = self._watcher
        if watcher is not None and getattr(watcher, "_context", True) is not None:
            cards = watcher.cards() if hasattr(watcher, "cards") else {}
            readers = [r for r, kind in cards.items() if getattr(kind, "value", kind) == "cps"]
            if watcher.readers() and not readers:
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
            if contents.kind == "cps" and identity is not None:
                return CardHolder(identity.national_id, identity.family_name,
                                  identity.given_name, identity.profession or "",
                                  contents.slot.description or "")
        return None

    def sign_in(self, pin_prompt: Any) -> MailService:
        """PIN through ``pin_prompt`` (cps), authenticate, open the mailbox."""
        from ui.live_mail import LiveMailService

        opener = self._opener(pin_prompt)
        return LiveMailService(opener)

    def _opener(self, pin_prompt: Any) -> Any:
        try:
            auth = importlib.import_module("client.auth")
        except ImportError:
            auth = None
        for name in _AUTH_FACTORIES:
            factory = getattr(auth, name, None) if auth is not None else None
            if callable(factory):
                return factory(self.profile, card_service=self.service, pin_prompt=pin_prompt)
        # card-tls directly: the card signer, the trust store, TLS + SASL EXTERNAL.
        from client.auth.card_tls import CertificateTlsAuthenticator

        signer = self.service.signer(pin_prompt)
        trust_for_profile = getattr(auth, "trust_for_profile", None)
        if callable(trust_for_profile):
            trust = trust_for_profile(self.profile)
        else:
            from client.trust import TrustStore

            trust = TrustStore.from_files([self.profile.ca_file] if self.profile.ca_file else [])
        return CertificateTlsAuthenticator(self.profile, signer, trust)

    def watch(self, on_inserted: Callable[[Any], None],
              on_removed: Callable[[Any], None]) -> None:
        """PC/SC events (slot polling when PC/SC is absent); the card service hears first."""
        from cps.watcher import CardWatcher, EventType

        def dispatch(event: Any) -> None:
            if event.type == EventType.CARD_INSERTED:
                on_inserted(event)
            elif event.type == EventType.CARD_REMOVED:
                on_removed(event)

        watcher = CardWatcher(slot_poller=self.service.poll_slots)
        self._unsubscribe = self.service.watch(watcher)
        watcher.subscribe(dispatch)
        watcher.start()
        self._watcher = watcher

    def stop(self) -> None:
        """Stop watching, log out of the card, stop the card thread."""
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        self.service.close()


def build_services(preferences: Preferences) -> Services:
    """Assemble what is available; missing layers leave ``None`` (said in the window)."""
    services = Services(card=None)
    try:
        services.profiles = LiveProfileSetup(preferences)
    except Exception:  # noqa: BLE001 - the assistant is optional
        logger.warning("profiles unavailable", exc_info=True)
    try:
        services.directory = LiveDirectory()
    except ImportError:
        logger.warning("directory unavailable")
    services.trust = LiveTrust()
    services.xdm = LiveXdm(lambda: services.holder)
    try:
        from client.profiles import load_default_profile
        from cps.middleware import find_pkcs11_module

        profile = load_default_profile(preferences.profile_path or None)
        services.profile_path = profile.source
        module = find_pkcs11_module(
            explicit=os.environ.get("MSSANTE_COMPANION_PKCS11_MODULE") or None,
            profile_value=(preferences.pkcs11_module or profile.auth.pkcs11_module),
        )
        services.card = LiveCard(profile, module)
    except Exception as exc:  # noqa: BLE001 - worded on the lock screen
        logger.warning("sign-in unavailable: %s", exc)
        services.extras["card_error"] = exc
    return services
