"""The CPS card: PKCS#11 middleware, tokens, identity, PIN, signing, reader events.

No Qt here: the CLI, the bridge and the desktop app all use this package.

Public API (other layers call these names):

* Middleware: :func:`cps.middleware.find_pkcs11_module` (explicit path, profile value
  unless "auto", ``MSSANTE_COMPANION_PKCS11_MODULE``, Cryptolib CPS paths) raising
  :class:`~cps.errors.MiddlewareNotFound` / :class:`~cps.errors.MiddlewareInvalid`.
* Card service: :class:`cps.service.CardService` (``CardService.for_module(path)``) owns
  the one card thread (:mod:`cps.card_thread`, ``assert_on_card_thread()``):
  ``slots()``, ``tokens()``, ``read_card()`` -> :class:`~cps.service.CardContents`
  (identity, certificates, PIN state), ``login(prompt)`` once per insertion (a removal
  or a different card between the PIN prompt and ``C_Login`` fails it with
  :class:`~cps.errors.CardRemoved`; the PIN is dropped, never presented),
  ``signer(prompt)`` -> :class:`cps.signer.CardSigner`, ``watch(watcher)``, ``close()``.
* PIN: :class:`cps.pin.PinPrompt` (``ask_pin(PinRequest) -> str | None``) and
  :class:`cps.pin.PinRequest`; :class:`cps.token.PinState` (count_low, final_try, locked).
* Signer: ``certificate``, ``key_type``, ``key_size``, ``supports_pss``,
  ``sign_digest(digest, hash_name=, padding=)``, ``sign(data, ...)``,
  ``signature_count``.
* Identity: :class:`cps.identity.CardIdentity` (``from_certificate``),
  :func:`cps.identity.verify_certificate`, :func:`cps.identity.load_anchors`.
* Watcher: :class:`cps.watcher.CardWatcher` (``subscribe``, ``add_observer``) emitting
  :class:`cps.watcher.WatcherEvent` classified by :func:`cps.atr.classify_atr`.
* Errors: :mod:`cps.errors`, rooted at :class:`CardError`.
* Token seam for tests: :class:`cps.token.TokenBackend` / :class:`cps.token.TokenSession`.
"""

from cps.atr import CardKind, classify_atr
from cps.errors import (
    CardError,
    CardRemoved,
    MiddlewareInvalid,
    MiddlewareNotFound,
    PinEntryCancelled,
    PinIncorrect,
    PinLengthInvalid,
    PinLocked,
    TokenNotPresent,
)
from cps.identity import CardIdentity, verify_certificate
from cps.middleware import find_pkcs11_module
from cps.pin import PinPrompt, PinRequest
from cps.service import CardContents, CardService, CardSession
from cps.signer import CardSigner
from cps.token import PinState
from cps.watcher import CardWatcher, EventType, WatcherEvent

__all__ = [
    "CardContents",
    "CardError",
    "CardIdentity",
    "CardKind",
    "CardRemoved",
    "CardService",
    "CardSession",
    "CardSigner",
    "CardWatcher",
    "EventType",
    "MiddlewareInvalid",
    "MiddlewareNotFound",
    "PinEntryCancelled",
    "PinIncorrect",
    "PinLengthInvalid",
    "PinLocked",
    "PinPrompt",
    "PinRequest",
    "PinState",
    "TokenNotPresent",
    "WatcherEvent",
    "classify_atr",
    "find_pkcs11_module",
    "verify_certificate",
]
