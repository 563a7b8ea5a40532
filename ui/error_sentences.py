"""The sentences that word each type of error, in French (the source language).

One entry per error type of ``cps/`` and ``client/`` (and the few system errors the user
can meet); its English translation is in ``resources/i18n/mssante_companion_en.ts``,
context ``wording``. :mod:`ui.wording` looks an error up here along its class's MRO.
Adding a wording is one entry in :func:`_known`::

    NewError: fixed(QT_TRANSLATE_NOOP("wording", "Ce qui ne va pas. Ce qu'il faut faire.")),

An error class that only some versions of a module define goes in ``optional`` of
:func:`table`, by module and name.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ui.wording import Wording, describe_error, fixed, with_fields

__all__ = ["table"]


def _first_path(exc: BaseException) -> tuple[str, ...]:
    tried = getattr(exc, "paths_tried", None) or ()
    return (", ".join(str(p) for p in tried),)


# Plural and per-case sentences are literal translate() calls (lupdate extracts them with
# their plural forms); the sources are repeated here for the completeness test.
_PIN_SOURCES = (
    "Code PIN incorrect. Il reste %n essai(s).",
    "Code PIN incorrect. Attention : dernier essai avant le blocage de la carte.",
    "Code PIN incorrect. Vérifiez-le et réessayez.",
)


def _pin_incorrect(exc: BaseException) -> str:
    left = getattr(exc, "attempts_left", None)
    if not isinstance(left, int):
        return QCoreApplication.translate(
            "wording", "Code PIN incorrect. Vérifiez-le et réessayez.")
    if left <= 1:
        return QCoreApplication.translate(
            "wording",
            "Code PIN incorrect. Attention : dernier essai avant le blocage de la carte.")
    return QCoreApplication.translate(
        "wording", "Code PIN incorrect. Il reste %n essai(s).", None, left)


def _by_field(name: str, sentences: dict[str, object], other: str,
              fill: Callable[[BaseException], tuple[str, ...]] | None = None) -> Wording:
    """A wording whose sentence is the one keyed by the error's field ``name``; a value
    without a sentence of its own takes the one keyed ``other``."""
    keys = list(sentences)

    def choose(exc: BaseException) -> int:
        value = str(getattr(exc, name, ""))
        return keys.index(value if value in sentences else other)

    return Wording(*sentences.values(), choose=choose, fill=fill)


def _module_setting(exc: BaseException) -> tuple[str, ...]:
    cause = getattr(exc, "cause", None)
    why = describe_error(cause) if isinstance(cause, BaseException) else ""
    # The cause's sentence may end on a list of paths: the advice after it starts anew.
    if why and not why.rstrip().endswith((".", "!", "?", "…")):
        why = why.rstrip() + "."
    return (str(getattr(exc, "path", "")), why)


def _revocation_reason(reason: str) -> str:
    """RFC 5280 section 5.3.1 reason codes (cryptography's names) in words."""
    reasons = {
        "key_compromise": QCoreApplication.translate(
            "wording", "clé compromise : carte perdue ou volée"),
        "affiliation_changed": QCoreApplication.translate(
            "wording", "changement de situation professionnelle"),
        "superseded": QCoreApplication.translate("wording", "remplacée par une nouvelle carte"),
        "cessation_of_operation": QCoreApplication.translate(
            "wording", "cessation d'activité"),
        "certificate_hold": QCoreApplication.translate("wording", "suspendue"),
        "privilege_withdrawn": QCoreApplication.translate("wording", "droits retirés"),
        "ca_compromise": QCoreApplication.translate(
            "wording", "autorité de certification compromise"),
    }
    return reasons.get(reason, "")


def _revocation_day(exc: BaseException) -> str:
    when = getattr(exc, "revoked_at", None)
    return when.strftime("%d/%m/%Y") if when is not None else "?"


_REVOKED = QT_TRANSLATE_NOOP(
    "wording",
    "Cette carte a été révoquée le %1 : elle ne peut plus être utilisée et rien n'a été "
    "envoyé au serveur. Demandez une nouvelle carte CPS à l'ANS.")


def _revoked(exc: BaseException) -> str:
    text = QCoreApplication.translate("wording", str(_REVOKED)).replace(
        "%1", _revocation_day(exc))
    why = _revocation_reason(str(getattr(exc, "revocation_reason", "") or ""))
    return f"{text} ({why})" if why else text


_SERVER_REVOKED = QT_TRANSLATE_NOOP(
    "wording",
    "Le certificat du serveur %1 a été révoqué le %2 : la connexion est refusée. "
    "Prévenez votre opérateur de messagerie.")


def _server_revoked(exc: BaseException) -> str:
    return QCoreApplication.translate("wording", str(_SERVER_REVOKED)).replace(
        "%1", str(getattr(exc, "host", ""))).replace("%2", _revocation_day(exc))


def _optional(module: str, name: str) -> type[BaseException] | None:
    """An error class that a module may not define (yet): its wording waits for it."""
    import importlib

    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return found if isinstance(found, type) and issubclass(found, BaseException) else None


def table() -> dict[type[BaseException], Wording]:
    """Exception type -> wording (imported on first use: the error modules are light)."""
    cancelled = fixed(QT_TRANSLATE_NOOP("wording", "Opération annulée."))
    table = _known(cancelled)
    optional: dict[tuple[str, str], Wording] = {
        ("client.trust", "ServerCertificateRevoked"): Wording(_SERVER_REVOKED,
                                                              render=_server_revoked),
        ("client.trust", "CrlRejected"): _by_field("reason", {
            "unreadable": QT_TRANSLATE_NOOP(
                "wording",
                "Ce fichier n'est pas une liste de révocation (CRL). Téléchargez-la de "
                "nouveau depuis le site de publication de l'IGC-Santé."),
            "older": QT_TRANSLATE_NOOP(
                "wording",
                "Cette liste de révocation est plus ancienne que celle déjà conservée ; rien "
                "n'a été modifié."),
            "untrusted": QT_TRANSLATE_NOOP(
                "wording",
                "Cette liste de révocation n'est pas signée par une autorité IGC-Santé de "
                "confiance ; elle n'a pas été conservée."),
        }, other="untrusted"),
        ("client.audit_key", "AuditKeyUnavailable"): fixed(QT_TRANSLATE_NOOP(
            "wording",
            "La clé du journal de sécurité n'est pas disponible (trousseau du système "
            "verrouillé, ou fichier de clé du profil illisible) : le journal ne peut pas être "
            "vérifié. Déverrouillez le trousseau ou vérifiez le profil, puis réessayez.")),
        # A desktop error that carries its own translated sentence.
        ("ui.tool_windows", "BridgeUnavailable"): Wording(render=str),
        ("client.xdm.errors", "CdaRefused"): fixed(QT_TRANSLATE_NOOP(
            "wording",
            "Ce document CDA ne peut pas être affiché : il est endommagé, trop volumineux ou "
            "contient des déclarations refusées par sécurité (DTD, entités). Demandez à "
            "l'expéditeur de le renvoyer.")),
    }
    for (module, name), wording in optional.items():
        kind = _optional(module, name)
        if kind is not None:
            table[kind] = wording
    return table


def _known(cancelled: Wording) -> dict[type[BaseException], Wording]:
    """The error classes every version of the layers defines."""
    from client import audit, secrets
    from client import trust as server_trust
    from client import whitelist as wl
    from client.auth import ciba
    from client.auth import errors as auth
    from client.bridge import errors as bridge
    from client.directory import errors as directory
    from client.errors import ClientError
    from client.mail import errors as mail
    from client.mail.mailto import NotAMailtoLink
    from client.profiles.discovery import DiscoveryFailed
    from client.profiles.loader import NoProfile, ProfileError
    from client.spool import errors as spool
    from client.thunderbird import errors as thunderbird
    from client.tls import errors as tls
    from client.xdm import errors as xdm
    from cps import errors as card
    from ui.preferences import ModuleSettingInvalid
    from ui.workers import Cancelled

    return {
        # -- the card (cps) ------------------------------------------------------------
        card.CardError: fixed(QT_TRANSLATE_NOOP("wording",
            "La carte CPS n'a pas pu être utilisée. Retirez-la, réinsérez-la et réessayez.")),
        card.PinIncorrect: Wording(*_PIN_SOURCES, render=_pin_incorrect),
        card.PinLocked: fixed(QT_TRANSLATE_NOOP("wording",
            "Votre carte CPS est bloquée. Débloquez-la avec le code PUK ou demandez une "
            "nouvelle carte à l'ANS.")),
        card.PinLengthInvalid: fixed(QT_TRANSLATE_NOOP(
            "wording", "Le code PIN doit comporter 4 chiffres.")),
        card.PinEntryCancelled: fixed(QT_TRANSLATE_NOOP(
            "wording", "Connexion annulée : aucun code PIN saisi.")),
        card.PinError: fixed(QT_TRANSLATE_NOOP(
            "wording", "Le code PIN n'a pas pu être vérifié. Réessayez.")),
        card.CardRemoved: fixed(QT_TRANSLATE_NOOP("wording",
            "La carte CPS a été retirée. Réinsérez-la pour continuer.")),
        card.TokenNotPresent: fixed(QT_TRANSLATE_NOOP("wording",
            "Aucune carte CPS n'est insérée. Insérez votre carte dans le lecteur.")),
        card.CardChoiceNeeded: fixed(QT_TRANSLATE_NOOP("wording",
            "Plusieurs cartes CPS sont insérées et aucune n'a été choisie. Choisissez la "
            "carte avec laquelle vous connecter, ou retirez l'autre carte.")),
        card.ChosenCardAbsent: fixed(QT_TRANSLATE_NOOP("wording",
            "La carte CPS choisie n'est plus insérée. Réinsérez-la, ou choisissez une autre "
            "carte.")),
        card.ReaderUnavailable: fixed(QT_TRANSLATE_NOOP("wording",
            "Le service des lecteurs de carte (PC/SC) ne répond pas. Rebranchez le lecteur "
            "ou redémarrez l'ordinateur.")),
        card.MiddlewareNotFound: Wording(QT_TRANSLATE_NOOP("wording",
            "La Cryptolib CPS (module PKCS#11) est introuvable. Installez-la depuis le site "
            "de l'ANS ou indiquez son chemin dans les paramètres. Emplacements cherchés : "
            "%1"), fill=_first_path),
        card.MiddlewareInvalid: with_fields(QT_TRANSLATE_NOOP("wording",
            "Le fichier %1 n'est pas un module PKCS#11 utilisable. Vérifiez le chemin de la "
            "Cryptolib CPS dans les paramètres."), "path"),
        card.MiddlewareError: fixed(QT_TRANSLATE_NOOP("wording",
            "La Cryptolib CPS (module PKCS#11) ne fonctionne pas. Réinstallez-la.")),
        card.CertificateExpired: fixed(QT_TRANSLATE_NOOP("wording",
            "Le certificat de votre carte CPS a expiré. Demandez le renouvellement de votre "
            "carte.")),
        card.CertificateNotYetValid: fixed(QT_TRANSLATE_NOOP("wording",
            "Le certificat de votre carte n'est pas encore valide. Vérifiez la date et "
            "l'heure de l'ordinateur.")),
        card.CertificateUntrusted: fixed(QT_TRANSLATE_NOOP("wording",
            "Le certificat n'est pas reconnu par l'IGC-Santé. Vérifiez les autorités de "
            "confiance dans les paramètres.")),
        card.CertificateMalformed: fixed(QT_TRANSLATE_NOOP("wording",
            "Le certificat de la carte est illisible. Utilisez une autre carte CPS ou "
            "contactez l'ANS.")),
        card.CertificateError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le certificat de la carte ne peut pas être utilisé. Contactez l'ANS.")),
        card.CertificateNotFound: fixed(QT_TRANSLATE_NOOP("wording",
            "Cette carte ne contient pas de certificat d'authentification. Utilisez votre "
            "carte CPS.")),
        card.KeyNotFound: fixed(QT_TRANSLATE_NOOP("wording",
            "Cette carte ne contient pas de clé d'authentification. Utilisez votre carte "
            "CPS.")),
        card.CardContentError: fixed(QT_TRANSLATE_NOOP("wording",
            "Cette carte ne contient pas ce qu'une carte CPS contient. Utilisez votre carte "
            "CPS.")),
        card.MechanismNotSupported: fixed(QT_TRANSLATE_NOOP("wording",
            "Cette carte ne sait pas faire la signature demandée. Mettez à jour la "
            "Cryptolib CPS.")),
        card.TokenOperationFailed: fixed(QT_TRANSLATE_NOOP("wording",
            "La carte n'a pas répondu comme prévu. Retirez-la, réinsérez-la et réessayez.")),
        # -- sign-in (client.auth, client.tls, client.trust) ---------------------------
        ClientError: fixed(QT_TRANSLATE_NOOP("wording",
            "L'opération a échoué. Réessayez ; si cela persiste, contactez votre support.")),
        auth.AuthError: fixed(QT_TRANSLATE_NOOP("wording",
            "La connexion à votre messagerie a échoué. Réessayez.")),
        auth.AuthenticationRefused: fixed(QT_TRANSLATE_NOOP("wording",
            "L'opérateur a refusé la connexion. Vérifiez votre carte et le profil de "
            "l'opérateur.")),
        auth.OperatorUnreachable: fixed(QT_TRANSLATE_NOOP("wording",
            "Les serveurs de l'opérateur sont injoignables. Vérifiez la connexion réseau et "
            "réessayez.")),
        auth.SessionEnded: fixed(QT_TRANSLATE_NOOP("wording",
            "Votre session a pris fin. Saisissez à nouveau votre code PIN pour continuer.")),
        auth.CertificateFileError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le certificat logiciel du profil est illisible. Vérifiez le fichier indiqué "
            "dans le profil.")),
        auth.CertificatePasswordRequired: fixed(QT_TRANSLATE_NOOP("wording",
            "Le certificat logiciel est protégé par un mot de passe : saisissez-le.")),
        auth.OidcError: fixed(QT_TRANSLATE_NOOP("wording",
            "Pro Santé Connect n'a pas pu vous connecter. Réessayez dans un instant.")),
        auth.ProviderUnreachable: fixed(QT_TRANSLATE_NOOP("wording",
            "Pro Santé Connect est injoignable. Vérifiez la connexion réseau et réessayez.")),
        ciba.GatewayUnreachable: fixed(QT_TRANSLATE_NOOP("wording",
            "La passerelle Pro Santé Connect de votre éditeur ou opérateur est injoignable, "
            "ou Pro Santé Connect ne répond pas. Vérifiez la connexion réseau et réessayez "
            "; si cela persiste, prévenez votre support.")),
        ciba.GatewayRequired: fixed(QT_TRANSLATE_NOOP("wording",
            "La connexion e-CPS demande une passerelle Pro Santé Connect que ce profil ne "
            "désigne pas. Demandez un profil à jour à votre opérateur, ou utilisez votre "
            "carte CPS.")),
        ciba.EcpsDenied: fixed(QT_TRANSLATE_NOOP("wording",
            "La demande de connexion a été refusée dans l'application e-CPS. Recommencez et "
            "validez-la sur votre téléphone.")),
        ciba.EcpsExpired: fixed(QT_TRANSLATE_NOOP("wording",
            "La demande de connexion n'a pas été validée à temps dans l'application e-CPS. "
            "Recommencez et validez-la avant la fin du décompte.")),
        ciba.EcpsUnknownUser: fixed(QT_TRANSLATE_NOOP("wording",
            "Pro Santé Connect ne connaît pas de e-CPS pour cet identifiant national. "
            "Vérifiez-le (8 suivi du numéro RPPS, ou 0 suivi du numéro ADELI) et activez "
            "votre e-CPS sur le portail de l'ANS si besoin.")),
        ciba.EcpsCancelled: fixed(QT_TRANSLATE_NOOP("wording",
            "Connexion e-CPS annulée.")),
        auth.InteractiveLoginRequired: fixed(QT_TRANSLATE_NOOP("wording",
            "Pro Santé Connect demande une nouvelle connexion : saisissez à nouveau votre "
            "code PIN.")),
        auth.UnknownClient: fixed(QT_TRANSLATE_NOOP("wording",
            "Pro Santé Connect ne reconnaît pas cette application pour votre opérateur. "
            "Prévenez votre support.")),
        auth.IssuerMismatch: fixed(QT_TRANSLATE_NOOP("wording",
            "Le serveur Pro Santé Connect n'est pas celui attendu. Ne poursuivez pas et "
            "prévenez votre support.")),
        auth.IdTokenInvalid: fixed(QT_TRANSLATE_NOOP("wording",
            "La réponse de Pro Santé Connect est invalide. Ne poursuivez pas et prévenez "
            "votre support.")),
        tls.TlsError: fixed(QT_TRANSLATE_NOOP("wording",
            "La connexion sécurisée a échoué. Réessayez ; si cela persiste, prévenez votre "
            "support.")),
        tls.ClientCertificateRefused: fixed(QT_TRANSLATE_NOOP("wording",
            "Le serveur a refusé le certificat de votre carte. Vérifiez que votre carte est "
            "valide et que le profil désigne le bon opérateur.")),
        tls.TlsBackendUnavailable: fixed(QT_TRANSLATE_NOOP("wording",
            "La connexion sécurisée par carte n'est pas disponible sur cet ordinateur. "
            "Réinstallez l'application.")),
        server_trust.TrustError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le serveur de l'opérateur ne présente pas un certificat de confiance. Ne "
            "poursuivez pas et prévenez votre support.")),
        server_trust.HostnameMismatch: fixed(QT_TRANSLATE_NOOP("wording",
            "Le certificat du serveur est émis pour un autre nom. Ne poursuivez pas et "
            "prévenez votre support.")),
        server_trust.ServerCertificateExpired: fixed(QT_TRANSLATE_NOOP("wording",
            "Le certificat du serveur de l'opérateur a expiré. Prévenez votre support.")),
        server_trust.CertificateRevoked: Wording(_REVOKED, render=_revoked),
        server_trust.ProtocolTooOld: fixed(QT_TRANSLATE_NOOP("wording",
            "Le serveur de l'opérateur utilise une version de TLS trop ancienne (TLS 1.2 "
            "minimum). Prévenez votre support.")),
        # -- profile ---------------------------------------------------------------------
        ProfileError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le profil de l'opérateur est invalide. Corrigez-le ou choisissez-en un autre "
            "dans les paramètres.")),
        NoProfile: fixed(QT_TRANSLATE_NOOP("wording",
            "Aucun profil d'opérateur n'est configuré. Lancez l'assistant de "
            "configuration.")),
        DiscoveryFailed: with_fields(QT_TRANSLATE_NOOP("wording",
            "Aucun serveur de messagerie n'est publié pour %1. Choisissez votre opérateur "
            "dans la liste ou utilisez le fichier de profil de votre service "
            "informatique."), "domain"),
        ModuleSettingInvalid: Wording(QT_TRANSLATE_NOOP("wording",
            "Le module PKCS#11 enregistré dans les paramètres (%1) ne peut pas être "
            "utilisé : %2 Ouvrez Paramètres, onglet « Compte et carte » : videz le champ "
            "(automatique) ou choisissez le bon fichier ; la correction s'applique sans "
            "redémarrer."), fill=_module_setting),
        # -- mail ------------------------------------------------------------------------
        mail.MailError: fixed(QT_TRANSLATE_NOOP("wording",
            "La messagerie a rencontré une erreur. Réessayez.")),
        mail.RecipientRefused: _by_field("rule", {
            "outside-trust-space": QT_TRANSLATE_NOOP(
                "wording", "Le destinataire %1 est refusé : son domaine n'est pas dans la liste "
                "blanche MSSanté. Retirez-le ou choisissez une adresse MSSanté."),
            "no-trust-list": QT_TRANSLATE_NOOP(
                "wording", "Le destinataire %1 est refusé : aucune liste blanche n'est disponible. "
               "Importez-la dans les paramètres."),
            "invalid-address": QT_TRANSLATE_NOOP(
                "wording", "Le destinataire %1 n'est pas une adresse valide. Corrigez-la."),
            "no-recipient": QT_TRANSLATE_NOOP("wording", "Ajoutez au moins un destinataire."),
        }, other="outside-trust-space", fill=lambda exc: (str(getattr(exc, "address", "")),)),
        mail.ReceiptNotAllowed: _by_field("rule", {
            "not-requested": QT_TRANSLATE_NOOP(
                "wording", "Ce message ne demande pas d'accusé de lecture ; aucun n'a été "
                "envoyé."),
            "already-sent": QT_TRANSLATE_NOOP(
                "wording", "L'accusé de lecture de ce message a déjà été envoyé (ici ou depuis "
                "un autre logiciel) ; il n'est pas envoyé une seconde fois."),
            "report": QT_TRANSLATE_NOOP(
                "wording", "Ce message est lui-même un accusé ou un avis de remise ; on n'y "
                "répond pas par un accusé."),
            "address-differs": QT_TRANSLATE_NOOP(
                "wording", "L'accusé irait à une autre adresse que celle de l'expéditeur ; "
                "confirmez-le depuis la barre au-dessus du message."),
        }, other="not-requested"),
        mail.MessageTooLarge: fixed(QT_TRANSLATE_NOOP("wording",
            "Le message dépasse la taille acceptée par l'opérateur. Retirez des pièces "
            "jointes.")),
        mail.SubmissionFailed: fixed(QT_TRANSLATE_NOOP("wording",
            "Le message n'a pas pu être remis à l'opérateur ; il reste dans la boîte "
            "d'envoi. Renvoyez-le plus tard.")),
        mail.MailConnectionError: fixed(QT_TRANSLATE_NOOP("wording",
            "La connexion à la messagerie a été perdue. Vérifiez la connexion réseau et "
            "réessayez.")),
        mail.MailProtocolError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le serveur de messagerie a refusé la demande. Réessayez ; si cela persiste, "
            "prévenez votre support.")),
        mail.FolderNotFound: with_fields(QT_TRANSLATE_NOOP("wording",
            "Le dossier %1 n'existe plus. Actualisez la liste des dossiers."), "folder"),
        mail.MessageNotFound: fixed(QT_TRANSLATE_NOOP("wording",
            "Ce message n'existe plus sur le serveur (déplacé ou supprimé). Actualisez le "
            "dossier.")),
        mail.InvalidMessage: fixed(QT_TRANSLATE_NOOP("wording",
            "Le message ne peut pas être préparé. Vérifiez les destinataires et les pièces "
            "jointes.")),
        mail.AttachmentExists: with_fields(QT_TRANSLATE_NOOP("wording",
            "Un fichier %1 existe déjà à cet endroit. Choisissez un autre nom ou un autre "
            "dossier."), "path"),
        mail.UnsafeAttachmentName: with_fields(QT_TRANSLATE_NOOP("wording",
            "Le nom de la pièce jointe %1 n'est pas sûr ; elle n'a pas été enregistrée."),
            "name"),
        mail.CacheCorrupted: fixed(QT_TRANSLATE_NOOP("wording",
            "Le cache chiffré des messages est illisible ; rien n'a été supprimé. "
            "Contactez votre support.")),
        mail.CacheKeyUnavailable: fixed(QT_TRANSLATE_NOOP("wording",
            "Le trousseau du système est verrouillé : déverrouillez-le pour ouvrir le cache "
            "chiffré des messages.")),
        mail.CacheKeyMismatch: fixed(QT_TRANSLATE_NOOP("wording",
            "La clé du cache chiffré manque dans le trousseau du système : la boîte d'envoi "
            "ne peut pas être lue. Déverrouillez le trousseau ou restaurez sa sauvegarde ; "
            "rien n'a été supprimé.")),
        mail.CacheWriteFailed: with_fields(QT_TRANSLATE_NOOP("wording",
            "Le disque est plein (%1) : libérez de la place et réessayez ; rien n'a été "
            "perdu."), "path"),
        NotAMailtoLink: fixed(QT_TRANSLATE_NOOP("wording",
            "Ce lien n'est pas un lien « mailto: » valide.")),
        # -- directory, liste blanche ----------------------------------------------------
        directory.DirectoryError: fixed(QT_TRANSLATE_NOOP("wording",
            "L'annuaire n'a pas pu être utilisé. Réessayez.")),
        directory.DirectoryNotImported: fixed(QT_TRANSLATE_NOOP("wording",
            "L'annuaire n'est pas encore importé. Importez l'extraction depuis la fenêtre "
            "Annuaire.")),
        directory.DirectoryImportFailed: fixed(QT_TRANSLATE_NOOP("wording",
            "L'import de l'annuaire a échoué (disque plein ?) ; l'annuaire précédent est "
            "intact. Libérez de la place et réessayez.")),
        directory.ExtractionError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le fichier n'est pas une extraction de l'annuaire MSSanté valide.")),
        directory.ImportCancelled: cancelled,
        directory.DownloadError: _by_field("kind", {
            "url": QT_TRANSLATE_NOOP(
                "wording",
                "L'adresse %1 est refusée : seules les adresses https:// sont acceptées."),
            "redirect": QT_TRANSLATE_NOOP(
                "wording", "Le téléchargement de %1 a été redirigé vers un serveur non autorisé ; "
                "il a été refusé."),
            "status": QT_TRANSLATE_NOOP(
                "wording", "Le serveur de %1 a répondu par une erreur. Réessayez plus tard."),
            "too-large": QT_TRANSLATE_NOOP(
                "wording", "Le fichier de %1 est trop volumineux ; il a été refusé."),
            "": QT_TRANSLATE_NOOP(
                "wording", "Le téléchargement de %1 a échoué. Vérifiez la connexion réseau, ou "
               "téléchargez le fichier vous-même et importez-le."),
        }, other="", fill=lambda exc: (str(getattr(exc, "url", "")),)),
        directory.AnnuaireError: fixed(QT_TRANSLATE_NOOP("wording",
            "L'Annuaire Santé en ligne ne répond pas. Réessayez plus tard ou cherchez dans "
            "l'annuaire importé.")),
        directory.AnnuaireAuthError: fixed(QT_TRANSLATE_NOOP("wording",
            "L'Annuaire Santé en ligne a refusé l'accès. Vérifiez la clé d'accès dans les "
            "paramètres.")),
        wl.WhitelistError: fixed(QT_TRANSLATE_NOOP("wording",
            "La liste blanche MSSanté n'a pas pu être importée ; la liste précédente reste "
            "en vigueur.")),
        wl.WhitelistFormatError: fixed(QT_TRANSLATE_NOOP("wording",
            "Ce fichier n'est pas une liste blanche MSSanté ; la liste précédente reste en "
            "vigueur.")),
        wl.WhitelistUnsafeXml: fixed(QT_TRANSLATE_NOOP("wording",
            "Ce fichier contient des constructions XML dangereuses ; il a été refusé et la "
            "liste précédente reste en vigueur.")),
        wl.WhitelistChecksumError: fixed(QT_TRANSLATE_NOOP("wording",
            "La liste blanche téléchargée ne correspond pas à son empreinte publiée ; elle "
            "a été refusée et la liste précédente reste en vigueur.")),
        wl.WhitelistNotImported: fixed(QT_TRANSLATE_NOOP("wording",
            "Aucune liste blanche n'est importée. Importez-la dans les paramètres.")),
        # -- structured documents --------------------------------------------------------
        xdm.XdmError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le document structuré ne peut pas être lu. Demandez à l'expéditeur de le "
            "renvoyer.")),
        xdm.InvalidIns: _by_field("kind", {
            "": QT_TRANSLATE_NOOP("wording",
                                  "L'INS du patient est invalide. Vérifiez le numéro saisi."),
            "oid": QT_TRANSLATE_NOOP("wording", "Le type d'INS choisi n'est pas reconnu."),
            "length": QT_TRANSLATE_NOOP("wording", "Le matricule INS comporte 15 chiffres (13 "
                                        "chiffres et une clé de 2 chiffres)."),
            "characters": QT_TRANSLATE_NOOP("wording", "Le matricule INS ne comporte que des "
                                            "chiffres (2A ou 2B pour la Corse)."),
            "first-digit": QT_TRANSLATE_NOOP(
                "wording", "Le matricule INS commence par 1, 2, 3, 4, 7 ou 8."),
            "key": QT_TRANSLATE_NOOP("wording", "La clé du matricule INS ne correspond pas : "
                                     "vérifiez le numéro saisi."),
        }, other=""),
        xdm.InvalidXdmInput: fixed(QT_TRANSLATE_NOOP("wording",
            "Le document structuré ne peut pas être préparé. Vérifiez l'identité du "
            "patient et les fichiers joints.")),
        xdm.NotAnXdmPackage: fixed(QT_TRANSLATE_NOOP("wording",
            "Cette pièce jointe n'est pas un document structuré IHE XDM.")),
        xdm.UnsafePackage: fixed(QT_TRANSLATE_NOOP("wording",
            "Ce document structuré contient des éléments dangereux ; il n'a pas été "
            "ouvert.")),
        xdm.MetadataInvalid: fixed(QT_TRANSLATE_NOOP("wording",
            "Les métadonnées du document structuré sont invalides. Demandez à l'expéditeur "
            "de le renvoyer.")),
        xdm.DocumentIntegrityError: fixed(QT_TRANSLATE_NOOP("wording",
            "Un document du paquet ne correspond pas à son empreinte : il a pu être "
            "modifié. Ne l'utilisez pas.")),
        # -- bridge, Thunderbird, keyring, audit -----------------------------------------
        bridge.BridgeError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le pont pour logiciel de messagerie n'a pas pu démarrer.")),
        bridge.CardAbsent: fixed(QT_TRANSLATE_NOOP("wording",
            "Insérez votre carte CPS : le pont en a besoin pour relever et envoyer le "
            "courrier.")),
        bridge.NotLoopback: with_fields(QT_TRANSLATE_NOOP("wording",
            "Le pont n'écoute que sur cet ordinateur ; %1 est refusé."), "host"),
        bridge.PortUnavailable: with_fields(QT_TRANSLATE_NOOP("wording",
            "Le port %1 est déjà utilisé. Choisissez-en un autre dans le panneau du pont."),
            "port"),
        bridge.BridgeNeedsKeyring: fixed(QT_TRANSLATE_NOOP("wording",
            "Le pont a besoin du trousseau du système pour garder son mot de passe local, et "
            "aucun n'est disponible. Ouvrez une session de bureau ou déverrouillez le "
            "trousseau.")),
        bridge.LocalCertificateError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le certificat local du pont est illisible. Supprimez-le depuis le panneau du "
            "pont pour en créer un nouveau.")),
        thunderbird.ThunderbirdError: fixed(QT_TRANSLATE_NOOP("wording",
            "Thunderbird n'a pas pu être configuré.")),
        thunderbird.NoThunderbirdProfile: fixed(QT_TRANSLATE_NOOP("wording",
            "Aucun profil Thunderbird n'a été trouvé. Lancez Thunderbird une fois, puis "
            "réessayez.")),
        thunderbird.ThunderbirdRunning: fixed(QT_TRANSLATE_NOOP("wording",
            "Thunderbird est ouvert. Fermez-le, puis réessayez.")),
        thunderbird.NssToolMissing: fixed(QT_TRANSLATE_NOOP("wording",
            "L'outil « certutil » (NSS) est introuvable. Installez le paquet libnss3-tools, "
            "puis réessayez.")),
        thunderbird.NssError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le magasin de certificats de Thunderbird n'a pas pu être modifié. Fermez "
            "Thunderbird et réessayez.")),
        secrets.SecretStoreError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le trousseau du système est indisponible ou verrouillé. Déverrouillez-le et "
            "réessayez.")),
        secrets.SecretSourceError: with_fields(QT_TRANSLATE_NOOP("wording",
            "Le secret désigné par la section [secrets] du profil ne peut pas être lu "
            "(%1). Corrigez le profil ou le fichier ; aucune autre source n'a été essayée."),
            "location"),
        secrets.SecretFileRefused: with_fields(QT_TRANSLATE_NOOP("wording",
            "Le fichier secret %1 est refusé : il doit exister, ne pas être vide et n'être "
            "lisible que par son propriétaire (chmod 600). Aucune autre source n'a été "
            "essayée."), "path"),
        secrets.CredentialMissing: with_fields(QT_TRANSLATE_NOOP("wording",
            "L'identifiant systemd « %1 » est introuvable (LoadCredential= du service). "
            "Aucune autre source n'a été essayée."), "name"),
        spool.SpoolError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le dépôt automatique (spool) a rencontré une erreur.")),
        spool.SpoolBusy: fixed(QT_TRANSLATE_NOOP("wording",
            "Un autre processus de dépôt automatique utilise déjà ce dossier : arrêtez-le "
            "d'abord.")),
        spool.EnvelopeInvalid: fixed(QT_TRANSLATE_NOOP("wording",
            "Le fichier à envoyer ne peut pas être envoyé tel quel.")),
        audit.AuditError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le journal de sécurité n'a pas pu être écrit ou lu.")),
        audit.AuditTampered: fixed(QT_TRANSLATE_NOOP("wording",
            "Le journal de sécurité a été modifié en dehors de l'application. Prévenez "
            "votre support.")),
        # -- the system and the app ------------------------------------------------------
        Cancelled: cancelled,
        TimeoutError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le serveur ne répond pas. Vérifiez la connexion réseau et réessayez.")),
        ConnectionError: fixed(QT_TRANSLATE_NOOP("wording",
            "Connexion au serveur impossible. Vérifiez la connexion réseau et réessayez.")),
        PermissionError: fixed(QT_TRANSLATE_NOOP("wording",
            "Accès refusé au fichier. Choisissez un autre emplacement.")),
        FileNotFoundError: with_fields(QT_TRANSLATE_NOOP(
            "wording", "Fichier introuvable : %1"), "filename"),
        OSError: fixed(QT_TRANSLATE_NOOP("wording",
            "Le fichier n'a pas pu être lu ou écrit (disque plein, support retiré ?). "
            "Réessayez.")),
    }


