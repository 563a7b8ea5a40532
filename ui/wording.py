"""Errors worded for the user, in French first (translated with Qt Linguist).

Each layer raises structured errors (``cps.errors``, ``client.errors``); the words live at
the edge. The desktop app dispatches on the class *name* along the MRO, so that a wording
exists for every error the layers document even before their module is importable, and
an unknown error still gets a sentence that says what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

__all__ = ["describe_error", "is_cancellation"]

logger = logging.getLogger(__name__)

_CONTEXT = "wording"


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate(_CONTEXT, text, None, n)


def _attempts(exc: BaseException) -> str:
    left = getattr(exc, "attempts_left", None)
    if isinstance(left, int):
        if left <= 1:
            return _tr(
                "Code PIN incorrect. Attention : dernier essai avant le blocage de la carte."
            )
        return _tr("Code PIN incorrect. Il reste %n essai(s).", left)
    return _tr("Code PIN incorrect. Vérifiez-le et réessayez.")


def _middleware(exc: BaseException) -> str:
    tried = getattr(exc, "paths_tried", None) or ()
    where = ", ".join(str(p) for p in tried)
    text = _tr(
        "La Cryptolib CPS (module PKCS#11) est introuvable. Installez-la depuis le site de "
        "l'ANS ou indiquez son chemin dans les paramètres."
    )
    return f"{text} ({where})" if where else text


def _refused(exc: BaseException) -> str:
    address = str(getattr(exc, "address", "") or "")
    rule = str(getattr(exc, "rule", "") or getattr(exc, "reason", "") or "")
    text = _tr("Le destinataire %1 est refusé : il n'appartient pas à l'espace de confiance "
               "MSSanté. Retirez-le ou choisissez une adresse MSSanté.").replace("%1", address)
    return f"{text} ({rule})" if rule else text


def _with_reason(template: str) -> Callable[[BaseException], str]:
    def word(exc: BaseException) -> str:
        reason = str(getattr(exc, "reason", "") or exc or "")
        text = _tr(template)
        return f"{text} ({reason})" if reason else text

    return word


# Class name -> wording. Names are those documented by cps/ and client/ (design section 3).
_WORDINGS: dict[str, Callable[[BaseException], str]] = {
    "PinIncorrect": _attempts,
    "PinLocked": lambda exc: _tr(
        "Votre carte CPS est bloquée. Débloquez-la avec le code PUK ou demandez une "
        "nouvelle carte à l'ANS."
    ),
    "PinLengthInvalid": lambda exc: _tr("Le code PIN doit comporter 4 chiffres."),
    "PinEntryCancelled": lambda exc: _tr("Connexion annulée : aucun code PIN saisi."),
    "CardRemoved": lambda exc: _tr(
        "La carte CPS a été retirée. Réinsérez-la pour continuer."
    ),
    "TokenNotPresent": lambda exc: _tr(
        "Aucune carte CPS n'est insérée. Insérez votre carte dans le lecteur."
    ),
    "NoReader": lambda exc: _tr(
        "Aucun lecteur de carte n'est détecté. Branchez le lecteur et vérifiez le service "
        "PC/SC (pcscd)."
    ),
    "MiddlewareNotFound": _middleware,
    "MiddlewareInvalid": _with_reason(
        "Le fichier indiqué n'est pas un module PKCS#11 valide. Vérifiez le chemin de la "
        "Cryptolib CPS dans les paramètres."
    ),
    "CertificateExpired": lambda exc: _tr(
        "Le certificat de votre carte CPS a expiré. Demandez le renouvellement de votre carte."
    ),
    "CertificateNotYetValid": lambda exc: _tr(
        "Le certificat de votre carte n'est pas encore valide. Vérifiez la date et l'heure "
        "de l'ordinateur."
    ),
    "CertificateUntrusted": _with_reason(
        "Le certificat n'est pas reconnu par l'IGC-Santé. Vérifiez les autorités de "
        "confiance dans les paramètres."
    ),
    "CertificateRevoked": lambda exc: _tr(
        "Ce certificat a été révoqué. Contactez l'ANS pour obtenir une nouvelle carte."
    ),
    "AuthenticationFailed": _with_reason(
        "L'opérateur a refusé la connexion. Vérifiez votre carte et le profil de l'opérateur."
    ),
    "SessionExpired": lambda exc: _tr(
        "Votre session Pro Santé Connect a expiré. Saisissez à nouveau votre code PIN."
    ),
    "ProfileError": _with_reason(
        "Le profil de l'opérateur est invalide. Corrigez-le ou choisissez-en un autre dans "
        "les paramètres."
    ),
    "ProfileNotFound": lambda exc: _tr(
        "Aucun profil d'opérateur n'est configuré. Lancez l'assistant de configuration."
    ),
    "ServerUntrusted": _with_reason(
        "Le serveur de l'opérateur ne présente pas un certificat de confiance. Ne "
        "poursuivez pas et prévenez votre support."
    ),
    "RecipientRefused": _refused,
    "MessageTooLarge": lambda exc: _tr(
        "Le message dépasse la taille acceptée par l'opérateur. Retirez des pièces jointes."
    ),
    "InsInvalid": _with_reason("L'INS du patient est invalide. Vérifiez le numéro saisi."),
    "DirectoryFormatError": _with_reason(
        "Le fichier n'est pas une extraction de l'annuaire MSSanté valide."
    ),
    "Cancelled": lambda exc: _tr("Opération annulée."),
    "TimeoutError": lambda exc: _tr(
        "Le serveur ne répond pas. Vérifiez la connexion réseau et réessayez."
    ),
    "ConnectionError": lambda exc: _tr(
        "Connexion au serveur impossible. Vérifiez la connexion réseau et réessayez."
    ),
    "PermissionError": lambda exc: _tr(
        "Accès refusé au fichier. Choisissez un autre emplacement."
    ),
    "FileNotFoundError": lambda exc: _tr("Fichier introuvable : %1").replace(
        "%1", str(getattr(exc, "filename", "") or exc)
    ),
}

_CANCELLATIONS = {"PinEntryCancelled", "Cancelled"}


def describe_error(exc: BaseException) -> str:
    """One sentence for ``exc``: what is wrong and what to do (in the app's language)."""
    for cls in type(exc).__mro__:
        word = _WORDINGS.get(cls.__name__)
        if word is not None:
            return word(exc)
    logger.error("unexpected error shown to the user", exc_info=exc)
    return _tr("Erreur inattendue (%1). Réessayez ; si elle persiste, contactez votre support.")\
        .replace("%1", type(exc).__name__)


def is_cancellation(exc: BaseException) -> bool:
    """The user cancelled: nothing to show."""
    return any(cls.__name__ in _CANCELLATIONS for cls in type(exc).__mro__)
