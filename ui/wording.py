"""Errors worded for the user, in French first (translated with Qt Linguist).

Each layer raises structured errors (``cps.errors``, ``client.errors``); the words live at
the edge. The desktop app dispatches on the class *name* along the MRO, so that a wording
exists for every error the layers document even before their module is importable, and
an unknown error still gets a sentence that says what to do.

Every sentence is a literal in a ``QCoreApplication.translate("wording", ...)`` or
``QT_TRANSLATE_NOOP`` call so that ``pyside6-lupdate`` extracts it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

__all__ = ["describe_error", "is_cancellation"]

logger = logging.getLogger(__name__)

def _attempts(exc: BaseException) -> str:
    left = getattr(exc, "attempts_left", None)
    if isinstance(left, int):
        if left <= 1:
            return QCoreApplication.translate(
                "wording",
                "Code PIN incorrect. Attention : dernier essai avant le blocage de la carte.",
            )
        return QCoreApplication.translate(
            "wording", "Code PIN incorrect. Il reste %n essai(s).", None, left)
    return QCoreApplication.translate("wording", "Code PIN incorrect. Vérifiez-le et réessayez.")


def _middleware(exc: BaseException) -> str:
    tried = getattr(exc, "paths_tried", None) or ()
    where = ", ".join(str(p) for p in tried)
    text = QCoreApplication.translate(
        "wording",
        "La Cryptolib CPS (module PKCS#11) est introuvable. Installez-la depuis le site de "
        "l'ANS ou indiquez son chemin dans les paramètres.",
    )
    return f"{text} ({where})" if where else text


def _rule_text(rule: str) -> str:
    """``client.mail.policy`` rule codes in words."""
    rules = {
        "outside-trust-space": QCoreApplication.translate(
            "wording", "domaine absent de la liste blanche MSSanté"),
        "no-trust-list": QCoreApplication.translate(
            "wording", "liste blanche non importée : importez-la dans les paramètres"),
        "invalid-address": QCoreApplication.translate("wording", "adresse invalide"),
        "no-recipient": QCoreApplication.translate("wording", "aucun destinataire"),
    }
    return rules.get(rule, rule)


def _refused(exc: BaseException) -> str:
    address = str(getattr(exc, "address", "") or "")
    rule = _rule_text(str(getattr(exc, "rule", "") or getattr(exc, "reason", "") or ""))
    text = QCoreApplication.translate(
        "wording",
        "Le destinataire %1 est refusé : il n'appartient pas à l'espace de confiance "
        "MSSanté. Retirez-le ou choisissez une adresse MSSanté.",
    ).replace("%1", address)
    return f"{text} ({rule})" if rule else text


def _file_missing(exc: BaseException) -> str:
    name = str(getattr(exc, "filename", "") or exc)
    return QCoreApplication.translate("wording", "Fichier introuvable : %1").replace("%1", name)


def _fixed(source: str) -> Callable[[BaseException], str]:
    """A sentence without data; ``source`` was marked with QT_TRANSLATE_NOOP."""

    def word(_exc: BaseException) -> str:
        return QCoreApplication.translate("wording", source)

    return word


def _with_reason(source: str) -> Callable[[BaseException], str]:
    """A sentence followed by the error's ``reason`` (or message) in brackets."""

    def word(exc: BaseException) -> str:
        reason = str(getattr(exc, "reason", "") or exc or "")
        text = QCoreApplication.translate("wording", source)
        return f"{text} ({reason})" if reason else text

    return word


# Class name -> wording. Names are those documented by cps/ and client/ (design section 3).
_WORDINGS: dict[str, Callable[[BaseException], str]] = {
    "PinIncorrect": _attempts,
    "PinLocked": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Votre carte CPS est bloquée. Débloquez-la avec le code PUK ou demandez une "
        "nouvelle carte à l'ANS.")),
    "PinLengthInvalid": _fixed(QT_TRANSLATE_NOOP(
        "wording", "Le code PIN doit comporter 4 chiffres.")),
    "PinEntryCancelled": _fixed(QT_TRANSLATE_NOOP(
        "wording", "Connexion annulée : aucun code PIN saisi.")),
    "CardRemoved": _fixed(QT_TRANSLATE_NOOP(
        "wording", "La carte CPS a été retirée. Réinsérez-la pour continuer.")),
    "TokenNotPresent": _fixed(QT_TRANSLATE_NOOP(
        "wording", "Aucune carte CPS n'est insérée. Insérez votre carte dans le lecteur.")),
    "NoReader": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Aucun lecteur de carte n'est détecté. Branchez le lecteur et vérifiez le service "
        "PC/SC (pcscd).")),
    "MiddlewareNotFound": _middleware,
    "MiddlewareInvalid": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "Le fichier indiqué n'est pas un module PKCS#11 valide. Vérifiez le chemin de la "
        "Cryptolib CPS dans les paramètres.")),
    "CertificateExpired": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Le certificat de votre carte CPS a expiré. Demandez le renouvellement de votre "
        "carte.")),
    "CertificateNotYetValid": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Le certificat de votre carte n'est pas encore valide. Vérifiez la date et l'heure "
        "de l'ordinateur.")),
    "CertificateUntrusted": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "Le certificat n'est pas reconnu par l'IGC-Santé. Vérifiez les autorités de "
        "confiance dans les paramètres.")),
    "CertificateRevoked": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Ce certificat a été révoqué. Contactez l'ANS pour obtenir une nouvelle carte.")),
    "AuthenticationFailed": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "L'opérateur a refusé la connexion. Vérifiez votre carte et le profil de "
        "l'opérateur.")),
    "SessionExpired": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Votre session Pro Santé Connect a expiré. Saisissez à nouveau votre code PIN.")),
    "ProfileError": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "Le profil de l'opérateur est invalide. Corrigez-le ou choisissez-en un autre dans "
        "les paramètres.")),
    "NoProfile": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Aucun profil d'opérateur n'est configuré. Lancez l'assistant de configuration.")),
    "ServerUntrusted": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "Le serveur de l'opérateur ne présente pas un certificat de confiance. Ne "
        "poursuivez pas et prévenez votre support.")),
    "RecipientRefused": _refused,
    "MessageTooLarge": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Le message dépasse la taille acceptée par l'opérateur. Retirez des pièces "
        "jointes.")),
    "InvalidIns": _with_reason(QT_TRANSLATE_NOOP(
        "wording", "L'INS du patient est invalide. Vérifiez le numéro saisi.")),
    "InsInvalid": _with_reason(QT_TRANSLATE_NOOP(
        "wording", "L'INS du patient est invalide. Vérifiez le numéro saisi.")),
    "DirectoryFormatError": _with_reason(QT_TRANSLATE_NOOP(
        "wording", "Le fichier n'est pas une extraction de l'annuaire MSSanté valide.")),
    "Cancelled": _fixed(QT_TRANSLATE_NOOP("wording", "Opération annulée.")),
    "ImportCancelled": _fixed(QT_TRANSLATE_NOOP("wording", "Opération annulée.")),
    "OperatorUnreachable": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "Les serveurs de l'opérateur sont injoignables. Vérifiez la connexion réseau et "
        "réessayez.")),
    "AuthenticationRefused": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "L'opérateur a refusé la connexion. Vérifiez votre carte et le profil de "
        "l'opérateur.")),
    "SessionEnded": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Votre session a pris fin. Saisissez à nouveau votre code PIN pour continuer.")),
    "ServerCertificateError": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "Le serveur de l'opérateur ne présente pas un certificat de confiance. Ne "
        "poursuivez pas et prévenez votre support.")),
    "ProtocolTooOld": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Le serveur de l'opérateur utilise une version de TLS trop ancienne (TLS 1.2 "
        "minimum). Prévenez votre support.")),
    "ClientCertificateRefused": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Le serveur a refusé le certificat de votre carte. Vérifiez que votre carte est "
        "valide et que le profil désigne le bon opérateur.")),
    "TlsError": _with_reason(QT_TRANSLATE_NOOP(
        "wording", "La connexion sécurisée a échoué. Réessayez ; si cela persiste, "
        "prévenez votre support.")),
    "ReaderUnavailable": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Le service des lecteurs de carte (PC/SC) ne répond pas. Rebranchez le lecteur ou "
        "redémarrez l'ordinateur.")),
    "CertificateNotFound": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Cette carte ne contient pas de certificat d'authentification. Utilisez votre "
        "carte CPS.")),
    "KeyNotFound": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Cette carte ne contient pas de clé d'authentification. Utilisez votre carte CPS.")),
    "DirectoryNotImported": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "L'annuaire n'est pas encore importé. Importez l'extraction depuis la fenêtre "
        "Annuaire.")),
    "ExtractionError": _with_reason(QT_TRANSLATE_NOOP(
        "wording", "Le fichier n'est pas une extraction de l'annuaire MSSanté valide.")),
    "WhitelistError": _with_reason(QT_TRANSLATE_NOOP(
        "wording", "La liste blanche MSSanté n'a pas pu être importée.")),
    "SubmissionFailed": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "Le message n'a pas pu être remis à l'opérateur ; il reste dans la boîte d'envoi. "
        "Renvoyez-le plus tard.")),
    "MailConnectionError": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "La connexion à la messagerie a été perdue. Vérifiez la connexion réseau et "
        "réessayez.")),
    "CacheKeyUnavailable": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Le trousseau du système est verrouillé : déverrouillez-le pour ouvrir le cache "
        "chiffré des messages.")),
    "CacheKeyMismatch": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "La clé du cache chiffré manque dans le trousseau du système : la boîte d'envoi ne "
        "peut pas être lue. Déverrouillez le trousseau ou restaurez sa sauvegarde ; rien "
        "n'a été supprimé.")),
    "CacheWriteFailed": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "Le disque est plein : libérez de la place et réessayez ; rien n'a été perdu.")),
    "DirectoryImportFailed": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "L'import de l'annuaire a échoué (disque plein ?) ; l'annuaire précédent est "
        "intact. Libérez de la place et réessayez.")),
    "SecretStoreUnavailable": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Le trousseau du système est indisponible ou verrouillé. Déverrouillez-le et "
        "réessayez.")),
    "SecretSourceError": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "Le secret indiqué dans la section [secrets] du profil ne peut pas être lu. "
        "Corrigez le profil ou le fichier ; aucune autre source n'a été essayée.")),
    "SecretFileRefused": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "Le fichier secret est refusé : il doit appartenir à l'utilisateur du service et "
        "n'être lisible que par lui (chmod 600).")),
    "CredentialMissing": _with_reason(QT_TRANSLATE_NOOP(
        "wording",
        "L'identifiant systemd attendu est absent : ajoutez LoadCredential= au service.")),
    "SpoolError": _fixed(QT_TRANSLATE_NOOP(
        "wording", "Le dépôt automatique (spool) a rencontré une erreur.")),
    "SpoolBusy": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Un autre processus de dépôt automatique utilise déjà ce dossier : arrêtez-le "
        "d'abord.")),
    "EnvelopeInvalid": _with_reason(QT_TRANSLATE_NOOP(
        "wording", "Le fichier à envoyer ne peut pas être envoyé tel quel.")),
    "InvalidXdmInput": _with_reason(QT_TRANSLATE_NOOP(
        "wording", "Le document structuré ne peut pas être préparé.")),
    "TimeoutError": _fixed(QT_TRANSLATE_NOOP(
        "wording", "Le serveur ne répond pas. Vérifiez la connexion réseau et réessayez.")),
    "ConnectionError": _fixed(QT_TRANSLATE_NOOP(
        "wording",
        "Connexion au serveur impossible. Vérifiez la connexion réseau et réessayez.")),
    "PermissionError": _fixed(QT_TRANSLATE_NOOP(
        "wording", "Accès refusé au fichier. Choisissez un autre emplacement.")),
    "FileNotFoundError": _file_missing,
}

_CANCELLATIONS = {"PinEntryCancelled", "Cancelled", "ImportCancelled"}


def describe_error(exc: BaseException) -> str:
    """One sentence for ``exc``: what is wrong and what to do (in the app's language)."""
    for cls in type(exc).__mro__:
        word = _WORDINGS.get(cls.__name__)
        if word is not None:
            return word(exc)
    # Errors of cps/ and client/ carry a sentence of their own (English, for the CLI):
    # better than nothing when no wording above knows the class.
    logger.error("unexpected error shown to the user", exc_info=exc)
    text = QCoreApplication.translate(
        "wording",
        "Erreur inattendue (%1). Réessayez ; si elle persiste, contactez votre support.",
    ).replace("%1", type(exc).__name__)
    detail = str(exc)
    return f"{text} {detail}" if detail else text


def is_cancellation(exc: BaseException) -> bool:
    """The user cancelled: nothing to show."""
    return any(cls.__name__ in _CANCELLATIONS for cls in type(exc).__mro__)
