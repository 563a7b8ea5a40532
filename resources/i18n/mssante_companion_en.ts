<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="fr_FR">
    <context>
        <name>AttachmentList</name>
        <message>
            <location filename="../../ui/attachments.py" line="+29" />
            <source>Pièces jointes</source>
            <translation>Attachments</translation>
        </message>
    </context>
    <context>
        <name>AuditView</name>
        <message>
            <location filename="../../ui/audit_view.py" line="+59" />
            <source>Connexion</source>
            <extracomment>Most recent events shown (the export holds them all).</extracomment>
            <translation>Sign-in</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connexion refusée</source>
            <translation>Sign-in refused</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Carte retirée</source>
            <translation>Card removed</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Envoi</source>
            <translation>Sending</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Envoi échoué</source>
            <translation>Sending failed</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Destinataire refusé</source>
            <translation>Recipient refused</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Accusé demandé</source>
            <translation>Receipt requested</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Accusé envoyé</source>
            <translation>Receipt sent</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Accusé reçu</source>
            <translation>Receipt received</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Session passerelle</source>
            <translation>Bridge session</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Passerelle : accès refusé</source>
            <translation>Bridge: access refused</translation>
        </message>
        <message>
            <location line="+37" />
            <source>Journal de sécurité</source>
            <translation>Security log</translation>
        </message>
        <message>
            <location line="+2" />
            <source>N°</source>
            <translation>No.</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Date</source>
            <translation>Date</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Événement</source>
            <translation>Event</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Détails</source>
            <translation>Details</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Actualiser</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Exporter…</source>
            <translation>Export…</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Vérification du journal…</source>
            <translation>Checking the log…</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Attention : le journal a été modifié ou endommagé (ligne {line}). Conservez le fichier et prévenez votre responsable sécurité.</source>
            <translation>Warning: the log was modified or damaged (line {line}). Keep the file and tell your security officer.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Journal intact : {count} événements, dernière empreinte {digest}.</source>
            <translation>Log intact: {count} events, last digest {digest}.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Journal illisible : {error}</source>
            <translation>Log unreadable: {error}</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Exporter le journal</source>
            <translation>Export the log</translation>
        </message>
        <message>
            <location line="+1" />
            <source>JSON Lines (*.jsonl);;CSV (*.csv)</source>
            <translation>JSON Lines (*.jsonl);;CSV (*.csv)</translation>
        </message>
        <message>
            <source>Code PIN incorrect</source>
            <translation>Wrong PIN</translation>
        </message>
        <message>
            <source>Carte bloquée</source>
            <translation>Card locked</translation>
        </message>
        <message>
            <source>Connexion annulée</source>
            <translation>Sign-in cancelled</translation>
        </message>
        <message>
            <source>Adresse</source>
            <translation>Address</translation>
        </message>
        <message>
            <source>Méthode</source>
            <translation>Method</translation>
        </message>
        <message>
            <source>Motif</source>
            <translation>Reason</translation>
        </message>
        <message>
            <source>Règle</source>
            <translation>Rule</translation>
        </message>
        <message>
            <source>Message</source>
            <translation>Message</translation>
        </message>
        <message>
            <source>Destinataires</source>
            <translation>Recipients</translation>
        </message>
        <message>
            <source>État</source>
            <translation>State</translation>
        </message>
        <message>
            <source>Service</source>
            <translation>Service</translation>
        </message>
        <message>
            <source>Où</source>
            <translation>Where</translation>
        </message>
        <message>
            <source>Essais restants</source>
            <translation>Tries left</translation>
        </message>
        <message>
            <source>Refusés par le serveur</source>
            <translation>Refused by the server</translation>
        </message>
        <message>
            <source>Tentatives</source>
            <translation>Attempts</translation>
        </message>
        <message>
            <source>Provenance</source>
            <translation>From</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>Kind</translation>
        </message>
        <message>
            <source>application de bureau</source>
            <translation>desktop app</translation>
        </message>
        <message>
            <source>ligne de commande</source>
            <translation>command line</translation>
        </message>
        <message>
            <source>accusé de lecture</source>
            <translation>read receipt</translation>
        </message>
        <message>
            <source>avis de non-remise</source>
            <translation>delivery failure notice</translation>
        </message>
        <message>
            <source>domaine hors de la liste blanche</source>
            <translation>domain not on the liste blanche</translation>
        </message>
        <message>
            <source>aucune liste blanche disponible</source>
            <translation>no liste blanche available</translation>
        </message>
        <message>
            <source>adresse invalide</source>
            <translation>invalid address</translation>
        </message>
        <message>
            <source>aucun destinataire</source>
            <translation>no recipient</translation>
        </message>
        <message>
            <source>connexion venue d'un autre ordinateur</source>
            <translation>connection from another computer</translation>
        </message>
        <message>
            <source>passerelle</source>
            <translation>bridge</translation>
        </message>
        <message>
            <source>relève du courrier (IMAP)</source>
            <translation>mail fetching (IMAP)</translation>
        </message>
        <message>
            <source>envoi du courrier (SMTP)</source>
            <translation>mail sending (SMTP)</translation>
        </message>
        <message>
            <source>échec définitif</source>
            <translation>final failure</translation>
        </message>
        <message>
            <source>en attente d'un nouvel essai</source>
            <translation>waiting for a new attempt</translation>
        </message>
        <message>
            <source>code PIN incorrect</source>
            <translation>wrong PIN</translation>
        </message>
        <message>
            <source>carte bloquée</source>
            <translation>card locked</translation>
        </message>
        <message>
            <source>saisie du code PIN annulée</source>
            <translation>PIN entry cancelled</translation>
        </message>
        <message>
            <source>carte retirée</source>
            <translation>card removed</translation>
        </message>
        <message>
            <source>aucune carte insérée</source>
            <translation>no card inserted</translation>
        </message>
        <message>
            <source>Cryptolib CPS introuvable</source>
            <translation>Cryptolib CPS not found</translation>
        </message>
        <message>
            <source>connexion refusée par l'opérateur</source>
            <translation>sign-in refused by the operator</translation>
        </message>
        <message>
            <source>opérateur injoignable</source>
            <translation>operator unreachable</translation>
        </message>
        <message>
            <source>Pro Santé Connect injoignable</source>
            <translation>Pro Santé Connect unreachable</translation>
        </message>
        <message>
            <source>certificat de la carte refusé par le serveur</source>
            <translation>the card's certificate refused by the server</translation>
        </message>
        <message>
            <source>certificat du serveur non reconnu</source>
            <translation>server certificate not recognised</translation>
        </message>
        <message>
            <source>session terminée</source>
            <translation>session ended</translation>
        </message>
        <message>
            <source>erreur technique</source>
            <translation>technical error</translation>
        </message>
        <message>
            <source>Passerelle : mot de passe refusé</source>
            <translation>Bridge: password refused</translation>
        </message>
        <message>
            <source>{count} événements ne sont pas scellés par la clé du trousseau (version précédente ou trousseau indisponible) : ils ne peuvent pas être prouvés intacts.</source>
            <translation>{count} events are not sealed with the keyring's key (earlier version, or keyring unavailable): they cannot be proven intact.</translation>
        </message>
        <message>
            <source>Journal vérifié en partie : {count} événements, dernière empreinte {digest}.</source>
            <translation>Log partly checked: {count} events, last digest {digest}.</translation>
        </message>
        <message>
            <source>{count} événements sont scellés par une autre clé (un autre profil, ou le trousseau) que celle de ce poste : ils n'ont PAS été vérifiés.</source>
            <translation>{count} events are sealed with another key (another profile, or the keyring) than this computer's: they were NOT checked.</translation>
        </message>
        <message>
            <source>Code PIN refusé</source>
            <translation>PIN refused</translation>
        </message>
        <message>
            <source>Journal : anciens fichiers supprimés</source>
            <translation>Trail: old files removed</translation>
        </message>
    </context>
    <context>
        <name>BridgePanel</name>
        <message>
            <location filename="../../ui/bridge_panel.py" line="+55" />
            <source>connecté avec la carte CPS</source>
            <translation>signed in with the CPS card</translation>
        </message>
        <message>
            <location line="+1" />
            <source>en attente du premier logiciel de messagerie (le code PIN sera demandé alors)</source>
            <translation>waiting for the first mail client (the PIN is asked then)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>carte retirée : insérez votre carte CPS</source>
            <translation>card removed: insert your CPS card</translation>
        </message>
        <message>
            <location line="+2" />
            <source>code PIN non saisi : retirez puis réinsérez la carte pour réessayer</source>
            <translation>PIN not given: remove and insert the card to try again</translation>
        </message>
        <message>
            <location line="+3" />
            <source>échec de la connexion à l'opérateur</source>
            <translation>sign-in to the operator failed</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Nom d'utilisateur : {user}</source>
            <translation>User name: {user}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Serveur entrant (IMAP) : {host} port {port}, STARTTLS, mot de passe normal</source>
            <translation>Incoming (IMAP): {host} port {port}, STARTTLS, normal password</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Serveur sortant (SMTP) : {host} port {port}, STARTTLS, mot de passe normal</source>
            <translation>Outgoing (SMTP): {host} port {port}, STARTTLS, normal password</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Certificat : {path}</source>
            <translation>Certificate: {path}</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Mot de passe : {password}</source>
            <translation>Password: {password}</translation>
        </message>
        <message>
            <location line="+63" />
            <source>Pont local pour Thunderbird et Outlook</source>
            <extracomment>The bridge started (True) or stopped (False).</extracomment>
            <translation>Local bridge for Thunderbird and Outlook</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+68" />
            <source>Arrêté</source>
            <translation>Stopped</translation>
        </message>
        <message>
            <location line="-64" />
            <source>Copier les paramètres</source>
            <translation>Copy settings</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Afficher le mot de passe</source>
            <translation>Show password</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Exporter le certificat…</source>
            <translation>Export certificate…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Configurer Thunderbird</source>
            <translation>Set up Thunderbird</translation>
        </message>
        <message>
            <location line="+35" />
            <source>Le pont n'a pas démarré : {0}</source>
            <translation>The bridge did not start: {0}</translation>
        </message>
        <message>
            <location line="+29" />
            <source>À l'écoute sur {host} (IMAP {imap}, SMTP {smtp}) ; {clients} connexion(s) de logiciel de messagerie ; carte : {card}</source>
            <translation>Listening on {host} (IMAP {imap}, SMTP {smtp}); {clients} mail client connection(s); card: {card}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Dernière erreur : </source>
            <translation>Last error: </translation>
        </message>
        <message>
            <source>une erreur technique (détails dans le journal de l'application).</source>
            <translation>a technical error (details in the application's log).</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Exporter le certificat du pont</source>
            <translation>Export the bridge certificate</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Certificat enregistré dans </source>
            <translation>Certificate written to </translation>
        </message>
        <message>
            <location line="+4" />
            <source>Configuration de Thunderbird…</source>
            <translation>Setting up Thunderbird…</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Thunderbird est configuré dans le profil %1 : redémarrez-le, le compte MSSanté passe par le pont.</source>
            <translation>Thunderbird is set up in profile %1: restart it; the MSSanté account goes through the bridge.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Échec de la configuration de Thunderbird : </source>
            <translation>Thunderbird setup failed: </translation>
        </message>
        <message numerus="yes">
            <source>À l'écoute sur {host} (IMAP {imap}, SMTP {smtp}) ; %n connexion(s) de logiciel de messagerie ; carte : {card}</source>
            <translation>
                <numerusform>Listening on {host} (IMAP {imap}, SMTP {smtp}); %n mail client connection; card: {card}</numerusform>
                <numerusform>Listening on {host} (IMAP {imap}, SMTP {smtp}); %n mail client connections; card: {card}</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>CardChoiceDialog</name>
        <message>
            <source>Choix de la carte CPS</source>
            <translation>Choose the CPS card</translation>
        </message>
        <message>
            <source>Plusieurs cartes CPS sont insérées. Choisissez celle avec laquelle vous vous connectez : seul son retrait verrouillera la session.</source>
            <translation>Several CPS cards are inserted. Choose the one you sign in with: only its removal will lock the session.</translation>
        </message>
        <message>
            <source>Cartes CPS insérées</source>
            <translation>Inserted CPS cards</translation>
        </message>
        <message>
            <source>Utiliser cette carte</source>
            <translation>Use this card</translation>
        </message>
        <message>
            <source>Annuler</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>Titulaire inconnu</source>
            <translation>Holder unknown</translation>
        </message>
        <message>
            <source>lecteur %1</source>
            <translation>reader %1</translation>
        </message>
        <message>
            <source>emplacement %1</source>
            <translation>slot %1</translation>
        </message>
    </context>
    <context>
        <name>ComposeWindow</name>
        <message>
            <location filename="../../ui/compose.py" line="+67" />
            <source>Nouveau message</source>
            <translation>New message</translation>
        </message>
        <message>
            <location line="+13" />
            <source>Destinataires</source>
            <translation>Recipients</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Copie</source>
            <translation>Copy</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Objet</source>
            <translation>Subject</translation>
        </message>
        <message>
            <location line="+1" />
            <source>À :</source>
            <translation>To:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cc :</source>
            <translation>Cc:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Objet :</source>
            <translation>Subject:</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Texte du message</source>
            <translation>Message text</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Joindre un fichier…</source>
            <translation>Attach a file…</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Joindre un document structuré…</source>
            <translation>Attach a structured document…</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Demander un accusé de lecture</source>
            <translation>Request a read receipt</translation>
        </message>
        <message>
            <location line="+6" />
            <location line="+13" />
            <source>Envoyer</source>
            <translation>Send</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Fermer</source>
            <translation>Close</translation>
        </message>
        <message>
            <location line="+59" />
            <source>Brouillon enregistré.</source>
            <translation>Draft saved.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Joindre des fichiers</source>
            <translation>Attach files</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Document structuré joint : %1</source>
            <translation>Structured document attached: %1</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Ajoutez au moins un destinataire.</source>
            <translation>Add at least one recipient.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>domaine absent de la liste blanche MSSanté</source>
            <translation>domain not on the MSSanté whitelist</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Envoi refusé : %1 est hors de l'espace de confiance MSSanté (%2).</source>
            <translation>Sending refused: %1 is outside the MSSanté trust space (%2).</translation>
        </message>
        <message>
            <location line="+3" />
            <source>« %1 » n'est pas une adresse valide.</source>
            <translation>“%1” is not a valid address.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Session verrouillée : réinsérez votre carte CPS pour envoyer. Le brouillon est conservé.</source>
            <translation>Session locked: insert your CPS card again to send. The draft is kept.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Envoi en cours…</source>
            <translation>Sending…</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Message envoyé.</source>
            <translation>Message sent.</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Abandonner le message</source>
            <translation>Discard message</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Supprimer ce brouillon ?</source>
            <translation>Delete this draft?</translation>
        </message>
        <message>
            <source>Pièces jointes transférées</source>
            <translation>Forwarded attachments</translation>
        </message>
        <message>
            <source>Retirer la pièce jointe</source>
            <translation>Remove the attachment</translation>
        </message>
        <message>
            <source>Abandonner</source>
            <translation>Discard</translation>
        </message>
        <message>
            <source>Fermer sans envoyer et supprimer le brouillon</source>
            <translation>Close without sending and delete the draft</translation>
        </message>
        <message>
            <source>Message transféré (pièce jointe)</source>
            <translation>Forwarded message (attachment)</translation>
        </message>
    </context>
    <context>
        <name>DirectoryWindow</name>
        <message>
            <location filename="../../ui/directory_window.py" line="+50" />
            <source>Annuaire santé MSSanté</source>
            <translation>MSSanté health directory</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Nom, spécialité, ville…</source>
            <translation>Name, specialty, city…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Recherche dans l'annuaire</source>
            <translation>Directory search</translation>
        </message>
        <message>
            <location line="+6" />
            <location line="+23" />
            <location line="+115" />
            <source>Profession</source>
            <translation>Profession</translation>
        </message>
        <message>
            <location line="-137" />
            <source>Filtre profession</source>
            <translation>Profession filter</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+136" />
            <source>Spécialité</source>
            <translation>Specialty</translation>
        </message>
        <message>
            <location line="-135" />
            <source>Filtre spécialité</source>
            <translation>Specialty filter</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+136" />
            <source>Type de boîte</source>
            <translation>Mailbox type</translation>
        </message>
        <message>
            <location line="-135" />
            <source>Tous types</source>
            <translation>All types</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Personnelle</source>
            <translation>Personal</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Organisationnelle</source>
            <translation>Organisational</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Applicative</source>
            <translation>Applicative</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cabinet</source>
            <translation>Practice</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Code postal</source>
            <translation>Postal code</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Filtre code postal</source>
            <translation>Postal code filter</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Résultats</source>
            <translation>Results</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Nom</source>
            <translation>Name</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+116" />
            <source>Organisation</source>
            <translation>Organisation</translation>
        </message>
        <message>
            <location line="-116" />
            <location line="+117" />
            <source>Ville</source>
            <translation>City</translation>
        </message>
        <message>
            <location line="-116" />
            <source>Adresse MSSanté</source>
            <translation>MSSanté address</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Écrire à…</source>
            <translation>Write to…</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Importer l'extraction…</source>
            <translation>Import the extraction…</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Progression de l'import</source>
            <translation>Import progress</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Annuler</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <location line="+26" />
            <source>L'annuaire n'est pas disponible.</source>
            <translation>The directory is not available.</translation>
        </message>
        <message numerus="yes">
            <location line="+38" />
            <source>%n résultat(s)</source>
            <translation>
                <numerusform>%n result</numerusform>
                <numerusform>%n results</numerusform>
            </translation>
        </message>
        <message>
            <location line="+19" />
            <source>Identifiant national</source>
            <translation>National ID</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Adresse</source>
            <translation>Address</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Extraction de l'annuaire MSSanté</source>
            <translation>MSSanté directory extraction</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Extractions (*.zip *.txt);;Tous les fichiers (*)</source>
            <translation>Extractions (*.zip *.txt);;All files (*)</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Import de %1…</source>
            <translation>Importing %1…</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Annulation…</source>
            <translation>Cancelling…</translation>
        </message>
        <message>
            <location line="+6" />
            <source>%1 lignes</source>
            <translation>%1 rows</translation>
        </message>
        <message numerus="yes">
            <location line="+4" />
            <source>%n fiche(s) importée(s).</source>
            <translation>
                <numerusform>%n record imported.</numerusform>
                <numerusform>%n records imported.</numerusform>
            </translation>
        </message>
        <message>
            <location line="+6" />
            <source>Import annulé : l'annuaire précédent est conservé.</source>
            <translation>Import cancelled: the previous directory is kept.</translation>
        </message>
        <message>
            <source>&lt;b&gt;L'annuaire n'est pas encore importé.&lt;/b&gt;&lt;br&gt;La recherche et l'autocomplétion des destinataires en ont besoin. Téléchargez le fichier « Extraction_Correspondance_MSSante » sur annuaire.sante.fr, puis cliquez sur « Importer l'extraction… » ci-dessous. Vous pouvez aussi le télécharger avec « Mettre à jour depuis l'ANS » dans les paramètres.</source>
            <translation>&lt;b&gt;The directory is not imported yet.&lt;/b&gt;&lt;br&gt;Search and recipient autocomplete need it. Download the file "Extraction_Correspondance_MSSante" from annuaire.sante.fr, then click "Import the extraction…" below. You can also download it with "Update from ANS" in the settings.</translation>
        </message>
        <message>
            <source>Aucune fiche ne correspond. Vérifiez l'orthographe, tapez moins de lettres ou retirez un filtre.</source>
            <translation>No entry matches. Check the spelling, type fewer letters or remove a filter.</translation>
        </message>
    </context>
    <context>
        <name>FirstRunAssistant</name>
        <message>
            <location filename="../../ui/first_run.py" line="+195" />
            <source>Bienvenue dans Compagnon MSSanté</source>
            <translation>Welcome to Compagnon MSSanté</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Suivant</source>
            <translation>Next</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Précédent</source>
            <translation>Back</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Terminer</source>
            <translation>Finish</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Annuler</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>carte CPS et code PIN (certificat de la carte)</source>
            <translation>CPS card and PIN (the card's certificate)</translation>
        </message>
        <message>
            <source>Pro Santé Connect (carte CPS ou e-CPS)</source>
            <translation>Pro Santé Connect (CPS card or e-CPS)</translation>
        </message>
        <message>
            <source>Pro Santé Connect avec l'application e-CPS</source>
            <translation>Pro Santé Connect with the e-CPS app</translation>
        </message>
        <message>
            <source>certificat logiciel de l'établissement</source>
            <translation>the organisation's software certificate</translation>
        </message>
    </context>
    <context>
        <name>FirstWindow</name>
        <message>
            <location filename="../../ui/app.py" line="+47" />
            <source>Insérez votre carte CPS pour ouvrir votre messagerie.</source>
            <translation>Insert your CPS card to open your mailbox.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Invitation à insérer la carte CPS</source>
            <translation>Prompt to insert the CPS card</translation>
        </message>
    </context>
    <context>
        <name>FolderTree</name>
        <message>
            <location filename="../../ui/folder_tree.py" line="+25" />
            <source>Boîte de réception</source>
            <translation>Inbox</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Envoyés</source>
            <translation>Sent</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Brouillons</source>
            <translation>Drafts</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Corbeille</source>
            <translation>Trash</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Indésirables</source>
            <translation>Junk</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Dossiers</source>
            <translation>Folders</translation>
        </message>
        <message numerus="yes">
            <location line="+46" />
            <source>%1, %n non lu(s)</source>
            <translation>
                <numerusform>%1, %n unread</numerusform>
                <numerusform>%1, %n unread</numerusform>
            </translation>
        </message>
        <message>
            <source>Archives</source>
            <translation>Archives</translation>
        </message>
    </context>
    <context>
        <name>LockScreen</name>
        <message>
            <source>Carte CPS inutilisable</source>
            <translation>CPS card unusable</translation>
        </message>
        <message>
            <source>Vous pouvez aussi vous connecter avec e-CPS.</source>
            <translation>You can also sign in with e-CPS.</translation>
        </message>
        <message>
            <location filename="../../ui/lock_screen.py" line="+32" />
            <source>Écran de verrouillage</source>
            <translation>Lock screen</translation>
        </message>
        <message>
            <location line="+20" />
            <source>Se connecter</source>
            <translation>Sign in</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Paramètres…</source>
            <translation>Settings…</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Insérez votre carte CPS</source>
            <translation>Insert your CPS card</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Insérez votre carte CPS pour ouvrir votre messagerie.</source>
            <translation>Insert your CPS card to open your mailbox.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Connexion à la messagerie…</source>
            <translation>Signing in to your mailbox…</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Session verrouillée</source>
            <translation>Session locked</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Réinsérez votre carte CPS et saisissez votre code PIN pour reprendre là où vous en étiez.</source>
            <translation>Insert your CPS card again and enter your PIN to resume where you were.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Connexion impossible</source>
            <translation>Cannot sign in</translation>
        </message>
        <message>
            <source>Compagnon MSSanté</source>
            <translation>Compagnon MSSanté</translation>
        </message>
        <message>
            <source>Messagerie sécurisée de santé</source>
            <translation>Secure health mail</translation>
        </message>
        <message>
            <source>Déverrouiller</source>
            <translation>Unlock</translation>
        </message>
        <message>
            <source>Carte CPS</source>
            <translation>CPS card</translation>
        </message>
        <message>
            <source>e-CPS</source>
            <translation>e-CPS</translation>
        </message>
        <message>
            <source>Identifiant national :</source>
            <translation>National identifier:</translation>
        </message>
        <message>
            <source>8 + n° RPPS ou 0 + n° ADELI</source>
            <translation>8 + RPPS number or 0 + ADELI number</translation>
        </message>
        <message>
            <source>Identifiant national</source>
            <translation>National identifier</translation>
        </message>
        <message>
            <source>Se connecter avec e-CPS</source>
            <translation>Sign in with e-CPS</translation>
        </message>
        <message>
            <source>Connexion avec e-CPS</source>
            <translation>Signing in with e-CPS</translation>
        </message>
        <message>
            <source>Saisissez votre identifiant national puis validez la demande dans l'application e-CPS de votre téléphone.</source>
            <translation>Type your national identifier, then approve the request in the e-CPS app of your phone.</translation>
        </message>
        <message>
            <source>Insérez votre carte CPS pour ouvrir votre messagerie, ou choisissez e-CPS.</source>
            <translation>Insert your CPS card to open your mailbox, or choose e-CPS.</translation>
        </message>
        <message>
            <source>Cliquez sur Déverrouiller pour reprendre. Une nouvelle validation e-CPS ne sera demandée que si votre session Pro Santé Connect a pris fin.</source>
            <translation>Click Unlock to resume. A new e-CPS approval is asked only if your Pro Santé Connect session has ended.</translation>
        </message>
    </context>
    <context>
        <name>MailView</name>
        <message>
            <location filename="../../ui/mail_view.py" line="+69" />
            <source>Rechercher dans le dossier (Ctrl+F)</source>
            <translation>Search this folder (Ctrl+F)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Recherche</source>
            <translation>Search</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Liste des messages</source>
            <translation>Message list</translation>
        </message>
        <message>
            <location line="+72" />
            <source>Chargement des dossiers…</source>
            <translation>Loading folders…</translation>
        </message>
        <message>
            <location line="+25" />
            <source>Synchronisation de %1…</source>
            <translation>Synchronising %1…</translation>
        </message>
        <message>
            <location line="+51" />
            <source>Ouverture du message…</source>
            <translation>Opening the message…</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Ouverture du brouillon…</source>
            <translation>Opening the draft…</translation>
        </message>
        <message>
            <location line="+31" />
            <source>Enregistrer la pièce jointe</source>
            <translation>Save the attachment</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Enregistré : %1</source>
            <translation>Saved: %1</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Enregistrement…</source>
            <translation>Saving…</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Ouverture de la pièce jointe…</source>
            <translation>Opening the attachment…</translation>
        </message>
        <message>
            <source>Synchronisation de « %1 »…</source>
            <translation>Synchronising “%1”…</translation>
        </message>
        <message>
            <source>Synchronisation de « %1 » : %2 / %3</source>
            <translation>Synchronising “%1”: %2 / %3</translation>
        </message>
        <message>
            <source>Recherche dans tous les dossiers…</source>
            <translation>Searching every folder…</translation>
        </message>
        <message>
            <source>Accusé de lecture envoyé.</source>
            <translation>Read receipt sent.</translation>
        </message>
        <message>
            <source>Demande d'accusé de lecture ignorée.</source>
            <translation>Read receipt request ignored.</translation>
        </message>
        <message>
            <source>Envoi de l'accusé de lecture…</source>
            <translation>Sending the read receipt…</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Écrire</source>
            <translation>Write</translation>
        </message>
        <message>
            <location filename="../../ui/main_window.py" line="+64" />
            <source>Boîte d'envoi</source>
            <translation>Outbox</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Progression</source>
            <translation>Progress</translation>
        </message>
        <message>
            <location line="+36" />
            <source>&amp;Nouveau message</source>
            <translation>&amp;New message</translation>
        </message>
        <message>
            <location line="+3" />
            <source>&amp;Répondre</source>
            <translation>&amp;Reply</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;Actualiser</source>
            <translation>Re&amp;fresh</translation>
        </message>
        <message>
            <location line="+2" />
            <source>&amp;Rechercher</source>
            <translation>&amp;Search</translation>
        </message>
        <message>
            <location line="+2" />
            <source>&amp;Annuaire santé</source>
            <translation>Health &amp;directory</translation>
        </message>
        <message>
            <location line="+2" />
            <source>&amp;Paramètres</source>
            <translation>Se&amp;ttings</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Pont &amp;Thunderbird</source>
            <translation>&amp;Thunderbird bridge</translation>
        </message>
        <message>
            <location line="+2" />
            <source>&amp;Journal de sécurité</source>
            <translation>&amp;Security log</translation>
        </message>
        <message>
            <location line="+3" />
            <source>&amp;Boîte d'envoi</source>
            <translation>&amp;Outbox</translation>
        </message>
        <message>
            <location line="+2" />
            <source>&amp;Verrouiller</source>
            <translation>&amp;Lock</translation>
        </message>
        <message>
            <location line="+2" />
            <source>&amp;Quitter</source>
            <translation>&amp;Quit</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Aller aux dossiers</source>
            <translation>Go to folders</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Aller à la liste</source>
            <translation>Go to message list</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Aller au message</source>
            <translation>Go to message</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Fichier</source>
            <translation>&amp;File</translation>
        </message>
        <message>
            <location line="+5" />
            <source>&amp;Message</source>
            <translation>&amp;Message</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Affichage</source>
            <translation>&amp;View</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Outils</source>
            <translation>&amp;Tools</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Barre d'outils</source>
            <translation>Toolbar</translation>
        </message>
        <message numerus="yes">
            <location line="+19" />
            <source>%1 : %n message(s)</source>
            <translation>
                <numerusform>%1: %n message</numerusform>
                <numerusform>%1: %n messages</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location line="+63" />
            <source>%n brouillon(s) enregistré(s) dans Brouillons.</source>
            <translation>
                <numerusform>%n draft saved in Drafts.</numerusform>
                <numerusform>%n drafts saved in Drafts.</numerusform>
            </translation>
        </message>
        <message>
            <location line="+61" />
            <source>Message envoyé.</source>
            <translation>Message sent.</translation>
        </message>
    </context>
    <context>
        <name>MessageTableModel</name>
        <message>
            <location filename="../../ui/message_model.py" line="+62" />
            <source>Expéditeur</source>
            <translation>From</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Objet</source>
            <translation>Subject</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Date</source>
            <translation>Date</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Taille</source>
            <translation>Size</translation>
        </message>
        <message>
            <location line="+7" />
            <source>%1 o</source>
            <translation>%1 B</translation>
        </message>
        <message>
            <location line="+3" />
            <source>%1 Ko</source>
            <translation>%1 KB</translation>
        </message>
        <message>
            <location line="+1" />
            <source>%1 Mo</source>
            <translation>%1 MB</translation>
        </message>
        <message>
            <location line="+124" />
            <source>État</source>
            <translation>Status</translation>
        </message>
        <message>
            <location line="+67" />
            <source>non lu</source>
            <translation>unread</translation>
        </message>
        <message>
            <location line="+2" />
            <source>suivi</source>
            <translation>flagged</translation>
        </message>
        <message>
            <location line="+2" />
            <source>pièce jointe</source>
            <translation>attachment</translation>
        </message>
        <message>
            <location line="+2" />
            <source>document structuré</source>
            <translation>structured document</translation>
        </message>
        <message>
            <location line="+3" />
            <source>accusé de lecture reçu</source>
            <translation>read receipt received</translation>
        </message>
        <message>
            <location line="+3" />
            <source>accusé de lecture demandé</source>
            <translation>read receipt requested</translation>
        </message>
        <message>
            <source>Destinataire</source>
            <translation>Recipient</translation>
        </message>
    </context>
    <context>
        <name>OutboxView</name>
        <message>
            <location filename="../../ui/outbox_view.py" line="+30" />
            <source>En attente</source>
            <translation>Queued</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Envoi en cours</source>
            <translation>Sending</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Envoyé</source>
            <translation>Sent</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Échec</source>
            <translation>Failed</translation>
        </message>
        <message>
            <location line="+16" />
            <source>Boîte d'envoi</source>
            <translation>Outbox</translation>
        </message>
        <message>
            <location line="+2" />
            <source>État</source>
            <translation>Status</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Objet</source>
            <translation>Subject</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Destinataires</source>
            <translation>Recipients</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Motif</source>
            <translation>Reason</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Renvoyer</source>
            <translation>Retry</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Actualiser</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <location line="+18" />
            <source>%1 en attente, %2 en échec</source>
            <translation>%1 waiting, %2 failed</translation>
        </message>
        <message>
            <source>Pas encore envoyé : la connexion d&apos;envoi n&apos;a pas pu s&apos;ouvrir (carte, réseau). Nouvel essai automatique.</source>
            <translation>Not sent yet: the sending connection could not open (card, network). It will be retried automatically.</translation>
        </message>
        <message>
            <source>Serveur d&apos;envoi injoignable. Nouvel essai automatique.</source>
            <translation>Sending server unreachable. It will be retried automatically.</translation>
        </message>
        <message>
            <source>Connexion au serveur d&apos;envoi perdue. Nouvel essai automatique.</source>
            <translation>Connection to the sending server lost. It will be retried automatically.</translation>
        </message>
        <message>
            <source>En cours d&apos;envoi par une autre fenêtre de l&apos;application.</source>
            <translation>Being sent by another window of the application.</translation>
        </message>
        <message>
            <source>Message trop volumineux pour le serveur d&apos;envoi : retirez ou réduisez des pièces jointes.</source>
            <translation>Message too large for the sending server: remove or shrink attachments.</translation>
        </message>
        <message>
            <source>Envoyé, mais la copie dans Envoyés a échoué.</source>
            <translation>Sent, but the copy in Sent failed.</translation>
        </message>
        <message>
            <source>Destinataires refusés par le serveur : %1</source>
            <translation>Recipients refused by the server: %1</translation>
        </message>
        <message>
            <source>Refusé par le serveur : %1</source>
            <translation>Refused by the server: %1</translation>
        </message>
        <message>
            <source>Échec de l&apos;envoi (détail : mssante-companion mail outbox).</source>
            <translation>Sending failed (details: mssante-companion mail outbox).</translation>
        </message>
    </context>
    <context>
        <name>PinDialog</name>
        <message>
            <location filename="../../ui/pin_dialog.py" line="+90" />
            <source>Code PIN de la carte CPS</source>
            <translation>CPS card PIN</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Carte CPS</source>
            <translation>CPS card</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Code PIN</source>
            <translation>PIN</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Code PIN (4 chiffres)</source>
            <translation>PIN (4 digits)</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Valider</source>
            <translation>OK</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Annuler</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Votre carte CPS est bloquée après trois codes PIN erronés. Débloquez-la avec le code PUK (outil de gestion de la Cryptolib CPS) ou demandez une nouvelle carte à l'ANS.</source>
            <translation>Your CPS card is blocked after three wrong PINs. Unblock it with the PUK code (Cryptolib CPS management tool) or ask the ANS for a new card.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Le code PIN doit comporter 4 chiffres. Aucun essai n'a été décompté.</source>
            <translation>The PIN must have 4 digits. No try was used.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Code PIN incorrect.</source>
            <translation>Wrong PIN.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Attention : dernier essai. Un code erroné bloquera votre carte CPS.</source>
            <translation>Careful: last try. A wrong PIN will block your CPS card.</translation>
        </message>
        <message numerus="yes">
            <location line="+4" />
            <source>Il reste %n essai(s).</source>
            <translation>
                <numerusform>%n try left.</numerusform>
                <numerusform>%n tries left.</numerusform>
            </translation>
        </message>
        <message>
            <location line="+2" />
            <source>Saisissez le code PIN de votre carte CPS.</source>
            <translation>Enter the PIN of your CPS card.</translation>
        </message>
    </context>
    <context>
        <name>ReadingPane</name>
        <message>
            <location filename="../../ui/reading_pane.py" line="+91" />
            <source>En-tête du message</source>
            <translation>Message header</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Afficher le contenu distant</source>
            <translation>Show remote content</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Le contenu distant (images, suivi) de ce message a été bloqué pour protéger votre confidentialité.</source>
            <translation>Remote content (images, tracking) in this message was blocked to protect your privacy.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Corps du message</source>
            <translation>Message body</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Pièces jointes</source>
            <translation>Attachments</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Ouvrir</source>
            <translation>Open</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Enregistrer…</source>
            <translation>Save…</translation>
        </message>
        <message>
            <location line="+27" />
            <source>De</source>
            <translation>From</translation>
        </message>
        <message>
            <location line="+0" />
            <source>À</source>
            <translation>To</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cc</source>
            <translation>Cc</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Date</source>
            <translation>Date</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Document structuré pour %1</source>
            <translation>Structured document for %1</translation>
        </message>
        <message>
            <location line="+51" />
            <source>%1 o</source>
            <translation>%1 B</translation>
        </message>
        <message>
            <location line="+3" />
            <source>%1 Ko</source>
            <translation>%1 KB</translation>
        </message>
        <message>
            <location line="+1" />
            <source>%1 Mo</source>
            <translation>%1 MB</translation>
        </message>
        <message>
            <source>Afficher le document</source>
            <translation>Show the document</translation>
        </message>
        <message>
            <source>%1 : %2</source>
            <translation>%1: %2</translation>
        </message>
    </context>
    <context>
        <name>RecipientField</name>
        <message>
            <location filename="../../ui/recipients.py" line="+76" />
            <source>Nom, spécialité, ville ou adresse MSSanté</source>
            <translation>Name, specialty, city or MSSanté address</translation>
        </message>
        <message>
            <location line="+104" />
            <source>domaine absent de la liste blanche MSSanté</source>
            <translation>domain not on the MSSanté whitelist</translation>
        </message>
        <message>
            <location line="+3" />
            <source>%1 est hors de l'espace de confiance MSSanté : %2</source>
            <translation>%1 is outside the MSSanté trust space: %2</translation>
        </message>
        <message>
            <location line="+6" />
            <source>« %1 » n'est pas une adresse valide.</source>
            <translation>“%1” is not a valid address.</translation>
        </message>
    </context>
    <context>
        <name>SessionController</name>
        <message>
            <location filename="../../ui/session.py" line="+81" />
            <source>Aucun accès à la carte n'est configuré.</source>
            <translation>No card access is configured.</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>Accusés de lecture</source>
            <translation>Read receipts</translation>
        </message>
        <message>
            <source>Accusés de lecture demandés</source>
            <translation>Read receipts requested</translation>
        </message>
        <message>
            <location filename="../../ui/settings_dialog.py" line="+41" />
            <source>Parcourir…</source>
            <translation>Browse…</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Paramètres</source>
            <translation>Settings</translation>
        </message>
        <message>
            <location line="+10" />
            <location line="+1" />
            <source>Profil de l'opérateur</source>
            <translation>Operator profile</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Profil</source>
            <translation>Profile</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+2" />
            <source>Module PKCS#11</source>
            <translation>PKCS#11 module</translation>
        </message>
        <message>
            <location line="-1" />
            <source>Module PKCS#11 (Cryptolib CPS)</source>
            <translation>PKCS#11 module (Cryptolib CPS)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>« auto » : emplacements standards de la Cryptolib CPS.</source>
            <translation>“auto”: the standard Cryptolib CPS locations.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Compte et carte</source>
            <translation>Account and card</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Autorités de confiance ajoutées (en plus de l'IGC-Santé livrée) :</source>
            <translation>Added trust anchors (besides the shipped IGC-Santé):</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Autorités de confiance</source>
            <translation>Trust anchors</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Ajouter…</source>
            <translation>Add…</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Retirer</source>
            <translation>Remove</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Confiance</source>
            <translation>Trust</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Importer la liste blanche…</source>
            <translation>Import the whitelist…</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+56" />
            <source>Liste blanche MSSanté</source>
            <translation>MSSanté whitelist</translation>
        </message>
        <message>
            <location line="-55" />
            <source>Mettre à jour depuis l'ANS</source>
            <translation>Update from the ANS</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Annuaire et liste blanche publiés</source>
            <translation>Published directory and whitelist</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Ouvrir l'annuaire pour l'importer…</source>
            <translation>Open the directory to import it…</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Annuaire national</source>
            <translation>National directory</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Annuaire et liste blanche</source>
            <translation>Directory and whitelist</translation>
        </message>
        <message>
            <location line="+6" />
            <location line="+5" />
            <source>Langue</source>
            <translation>Language</translation>
        </message>
        <message>
            <location line="-4" />
            <source>Langue du système</source>
            <translation>System language</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Contenu distant</source>
            <translation>Remote content</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Toujours bloquer</source>
            <translation>Always block</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bloquer et proposer de l'afficher</source>
            <translation>Block and offer to show it</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Afficher pour les expéditeurs de l'espace de confiance</source>
            <translation>Show for senders in the trust space</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Contenu distant des messages</source>
            <translation>Remote content in messages</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Affichage et confidentialité</source>
            <translation>Display and privacy</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Enregistrer</source>
            <translation>Save</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Annuler</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Autorité de confiance</source>
            <translation>Trust anchor</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Certificats (*.pem *.crt *.cer)</source>
            <translation>Certificates (*.pem *.crt *.cer)</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Import de la liste blanche…</source>
            <translation>Importing the whitelist…</translation>
        </message>
        <message numerus="yes">
            <location line="+3" />
            <source>%n domaine(s) importé(s).</source>
            <translation>
                <numerusform>%n domain imported.</numerusform>
                <numerusform>%n domains imported.</numerusform>
            </translation>
        </message>
        <message>
            <location line="+10" />
            <source>Téléchargement des fichiers publiés…</source>
            <translation>Downloading the published files…</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Liste blanche</source>
            <translation>Whitelist</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Annuaire</source>
            <translation>Directory</translation>
        </message>
        <message>
            <location line="+1" />
            <source>mis à jour</source>
            <translation>updated</translation>
        </message>
        <message>
            <location line="+0" />
            <source>inchangé</source>
            <translation>unchanged</translation>
        </message>
        <message>
            <location line="+1" />
            <source>échec</source>
            <translation>failed</translation>
        </message>
        <message>
            <source>Aucune liste blanche : seuls les patients et les adresses de votre opérateur sont acceptés. Importez la liste ou mettez-la à jour depuis l'ANS.</source>
            <translation>No liste blanche: only patients and your operator's addresses are accepted. Import the list or update it from ANS.</translation>
        </message>
        <message numerus="yes">
            <source>Liste livrée avec l'application : %n domaine(s), publiée le %1.</source>
            <translation>
                <numerusform>List shipped with the application: %n domain, published on %1.</numerusform>
                <numerusform>List shipped with the application: %n domains, published on %1.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Liste importée : %n domaine(s), publiée le %1.</source>
            <translation>
                <numerusform>Imported list: %n domain, published on %1.</numerusform>
                <numerusform>Imported list: %n domains, published on %1.</numerusform>
            </translation>
        </message>
        <message>
            <source>Le fichier importé est illisible : la liste livrée avec l'application le remplace ; importez-la à nouveau.</source>
            <translation>The imported file cannot be read: the list shipped with the application replaces it; import it again.</translation>
        </message>
        <message>
            <source>automatique</source>
            <translation>automatic</translation>
        </message>
        <message>
            <source>Vide : automatique (le module du profil, sinon les emplacements standards de la Cryptolib CPS).</source>
            <translation>Empty: automatic (the profile's module, else the standard locations of the Cryptolib CPS).</translation>
        </message>
        <message>
            <source>Vérification du module PKCS#11…</source>
            <translation>Checking the PKCS#11 module…</translation>
        </message>
        <message>
            <source>Ce module n'est pas enregistré : %1</source>
            <translation>This module was not saved: %1</translation>
        </message>
        <message>
            <source>nouvelle version importée</source>
            <translation>new version imported</translation>
        </message>
        <message>
            <source>déjà à jour</source>
            <translation>already up to date</translation>
        </message>
        <message>
            <source>vérifiée récemment</source>
            <translation>checked recently</translation>
        </message>
        <message>
            <source> min</source>
            <translation> min</translation>
        </message>
        <message>
            <source>Verrouillage e-CPS après inactivité</source>
            <translation>Lock e-CPS sessions after inactivity</translation>
        </message>
    </context>
    <context>
        <name>StructuredDocumentDialog</name>
        <message>
            <location filename="../../ui/structured_dialog.py" line="+53" />
            <source>Joindre un document structuré</source>
            <extracomment>OID -&gt; label (INS: NIR, NIA, test identities).</extracomment>
            <translation>Attach a structured document</translation>
        </message>
        <message>
            <location line="+8" />
            <location line="+66" />
            <source>Aucun document</source>
            <translation>No document</translation>
        </message>
        <message>
            <location line="-65" />
            <source>Choisir…</source>
            <translation>Choose…</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Documents (CDA, PDF)</source>
            <translation>Documents (CDA, PDF)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>INS du patient</source>
            <translation>Patient's INS</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Matricule INS (15 chiffres)</source>
            <translation>INS number (15 digits)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>INS</source>
            <translation>INS</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+5" />
            <source>Type d'INS</source>
            <translation>INS type</translation>
        </message>
        <message>
            <location line="-4" />
            <source>NIR</source>
            <translation>NIR</translation>
        </message>
        <message>
            <location line="+0" />
            <source>NIA</source>
            <translation>NIA</translation>
        </message>
        <message>
            <location line="+1" />
            <source>NIR de test</source>
            <translation>Test NIR</translation>
        </message>
        <message>
            <location line="+0" />
            <source>NIA de test</source>
            <translation>Test NIA</translation>
        </message>
        <message>
            <location line="+10" />
            <location line="+1" />
            <source>Nom de naissance</source>
            <translation>Birth name</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+1" />
            <source>Prénom</source>
            <translation>Given name</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+4" />
            <source>Sexe</source>
            <translation>Sex</translation>
        </message>
        <message>
            <location line="-3" />
            <source>Féminin</source>
            <translation>Female</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Masculin</source>
            <translation>Male</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Inconnu</source>
            <translation>Unknown</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+4" />
            <source>Date de naissance</source>
            <translation>Birth date</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Joindre</source>
            <translation>Attach</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Annuler</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Documents à joindre</source>
            <translation>Documents to attach</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Documents (*.xml *.pdf);;Tous les fichiers (*)</source>
            <translation>Documents (*.xml *.pdf);;All files (*)</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Saisissez l'INS du patient.</source>
            <translation>Enter the patient's INS.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>INS valide.</source>
            <translation>Valid INS.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Les documents structurés ne sont pas disponibles.</source>
            <translation>Structured documents are not available.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Préparation du document structuré…</source>
            <translation>Preparing the structured document…</translation>
        </message>
        <message>
            <source>À indiquer</source>
            <translation>To be given</translation>
        </message>
        <message>
            <source>Indiquez le nom de naissance et le prénom du patient.</source>
            <translation>Give the patient's birth name and first name.</translation>
        </message>
        <message>
            <source>Indiquez le sexe du patient.</source>
            <translation>Give the patient's sex.</translation>
        </message>
        <message>
            <source>Indiquez la date de naissance du patient.</source>
            <translation>Give the patient's birth date.</translation>
        </message>
    </context>
    <context>
        <name>ToolWindows</name>
        <message>
            <location filename="../../ui/tool_windows.py" line="+54" />
            <source>aucune connexion par carte CPS n'est configurée : créez un profil avec l'assistant de configuration (menu Outils, Paramètres).</source>
            <translation>no CPS card sign-in is set up: create a profile with the setup assistant (Tools menu, Settings).</translation>
        </message>
        <message>
            <location line="+105" />
            <source>Pont Thunderbird</source>
            <translation>Thunderbird bridge</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Journal de sécurité</source>
            <translation>Security log</translation>
        </message>
    </context>
    <context>
        <name>Tray</name>
        <message>
            <location filename="../../ui/tray.py" line="+71" />
            <source>Afficher</source>
            <translation>Show</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Nouveau message</source>
            <translation>New message</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Quitter</source>
            <translation>Quit</translation>
        </message>
        <message numerus="yes">
            <location line="+14" />
            <source>%n nouveau(x) message(s)</source>
            <translation>
                <numerusform>%n new message</numerusform>
                <numerusform>%n new messages</numerusform>
            </translation>
        </message>
        <message>
            <location line="+1" />
            <source>Nouveau message reçu</source>
            <translation>New message received</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Compagnon MSSanté</source>
            <translation>Compagnon MSSanté</translation>
        </message>
    </context>
    <context>
        <name>_ChoosePage</name>
        <message>
            <location filename="../../ui/first_run.py" line="-158" />
            <source>Votre messagerie MSSanté</source>
            <translation>Your MSSanté mailbox</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Indiquez votre adresse et votre opérateur de messagerie.</source>
            <translation>Give your address and your mail operator.</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+2" />
            <source>Adresse MSSanté</source>
            <translation>MSSanté address</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Choisir mon opérateur dans la liste</source>
            <translation>Choose my operator from the list</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Détecter à partir de l'adresse (DNS)</source>
            <translation>Detect from the address (DNS)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Utiliser un fichier de profil fourni par mon service informatique</source>
            <translation>Use a profile file from my IT department</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+1" />
            <source>Opérateur</source>
            <translation>Operator</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Fichier de profil</source>
            <translation>Profile file</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Parcourir…</source>
            <translation>Browse…</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Fichier</source>
            <translation>File</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Profil d'opérateur</source>
            <translation>Operator profile</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Profils (*.toml)</source>
            <translation>Profiles (*.toml)</translation>
        </message>
    </context>
    <context>
        <name>_TestPage</name>
        <message>
            <location line="+17" />
            <source>Test de la connexion</source>
            <translation>Connection test</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Tester à nouveau</source>
            <translation>Test again</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Recherche de votre opérateur…</source>
            <translation>Looking for your operator…</translation>
        </message>
        <message>
            <location line="+5" />
            <source>La configuration n'est pas disponible.</source>
            <translation>Setup is not available.</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Adresse</source>
            <translation>Address</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Authentification</source>
            <translation>Authentication</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Connexion aux serveurs de l'opérateur…</source>
            <translation>Connecting to the operator's servers…</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Connexion réussie.</source>
            <translation>Connected.</translation>
        </message>
        <message>
            <source>l'opérateur de %1</source>
            <translation>the operator of %1</translation>
        </message>
        <message>
            <source>Opérateur</source>
            <translation>Operator</translation>
        </message>
        <message>
            <source>Connexion</source>
            <translation>Sign-in</translation>
        </message>
        <message>
            <source>Serveurs</source>
            <translation>Servers</translation>
        </message>
    </context>
    <context>
        <name>live</name>
        <message>
            <source>chiffrement STARTTLS</source>
            <translation>STARTTLS encryption</translation>
        </message>
        <message>
            <source>chiffrement TLS</source>
            <translation>TLS encryption</translation>
        </message>
        <message>
            <location filename="../../ui/live.py" line="+123" />
            <source>liste blanche non importée : importez-la dans les paramètres</source>
            <extracomment>Names under which ``client.auth`` may offer "profile + card + PIN prompt -&gt; opener".</extracomment>
            <translation>whitelist not imported: import it in the settings</translation>
        </message>
        <message>
            <location line="+3" />
            <source>le domaine %1 n'est pas dans la liste blanche MSSanté</source>
            <translation>domain %1 is not on the MSSanté whitelist</translation>
        </message>
        <message>
            <location line="+142" />
            <source>IMAP et SMTP joignables, certificats des serveurs vérifiés.</source>
            <translation>IMAP and SMTP reachable, server certificates checked.</translation>
        </message>
    </context>
    <context>
        <name>wording</name>
        <message>
            <location filename="../../ui/wording.py" line="+27" />
            <source>Code PIN incorrect. Attention : dernier essai avant le blocage de la carte.</source>
            <translation>Wrong PIN. Careful: one try left before the card is blocked.</translation>
        </message>
        <message numerus="yes">
            <location line="+4" />
            <source>Code PIN incorrect. Il reste %n essai(s).</source>
            <translation>
                <numerusform>Wrong PIN. %n try left.</numerusform>
                <numerusform>Wrong PIN. %n tries left.</numerusform>
            </translation>
        </message>
        <message>
            <location line="+2" />
            <source>Code PIN incorrect. Vérifiez-le et réessayez.</source>
            <translation>Wrong PIN. Check it and try again.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>La Cryptolib CPS (module PKCS#11) est introuvable. Installez-la depuis le site de l'ANS ou indiquez son chemin dans les paramètres.</source>
            <translation>The Cryptolib CPS (PKCS#11 module) was not found. Install it from the ANS website or give its path in the settings.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>domaine absent de la liste blanche MSSanté</source>
            <translation>domain not on the MSSanté whitelist</translation>
        </message>
        <message>
            <location line="+2" />
            <source>liste blanche non importée : importez-la dans les paramètres</source>
            <translation>whitelist not imported: import it in the settings</translation>
        </message>
        <message>
            <location line="+2" />
            <source>adresse invalide</source>
            <translation>invalid address</translation>
        </message>
        <message>
            <location line="+1" />
            <source>aucun destinataire</source>
            <translation>no recipient</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Le destinataire %1 est refusé : il n'appartient pas à l'espace de confiance MSSanté. Retirez-le ou choisissez une adresse MSSanté.</source>
            <translation>Recipient %1 is refused: it is outside the MSSanté trust space. Remove it or choose an MSSanté address.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Fichier introuvable : %1</source>
            <translation>File not found: %1</translation>
        </message>
        <message>
            <location line="+26" />
            <source>Votre carte CPS est bloquée. Débloquez-la avec le code PUK ou demandez une nouvelle carte à l'ANS.</source>
            <translation>Your CPS card is blocked. Unblock it with the PUK code or ask the ANS for a new card.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Le code PIN doit comporter 4 chiffres.</source>
            <translation>The PIN must have 4 digits.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Connexion annulée : aucun code PIN saisi.</source>
            <translation>Sign-in cancelled: no PIN was entered.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>La carte CPS a été retirée. Réinsérez-la pour continuer.</source>
            <translation>The CPS card was removed. Insert it again to continue.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Aucune carte CPS n'est insérée. Insérez votre carte dans le lecteur.</source>
            <translation>No CPS card is inserted. Insert your card in the reader.</translation>
        </message>
        <message>
            <source>Plusieurs cartes CPS sont insérées et aucune n'a été choisie. Choisissez la carte avec laquelle vous connecter, ou retirez l'autre carte.</source>
            <translation>Several CPS cards are inserted and none was chosen. Choose the card to sign in with, or remove the other card.</translation>
        </message>
        <message>
            <source>La carte CPS choisie n'est plus insérée. Réinsérez-la, ou choisissez une autre carte.</source>
            <translation>The chosen CPS card is no longer inserted. Insert it again, or choose another card.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Aucun lecteur de carte n'est détecté. Branchez le lecteur et vérifiez le service PC/SC (pcscd).</source>
            <translation>No card reader was detected. Plug in the reader and check the PC/SC service (pcscd).</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Le fichier indiqué n'est pas un module PKCS#11 valide. Vérifiez le chemin de la Cryptolib CPS dans les paramètres.</source>
            <translation>The file given is not a valid PKCS#11 module. Check the Cryptolib CPS path in the settings.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Le certificat de votre carte CPS a expiré. Demandez le renouvellement de votre carte.</source>
            <translation>The certificate of your CPS card has expired. Ask for a renewal of your card.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Le certificat de votre carte n'est pas encore valide. Vérifiez la date et l'heure de l'ordinateur.</source>
            <translation>Your card's certificate is not valid yet. Check the computer's date and time.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Le certificat n'est pas reconnu par l'IGC-Santé. Vérifiez les autorités de confiance dans les paramètres.</source>
            <translation>The certificate is not recognised by IGC-Santé. Check the trust anchors in the settings.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Ce certificat a été révoqué. Contactez l'ANS pour obtenir une nouvelle carte.</source>
            <translation>This certificate was revoked. Contact the ANS for a new card.</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+35" />
            <source>L'opérateur a refusé la connexion. Vérifiez votre carte et le profil de l'opérateur.</source>
            <translation>The operator refused the sign-in. Check your card and the operator profile.</translation>
        </message>
        <message>
            <location line="-31" />
            <source>Votre session Pro Santé Connect a expiré. Saisissez à nouveau votre code PIN.</source>
            <translation>Your Pro Santé Connect session has expired. Enter your PIN again.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Le profil de l'opérateur est invalide. Corrigez-le ou choisissez-en un autre dans les paramètres.</source>
            <translation>The operator profile is invalid. Fix it or choose another one in the settings.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Aucun profil d'opérateur n'est configuré. Lancez l'assistant de configuration.</source>
            <translation>No operator profile is configured. Run the setup assistant.</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+28" />
            <source>Le serveur de l'opérateur ne présente pas un certificat de confiance. Ne poursuivez pas et prévenez votre support.</source>
            <translation>The operator's server does not present a trusted certificate. Do not go on and tell your support.</translation>
        </message>
        <message>
            <location line="-23" />
            <source>Le message dépasse la taille acceptée par l'opérateur. Retirez des pièces jointes.</source>
            <translation>The message is larger than the operator accepts. Remove some attachments.</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+2" />
            <source>L'INS du patient est invalide. Vérifiez le numéro saisi.</source>
            <translation>The patient's INS is invalid. Check the number typed.</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+45" />
            <source>Le fichier n'est pas une extraction de l'annuaire MSSanté valide.</source>
            <translation>The file is not a valid MSSanté directory extraction.</translation>
        </message>
        <message>
            <location line="-43" />
            <location line="+1" />
            <source>Opération annulée.</source>
            <translation>Cancelled.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Les serveurs de l'opérateur sont injoignables. Vérifiez la connexion réseau et réessayez.</source>
            <translation>The operator's servers cannot be reached. Check the network connection and try again.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Votre session a pris fin. Saisissez à nouveau votre code PIN pour continuer.</source>
            <translation>Your session has ended. Enter your PIN again to continue.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Le serveur de l'opérateur utilise une version de TLS trop ancienne (TLS 1.2 minimum). Prévenez votre support.</source>
            <translation>The operator's server uses a TLS version that is too old (TLS 1.2 at least). Tell your support.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Le serveur a refusé le certificat de votre carte. Vérifiez que votre carte est valide et que le profil désigne le bon opérateur.</source>
            <translation>The server refused your card's certificate. Check that your card is valid and that the profile names the right operator.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>La connexion sécurisée a échoué. Réessayez ; si cela persiste, prévenez votre support.</source>
            <translation>The secure connection failed. Try again; if it persists, tell your support.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Le service des lecteurs de carte (PC/SC) ne répond pas. Rebranchez le lecteur ou redémarrez l'ordinateur.</source>
            <translation>The card reader service (PC/SC) does not answer. Plug the reader in again or restart the computer.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Cette carte ne contient pas de certificat d'authentification. Utilisez votre carte CPS.</source>
            <translation>This card holds no authentication certificate. Use your CPS card.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Cette carte ne contient pas de clé d'authentification. Utilisez votre carte CPS.</source>
            <translation>This card holds no authentication key. Use your CPS card.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>L'annuaire n'est pas encore importé. Importez l'extraction depuis la fenêtre Annuaire.</source>
            <translation>The directory is not imported yet. Import the extraction from the Directory window.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>La liste blanche MSSanté n'a pas pu être importée.</source>
            <translation>The MSSanté whitelist could not be imported.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Le message n'a pas pu être remis à l'opérateur ; il reste dans la boîte d'envoi. Renvoyez-le plus tard.</source>
            <translation>The message could not be handed to the operator; it stays in the outbox. Send it again later.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>La connexion à la messagerie a été perdue. Vérifiez la connexion réseau et réessayez.</source>
            <translation>The connection to the mailbox was lost. Check the network connection and try again.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Le trousseau du système est verrouillé : déverrouillez-le pour ouvrir le cache chiffré des messages.</source>
            <translation>The system keyring is locked: unlock it to open the encrypted message cache.</translation>
        </message>
        <message>
            <source>La clé du cache chiffré manque dans le trousseau du système : la boîte d'envoi ne peut pas être lue. Déverrouillez le trousseau ou restaurez sa sauvegarde ; rien n'a été supprimé.</source>
            <translation>The encrypted cache key is missing from the system keyring: the outbox cannot be read. Unlock the keyring or restore its backup; nothing was deleted.</translation>
        </message>
        <message>
            <source>Le disque est plein : libérez de la place et réessayez ; rien n'a été perdu.</source>
            <translation>The disk is full: free some space and try again; nothing was lost.</translation>
        </message>
        <message>
            <source>L'import de l'annuaire a échoué (disque plein ?) ; l'annuaire précédent est intact. Libérez de la place et réessayez.</source>
            <translation>The directory import failed (disk full?); the previous directory is intact. Free some space and try again.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Le trousseau du système est indisponible ou verrouillé. Déverrouillez-le et réessayez.</source>
            <translation>The system keyring is unavailable or locked. Unlock it and try again.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Le document structuré ne peut pas être préparé.</source>
            <translation>The structured document cannot be prepared.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Le serveur ne répond pas. Vérifiez la connexion réseau et réessayez.</source>
            <translation>The server does not answer. Check the network connection and try again.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Connexion au serveur impossible. Vérifiez la connexion réseau et réessayez.</source>
            <translation>Cannot connect to the server. Check the network connection and try again.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Accès refusé au fichier. Choisissez un autre emplacement.</source>
            <translation>Access to the file was denied. Choose another location.</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Erreur inattendue (%1). Réessayez ; si elle persiste, contactez votre support.</source>
            <translation>Unexpected error (%1). Try again; if it persists, contact your support.</translation>
        </message>
        <message>
            <source>La carte CPS n'a pas pu être utilisée. Retirez-la, réinsérez-la et réessayez.</source>
            <translation>The CPS card could not be used. Remove it, insert it again and retry.</translation>
        </message>
        <message>
            <source>Le code PIN n'a pas pu être vérifié. Réessayez.</source>
            <translation>The PIN could not be checked. Try again.</translation>
        </message>
        <message>
            <source>L'adresse %1 est refusée : seules les adresses https:// sont acceptées.</source>
            <translation>The address %1 is refused: only https:// addresses are accepted.</translation>
        </message>
        <message>
            <source>Le téléchargement de %1 a été redirigé vers un serveur non autorisé ; il a été refusé.</source>
            <translation>The download of %1 was redirected to a server that is not allowed; it was refused.</translation>
        </message>
        <message>
            <source>Le serveur de %1 a répondu par une erreur. Réessayez plus tard.</source>
            <translation>The server of %1 answered with an error. Try again later.</translation>
        </message>
        <message>
            <source>Le fichier de %1 est trop volumineux ; il a été refusé.</source>
            <translation>The file at %1 is too large; it was refused.</translation>
        </message>
        <message>
            <source>Le téléchargement de %1 a échoué. Vérifiez la connexion réseau, ou téléchargez le fichier vous-même et importez-le.</source>
            <translation>The download of %1 failed. Check the network connection, or download the file yourself and import it.</translation>
        </message>
        <message>
            <source>L'Annuaire Santé en ligne ne répond pas. Réessayez plus tard ou cherchez dans l'annuaire importé.</source>
            <translation>The online Annuaire Santé does not answer. Try again later or search the imported directory.</translation>
        </message>
        <message>
            <source>L'Annuaire Santé en ligne a refusé l'accès. Vérifiez la clé d'accès dans les paramètres.</source>
            <translation>The online Annuaire Santé refused access. Check the access key in the settings.</translation>
        </message>
        <message>
            <source>La liste blanche MSSanté n'a pas pu être importée ; la liste précédente reste en vigueur.</source>
            <translation>The MSSanté liste blanche could not be imported; the previous list stays in force.</translation>
        </message>
        <message>
            <source>Ce fichier n'est pas une liste blanche MSSanté ; la liste précédente reste en vigueur.</source>
            <translation>This file is not an MSSanté liste blanche; the previous list stays in force.</translation>
        </message>
        <message>
            <source>Ce fichier contient des constructions XML dangereuses ; il a été refusé et la liste précédente reste en vigueur.</source>
            <translation>This file contains dangerous XML constructs; it was refused and the previous list stays in force.</translation>
        </message>
        <message>
            <source>La liste blanche téléchargée ne correspond pas à son empreinte publiée ; elle a été refusée et la liste précédente reste en vigueur.</source>
            <translation>The downloaded liste blanche does not match its published checksum; it was refused and the previous list stays in force.</translation>
        </message>
        <message>
            <source>Aucune liste blanche n'est importée. Importez-la dans les paramètres.</source>
            <translation>No liste blanche is imported. Import it in the settings.</translation>
        </message>
        <message>
            <source>Le document structuré ne peut pas être lu. Demandez à l'expéditeur de le renvoyer.</source>
            <translation>The structured document cannot be read. Ask the sender to send it again.</translation>
        </message>
        <message>
            <source>La Cryptolib CPS (module PKCS#11) est introuvable. Installez-la depuis le site de l'ANS ou indiquez son chemin dans les paramètres. Emplacements cherchés : %1</source>
            <translation>The Cryptolib CPS (PKCS#11 module) was not found. Install it from the ANS website or give its path in the settings. Places searched: %1</translation>
        </message>
        <message>
            <source>Le fichier %1 n'est pas un module PKCS#11 utilisable. Vérifiez le chemin de la Cryptolib CPS dans les paramètres.</source>
            <translation>The file %1 is not a usable PKCS#11 module. Check the path of the Cryptolib CPS in the settings.</translation>
        </message>
        <message>
            <source>La Cryptolib CPS (module PKCS#11) ne fonctionne pas. Réinstallez-la.</source>
            <translation>The Cryptolib CPS (PKCS#11 module) does not work. Reinstall it.</translation>
        </message>
        <message>
            <source>Le certificat de la carte est illisible. Utilisez une autre carte CPS ou contactez l'ANS.</source>
            <translation>The card's certificate cannot be read. Use another CPS card or contact ANS.</translation>
        </message>
        <message>
            <source>Le certificat de la carte ne peut pas être utilisé. Contactez l'ANS.</source>
            <translation>The card's certificate cannot be used. Contact ANS.</translation>
        </message>
        <message>
            <source>Cette carte ne contient pas ce qu'une carte CPS contient. Utilisez votre carte CPS.</source>
            <translation>This card does not hold what a CPS card holds. Use your CPS card.</translation>
        </message>
        <message>
            <source>Cette carte ne sait pas faire la signature demandée. Mettez à jour la Cryptolib CPS.</source>
            <translation>This card cannot make the signature asked for. Update the Cryptolib CPS.</translation>
        </message>
        <message>
            <source>La carte n'a pas répondu comme prévu. Retirez-la, réinsérez-la et réessayez.</source>
            <translation>The card did not answer as expected. Remove it, insert it again and retry.</translation>
        </message>
        <message>
            <source>L'opération a échoué. Réessayez ; si cela persiste, contactez votre support.</source>
            <translation>The operation failed. Try again; if it persists, contact your support.</translation>
        </message>
        <message>
            <source>La connexion à votre messagerie a échoué. Réessayez.</source>
            <translation>Signing in to your mailbox failed. Try again.</translation>
        </message>
        <message>
            <source>Le certificat logiciel du profil est illisible. Vérifiez le fichier indiqué dans le profil.</source>
            <translation>The profile's software certificate cannot be read. Check the file named in the profile.</translation>
        </message>
        <message>
            <source>Le certificat logiciel est protégé par un mot de passe : saisissez-le.</source>
            <translation>The software certificate is protected by a password: type it.</translation>
        </message>
        <message>
            <source>Pro Santé Connect n'a pas pu vous connecter. Réessayez dans un instant.</source>
            <translation>Pro Santé Connect could not sign you in. Try again in a moment.</translation>
        </message>
        <message>
            <source>Pro Santé Connect est injoignable. Vérifiez la connexion réseau et réessayez.</source>
            <translation>Pro Santé Connect cannot be reached. Check the network connection and try again.</translation>
        </message>
        <message>
            <source>Pro Santé Connect demande une nouvelle connexion : saisissez à nouveau votre code PIN.</source>
            <translation>Pro Santé Connect asks you to sign in again: type your PIN again.</translation>
        </message>
        <message>
            <source>Pro Santé Connect ne reconnaît pas cette application pour votre opérateur. Prévenez votre support.</source>
            <translation>Pro Santé Connect does not know this application for your operator. Tell your support.</translation>
        </message>
        <message>
            <source>Le serveur Pro Santé Connect n'est pas celui attendu. Ne poursuivez pas et prévenez votre support.</source>
            <translation>The Pro Santé Connect server is not the expected one. Do not go on and tell your support.</translation>
        </message>
        <message>
            <source>La réponse de Pro Santé Connect est invalide. Ne poursuivez pas et prévenez votre support.</source>
            <translation>The answer of Pro Santé Connect is invalid. Do not go on and tell your support.</translation>
        </message>
        <message>
            <source>La connexion sécurisée par carte n'est pas disponible sur cet ordinateur. Réinstallez l'application.</source>
            <translation>Card-secured connections are not available on this computer. Reinstall the application.</translation>
        </message>
        <message>
            <source>Le certificat du serveur est émis pour un autre nom. Ne poursuivez pas et prévenez votre support.</source>
            <translation>The server's certificate was issued for another name. Do not go on and tell your support.</translation>
        </message>
        <message>
            <source>Le certificat du serveur de l'opérateur a expiré. Prévenez votre support.</source>
            <translation>The operator server's certificate has expired. Tell your support.</translation>
        </message>
        <message>
            <source>Le journal de sécurité n'a pas pu être écrit ou lu.</source>
            <translation>The security log could not be written or read.</translation>
        </message>
        <message>
            <source>Le journal de sécurité a été modifié en dehors de l'application. Prévenez votre support.</source>
            <translation>The security log was changed outside the application. Tell your support.</translation>
        </message>
        <message>
            <source>Le fichier n'a pas pu être lu ou écrit (disque plein, support retiré ?). Réessayez.</source>
            <translation>The file could not be read or written (disk full, drive removed?). Try again.</translation>
        </message>
        <message>
            <source>Erreur inattendue. Réessayez ; si elle persiste, contactez votre support.</source>
            <translation>Unexpected error. Try again; if it persists, contact your support.</translation>
        </message>
        <message>
            <source>Aucun serveur de messagerie n'est publié pour %1. Choisissez votre opérateur dans la liste ou utilisez le fichier de profil de votre service informatique.</source>
            <translation>No mail server is published for %1. Choose your operator in the list or use the profile file from your IT department.</translation>
        </message>
        <message>
            <source>Le module PKCS#11 enregistré dans les paramètres (%1) ne peut pas être utilisé : %2 Ouvrez Paramètres, onglet « Compte et carte » : videz le champ (automatique) ou choisissez le bon fichier ; la correction s'applique sans redémarrer.</source>
            <translation>The PKCS#11 module saved in the settings (%1) cannot be used: %2 Open Settings, tab "Account and card": empty the field (automatic) or choose the right file; the fix applies without a restart.</translation>
        </message>
        <message>
            <source>La messagerie a rencontré une erreur. Réessayez.</source>
            <translation>The mailbox met an error. Try again.</translation>
        </message>
        <message>
            <source>Le destinataire %1 est refusé : son domaine n'est pas dans la liste blanche MSSanté. Retirez-le ou choisissez une adresse MSSanté.</source>
            <translation>The recipient %1 is refused: their domain is not on the MSSanté liste blanche. Remove them or choose an MSSanté address.</translation>
        </message>
        <message>
            <source>Le destinataire %1 est refusé : aucune liste blanche n'est disponible. Importez-la dans les paramètres.</source>
            <translation>The recipient %1 is refused: no liste blanche is available. Import it in the settings.</translation>
        </message>
        <message>
            <source>Le destinataire %1 n'est pas une adresse valide. Corrigez-la.</source>
            <translation>The recipient %1 is not a valid address. Correct it.</translation>
        </message>
        <message>
            <source>Ajoutez au moins un destinataire.</source>
            <translation>Add at least one recipient.</translation>
        </message>
        <message>
            <source>Le serveur de messagerie a refusé la demande. Réessayez ; si cela persiste, prévenez votre support.</source>
            <translation>The mail server refused the request. Try again; if it persists, tell your support.</translation>
        </message>
        <message>
            <source>Le dossier %1 n'existe plus. Actualisez la liste des dossiers.</source>
            <translation>The folder %1 no longer exists. Refresh the folder list.</translation>
        </message>
        <message>
            <source>Ce message n'existe plus sur le serveur (déplacé ou supprimé). Actualisez le dossier.</source>
            <translation>This message no longer exists on the server (moved or deleted). Refresh the folder.</translation>
        </message>
        <message>
            <source>Le message ne peut pas être préparé. Vérifiez les destinataires et les pièces jointes.</source>
            <translation>The message cannot be prepared. Check the recipients and the attachments.</translation>
        </message>
        <message>
            <source>Un fichier %1 existe déjà à cet endroit. Choisissez un autre nom ou un autre dossier.</source>
            <translation>A file %1 already exists there. Choose another name or another folder.</translation>
        </message>
        <message>
            <source>Le nom de la pièce jointe %1 n'est pas sûr ; elle n'a pas été enregistrée.</source>
            <translation>The attachment name %1 is not safe; it was not saved.</translation>
        </message>
        <message>
            <source>Le cache chiffré des messages est illisible ; rien n'a été supprimé. Contactez votre support.</source>
            <translation>The encrypted message cache cannot be read; nothing was deleted. Contact your support.</translation>
        </message>
        <message>
            <source>Le disque est plein (%1) : libérez de la place et réessayez ; rien n'a été perdu.</source>
            <translation>The disk is full (%1): free some space and try again; nothing was lost.</translation>
        </message>
        <message>
            <source>Ce lien n'est pas un lien « mailto: » valide.</source>
            <translation>This link is not a valid "mailto:" link.</translation>
        </message>
        <message>
            <source>L'annuaire n'a pas pu être utilisé. Réessayez.</source>
            <translation>The directory could not be used. Try again.</translation>
        </message>
        <message>
            <source>Le document structuré ne peut pas être préparé. Vérifiez l'identité du patient et les fichiers joints.</source>
            <translation>The structured document cannot be prepared. Check the patient's identity and the attached files.</translation>
        </message>
        <message>
            <source>Cette pièce jointe n'est pas un document structuré IHE XDM.</source>
            <translation>This attachment is not an IHE XDM structured document.</translation>
        </message>
        <message>
            <source>Ce document structuré contient des éléments dangereux ; il n'a pas été ouvert.</source>
            <translation>This structured document contains dangerous entries; it was not opened.</translation>
        </message>
        <message>
            <source>Les métadonnées du document structuré sont invalides. Demandez à l'expéditeur de le renvoyer.</source>
            <translation>The structured document's metadata are invalid. Ask the sender to send it again.</translation>
        </message>
        <message>
            <source>Un document du paquet ne correspond pas à son empreinte : il a pu être modifié. Ne l'utilisez pas.</source>
            <translation>A document of the package does not match its digest: it may have been changed. Do not use it.</translation>
        </message>
        <message>
            <source>Le pont pour logiciel de messagerie n'a pas pu démarrer.</source>
            <translation>The bridge for mail programs could not start.</translation>
        </message>
        <message>
            <source>Insérez votre carte CPS : le pont en a besoin pour relever et envoyer le courrier.</source>
            <translation>Insert your CPS card: the bridge needs it to fetch and send mail.</translation>
        </message>
        <message>
            <source>Le pont n'écoute que sur cet ordinateur ; %1 est refusé.</source>
            <translation>The bridge only listens on this computer; %1 is refused.</translation>
        </message>
        <message>
            <source>Le port %1 est déjà utilisé. Choisissez-en un autre dans le panneau du pont.</source>
            <translation>Port %1 is already in use. Choose another one in the bridge panel.</translation>
        </message>
        <message>
            <source>Le pont a besoin du trousseau du système pour garder son mot de passe local, et aucun n'est disponible. Ouvrez une session de bureau ou déverrouillez le trousseau.</source>
            <translation>The bridge needs the system keyring to keep its local password, and none is available. Open a desktop session or unlock the keyring.</translation>
        </message>
        <message>
            <source>Le certificat local du pont est illisible. Supprimez-le depuis le panneau du pont pour en créer un nouveau.</source>
            <translation>The bridge's local certificate cannot be read. Delete it from the bridge panel to create a new one.</translation>
        </message>
        <message>
            <source>Thunderbird n'a pas pu être configuré.</source>
            <translation>Thunderbird could not be set up.</translation>
        </message>
        <message>
            <source>Aucun profil Thunderbird n'a été trouvé. Lancez Thunderbird une fois, puis réessayez.</source>
            <translation>No Thunderbird profile was found. Start Thunderbird once, then try again.</translation>
        </message>
        <message>
            <source>Thunderbird est ouvert. Fermez-le, puis réessayez.</source>
            <translation>Thunderbird is open. Close it, then try again.</translation>
        </message>
        <message>
            <source>L'outil « certutil » (NSS) est introuvable. Installez le paquet libnss3-tools, puis réessayez.</source>
            <translation>The "certutil" tool (NSS) was not found. Install the libnss3-tools package, then try again.</translation>
        </message>
        <message>
            <source>Le magasin de certificats de Thunderbird n'a pas pu être modifié. Fermez Thunderbird et réessayez.</source>
            <translation>Thunderbird's certificate store could not be changed. Close Thunderbird and try again.</translation>
        </message>
        <message>
            <source>Le type d'INS choisi n'est pas reconnu.</source>
            <translation>The chosen INS type is not recognised.</translation>
        </message>
        <message>
            <source>Le matricule INS comporte 15 chiffres (13 chiffres et une clé de 2 chiffres).</source>
            <translation>An INS matricule has 15 digits (13 digits and a 2-digit key).</translation>
        </message>
        <message>
            <source>Le matricule INS ne comporte que des chiffres (2A ou 2B pour la Corse).</source>
            <translation>An INS matricule holds digits only (2A or 2B for Corsica).</translation>
        </message>
        <message>
            <source>Le matricule INS commence par 1, 2, 3, 4, 7 ou 8.</source>
            <translation>An INS matricule starts with 1, 2, 3, 4, 7 or 8.</translation>
        </message>
        <message>
            <source>La clé du matricule INS ne correspond pas : vérifiez le numéro saisi.</source>
            <translation>The INS matricule's key does not match: check the number typed.</translation>
        </message>
        <message>
            <source>clé compromise : carte perdue ou volée</source>
            <translation>key compromised: card lost or stolen</translation>
        </message>
        <message>
            <source>changement de situation professionnelle</source>
            <translation>change of professional situation</translation>
        </message>
        <message>
            <source>remplacée par une nouvelle carte</source>
            <translation>replaced by a new card</translation>
        </message>
        <message>
            <source>cessation d'activité</source>
            <translation>stopped practising</translation>
        </message>
        <message>
            <source>suspendue</source>
            <translation>suspended</translation>
        </message>
        <message>
            <source>droits retirés</source>
            <translation>rights withdrawn</translation>
        </message>
        <message>
            <source>autorité de certification compromise</source>
            <translation>certification authority compromised</translation>
        </message>
        <message>
            <source>Cette carte a été révoquée le %1 : elle ne peut plus être utilisée et rien n'a été envoyé au serveur. Demandez une nouvelle carte CPS à l'ANS.</source>
            <translation>This card was revoked on %1: it can no longer be used and nothing was sent to the server. Ask the ANS for a new CPS card.</translation>
        </message>
        <message>
            <source>Le certificat du serveur %1 a été révoqué le %2 : la connexion est refusée. Prévenez votre opérateur de messagerie.</source>
            <translation>The certificate of the server %1 was revoked on %2: the connection is refused. Tell your mail operator.</translation>
        </message>
        <message>
            <source>Ce fichier n'est pas une liste de révocation (CRL). Téléchargez-la de nouveau depuis le site de publication de l'IGC-Santé.</source>
            <translation>This file is not a certificate revocation list (CRL). Download it again from the IGC-Santé publication site.</translation>
        </message>
        <message>
            <source>Cette liste de révocation est plus ancienne que celle déjà conservée ; rien n'a été modifié.</source>
            <translation>This revocation list is older than the one already kept; nothing was changed.</translation>
        </message>
        <message>
            <source>Cette liste de révocation n'est pas signée par une autorité IGC-Santé de confiance ; elle n'a pas été conservée.</source>
            <translation>This revocation list is not signed by a trusted IGC-Santé authority; it was not kept.</translation>
        </message>
        <message>
            <source>La clé du journal de sécurité n'est pas disponible (trousseau du système verrouillé, ou fichier de clé du profil illisible) : le journal ne peut pas être vérifié. Déverrouillez le trousseau ou vérifiez le profil, puis réessayez.</source>
            <translation>The security trail's key is not available (the system keyring is locked, or the profile's key file cannot be read): the trail cannot be checked. Unlock the keyring or check the profile, then try again.</translation>
        </message>
        <message>
            <source>Ce document CDA ne peut pas être affiché : il est endommagé, trop volumineux ou contient des déclarations refusées par sécurité (DTD, entités). Demandez à l'expéditeur de le renvoyer.</source>
            <translation>This CDA document cannot be shown: it is damaged, too large or holds declarations refused for safety (DTD, entities). Ask the sender to send it again.</translation>
        </message>
        <message>
            <source>La passerelle Pro Santé Connect de votre éditeur ou opérateur est injoignable, ou Pro Santé Connect ne répond pas. Vérifiez la connexion réseau et réessayez ; si cela persiste, prévenez votre support.</source>
            <translation>The Pro Santé Connect gateway of your publisher or operator cannot be reached, or Pro Santé Connect does not answer. Check the network connection and try again; if it persists, tell your support.</translation>
        </message>
        <message>
            <source>La connexion e-CPS demande une passerelle Pro Santé Connect que ce profil ne désigne pas. Demandez un profil à jour à votre opérateur, ou utilisez votre carte CPS.</source>
            <translation>e-CPS sign-in needs a Pro Santé Connect gateway that this profile does not name. Ask your operator for an up-to-date profile, or use your CPS card.</translation>
        </message>
        <message>
            <source>La demande de connexion a été refusée dans l'application e-CPS. Recommencez et validez-la sur votre téléphone.</source>
            <translation>The sign-in request was refused in the e-CPS app. Start again and approve it on your phone.</translation>
        </message>
        <message>
            <source>La demande de connexion n'a pas été validée à temps dans l'application e-CPS. Recommencez et validez-la avant la fin du décompte.</source>
            <translation>The sign-in request was not approved in time in the e-CPS app. Start again and approve it before the countdown ends.</translation>
        </message>
        <message>
            <source>Pro Santé Connect ne connaît pas de e-CPS pour cet identifiant national. Vérifiez-le (8 suivi du numéro RPPS, ou 0 suivi du numéro ADELI) et activez votre e-CPS sur le portail de l'ANS si besoin.</source>
            <translation>Pro Santé Connect knows no e-CPS for this national identifier. Check it (8 followed by the RPPS number, or 0 followed by the ADELI number) and activate your e-CPS on the ANS portal if needed.</translation>
        </message>
        <message>
            <source>Connexion e-CPS annulée.</source>
            <translation>e-CPS sign-in cancelled.</translation>
        </message>
        <message>
            <source>Le secret indiqué dans la section [secrets] du profil ne peut pas être lu. Corrigez le profil ou le fichier ; aucune autre source n'a été essayée.</source>
            <translation>The secret named in the profile's [secrets] section cannot be read. Fix the profile or the file; no other source was tried.</translation>
        </message>
        <message>
            <source>Le fichier secret est refusé : il doit appartenir à l'utilisateur du service et n'être lisible que par lui (chmod 600).</source>
            <translation>The secret file is refused: it must belong to the service's user and be readable by that user only (chmod 600).</translation>
        </message>
        <message>
            <source>L'identifiant systemd attendu est absent : ajoutez LoadCredential= au service.</source>
            <translation>The expected systemd credential is missing: add LoadCredential= to the service.</translation>
        </message>
        <message>
            <source>Le dépôt automatique (spool) a rencontré une erreur.</source>
            <translation>The unattended spool met an error.</translation>
        </message>
        <message>
            <source>Un autre processus de dépôt automatique utilise déjà ce dossier : arrêtez-le d'abord.</source>
            <translation>Another spool process already uses this folder: stop it first.</translation>
        </message>
        <message>
            <source>Le fichier à envoyer ne peut pas être envoyé tel quel.</source>
            <translation>The file to send cannot be sent as it is.</translation>
        </message>
        <message>
            <source>Le secret désigné par la section [secrets] du profil ne peut pas être lu (%1). Corrigez le profil ou le fichier ; aucune autre source n'a été essayée.</source>
            <translation>The secret named by the profile's [secrets] table cannot be read (%1). Fix the profile or the file; no other source was tried.</translation>
        </message>
        <message>
            <source>Le fichier secret %1 est refusé : il doit exister, ne pas être vide et n'être lisible que par son propriétaire (chmod 600). Aucune autre source n'a été essayée.</source>
            <translation>The secret file %1 is refused: it must exist, not be empty and be readable by its owner only (chmod 600). No other source was tried.</translation>
        </message>
        <message>
            <source>L'identifiant systemd « %1 » est introuvable (LoadCredential= du service). Aucune autre source n'a été essayée.</source>
            <translation>The systemd credential “%1” cannot be found (the service's LoadCredential=). No other source was tried.</translation>
        </message>
        <message>
            <source>Ce message ne demande pas d&apos;accusé de lecture ; aucun n&apos;a été envoyé.</source>
            <translation>This message asks for no read receipt; none was sent.</translation>
        </message>
        <message>
            <source>L&apos;accusé de lecture de ce message a déjà été envoyé (ici ou depuis un autre logiciel) ; il n&apos;est pas envoyé une seconde fois.</source>
            <translation>The read receipt of this message was already sent (here or from another program); it is not sent twice.</translation>
        </message>
        <message>
            <source>Ce message est lui-même un accusé ou un avis de remise ; on n&apos;y répond pas par un accusé.</source>
            <translation>This message is itself a receipt or a delivery report; it is not answered with a receipt.</translation>
        </message>
        <message>
            <source>L&apos;accusé irait à une autre adresse que celle de l&apos;expéditeur ; confirmez-le depuis la barre au-dessus du message.</source>
            <translation>The receipt would go to another address than the sender&apos;s; confirm it from the bar above the message.</translation>
        </message>
    </context>
    <context>
        <name>_DirectoryPage</name>
        <message>
            <source>Annuaire national MSSanté</source>
            <translation>National MSSanté directory</translation>
        </message>
        <message>
            <source>Pour trouver un correspondant en tapant quelques lettres de son nom, l'application a besoin de l'annuaire national publié par l'ANS. Téléchargez le fichier « Extraction_Correspondance_MSSante » (ZIP) sur annuaire.sante.fr, puis importez-le ici. Vous pourrez aussi le faire plus tard depuis la fenêtre Annuaire.</source>
            <translation>To find a correspondent by typing a few letters of their name, the application needs the national directory published by ANS. Download the file "Extraction_Correspondance_MSSante" (ZIP) from annuaire.sante.fr, then import it here. You can also do it later from the Directory window.</translation>
        </message>
        <message>
            <source>Importer l'extraction…</source>
            <translation>Import the extraction…</translation>
        </message>
        <message>
            <source>Progression de l'import</source>
            <translation>Import progress</translation>
        </message>
        <message>
            <source>Annuler l'import</source>
            <translation>Cancel the import</translation>
        </message>
        <message>
            <source>Extraction de l'annuaire MSSanté</source>
            <translation>MSSanté directory extraction</translation>
        </message>
        <message>
            <source>Extractions (*.zip *.txt)</source>
            <translation>Extractions (*.zip *.txt)</translation>
        </message>
        <message>
            <source>Import de %1…</source>
            <translation>Importing %1…</translation>
        </message>
        <message numerus="yes">
            <source>%n fiche(s) importée(s) : l'autocomplétion est prête.</source>
            <translation>
                <numerusform>%n entry imported: autocomplete is ready.</numerusform>
                <numerusform>%n entries imported: autocomplete is ready.</numerusform>
            </translation>
        </message>
        <message>
            <source>Import annulé. Vous pourrez importer l'annuaire depuis la fenêtre Annuaire.</source>
            <translation>Import cancelled. You can import the directory from the Directory window.</translation>
        </message>
    </context>
    <context>
        <name>EcpsDialog</name>
        <message>
            <source>Connexion e-CPS</source>
            <translation>e-CPS sign-in</translation>
        </message>
        <message>
            <source>Validez la demande dans l'application e-CPS de votre téléphone.</source>
            <translation>Approve the request in the e-CPS app of your phone.</translation>
        </message>
        <message>
            <source>Vérifiez que votre téléphone affiche le même code :</source>
            <translation>Check that your phone shows the same code:</translation>
        </message>
        <message>
            <source>Envoi de la demande…</source>
            <translation>Sending the request…</translation>
        </message>
        <message>
            <source>Annuler</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>Temps restant : %1</source>
            <translation>Time left: %1</translation>
        </message>
    </context>
    <context>
        <name>FolderActions</name>
        <message>
            <source>&amp;Nouveau dossier…</source>
            <translation>&amp;New folder…</translation>
        </message>
        <message>
            <source>&amp;Renommer le dossier…</source>
            <translation>&amp;Rename folder…</translation>
        </message>
        <message>
            <source>Supprimer le &amp;dossier…</source>
            <translation>&amp;Delete folder…</translation>
        </message>
        <message>
            <source>&amp;Vider la corbeille…</source>
            <translation>&amp;Empty trash…</translation>
        </message>
        <message>
            <source>Nouveau dossier</source>
            <translation>New folder</translation>
        </message>
        <message>
            <source>Nom du dossier :</source>
            <translation>Folder name:</translation>
        </message>
        <message>
            <source>Renommer le dossier</source>
            <translation>Rename folder</translation>
        </message>
        <message>
            <source>Nouveau nom :</source>
            <translation>New name:</translation>
        </message>
        <message>
            <source>Supprimer le dossier</source>
            <translation>Delete folder</translation>
        </message>
        <message numerus="yes">
            <source>Supprimer le dossier « %1 » et son contenu (%n message(s)) ? Cette action ne peut pas être annulée.</source>
            <translation>
                <numerusform>Delete the folder “%1” and its contents (%n message)? This cannot be undone.</numerusform>
                <numerusform>Delete the folder “%1” and its contents (%n messages)? This cannot be undone.</numerusform>
            </translation>
        </message>
        <message>
            <source>Vider la corbeille</source>
            <translation>Empty trash</translation>
        </message>
        <message numerus="yes">
            <source>Supprimer définitivement les %n message(s) de la corbeille ?</source>
            <translation>
                <numerusform>Permanently delete the %n message in the trash?</numerusform>
                <numerusform>Permanently delete the %n messages in the trash?</numerusform>
            </translation>
        </message>
        <message>
            <source>Nom de dossier invalide : il ne peut être vide ni contenir « %1 ».</source>
            <translation>Invalid folder name: it cannot be empty or contain “%1”.</translation>
        </message>
    </context>
    <context>
        <name>MessageActions</name>
        <message>
            <source>Suivre</source>
            <translation>Star</translation>
        </message>
        <message>
            <source>Plus</source>
            <translation>More</translation>
        </message>
        <message>
            <source>Autres actions sur les messages</source>
            <translation>More actions on messages</translation>
        </message>
        <message>
            <source>&amp;Répondre</source>
            <translation>&amp;Reply</translation>
        </message>
        <message>
            <source>Répondre à &amp;tous</source>
            <translation>Reply to &amp;all</translation>
        </message>
        <message>
            <source>&amp;Transférer</source>
            <translation>&amp;Forward</translation>
        </message>
        <message>
            <source>Transférer en tant que pièce &amp;jointe</source>
            <translation>Forward as a&amp;ttachment</translation>
        </message>
        <message>
            <source>&amp;Supprimer</source>
            <translation>&amp;Delete</translation>
        </message>
        <message>
            <source>&amp;Archiver</source>
            <translation>Ar&amp;chive</translation>
        </message>
        <message>
            <source>Marquer comme &amp;lu / non lu</source>
            <translation>Mark as &amp;read / unread</translation>
        </message>
        <message>
            <source>Su&amp;ivre / ne plus suivre</source>
            <translation>&amp;Star / unstar</translation>
        </message>
        <message>
            <source>&amp;Imprimer…</source>
            <translation>&amp;Print…</translation>
        </message>
        <message>
            <source>&amp;Exporter en PDF…</source>
            <translation>&amp;Export as PDF…</translation>
        </message>
        <message>
            <source>&amp;Déplacer vers</source>
            <translation>&amp;Move to</translation>
        </message>
        <message>
            <source>Supprimer définitivement</source>
            <translation>Delete permanently</translation>
        </message>
        <message numerus="yes">
            <source>Supprimer définitivement %n message(s) ? Cette action ne peut pas être annulée.</source>
            <translation>
                <numerusform>Permanently delete %n message? This cannot be undone.</numerusform>
                <numerusform>Permanently delete %n messages? This cannot be undone.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n message(s) supprimé(s) définitivement.</source>
            <translation>
                <numerusform>%n message permanently deleted.</numerusform>
                <numerusform>%n messages permanently deleted.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n message(s) placé(s) dans la corbeille.</source>
            <translation>
                <numerusform>%n message moved to the trash.</numerusform>
                <numerusform>%n messages moved to the trash.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n message(s) déplacé(s) vers « %1 ».</source>
            <translation>
                <numerusform>%n message moved to “%1”.</numerusform>
                <numerusform>%n messages moved to “%1”.</numerusform>
            </translation>
        </message>
        <message>
            <source>Exporter en PDF</source>
            <translation>Export as PDF</translation>
        </message>
        <message>
            <source>PDF (*.pdf)</source>
            <translation>PDF (*.pdf)</translation>
        </message>
        <message>
            <source>Exporté : %1</source>
            <translation>Exported: %1</translation>
        </message>
    </context>
    <context>
        <name>MessageList</name>
        <message>
            <source>Liste des messages</source>
            <translation>Message list</translation>
        </message>
    </context>
    <context>
        <name>UndoBar</name>
        <message>
            <source>Annuler</source>
            <translation>Undo</translation>
        </message>
        <message>
            <source>Annuler la dernière action</source>
            <translation>Undo the last action</translation>
        </message>
    </context>
    <context>
        <name>printing</name>
        <message>
            <source>De :</source>
            <translation>From:</translation>
        </message>
        <message>
            <source>À :</source>
            <translation>To:</translation>
        </message>
        <message>
            <source>Cc :</source>
            <translation>Cc:</translation>
        </message>
        <message>
            <source>Date :</source>
            <translation>Date:</translation>
        </message>
        <message>
            <source>Pièces jointes :</source>
            <translation>Attachments:</translation>
        </message>
    </context>
    <context>
        <name>SearchBar</name>
        <message>
            <source>Rechercher dans le dossier (Ctrl+F)</source>
            <translation>Search this folder (Ctrl+F)</translation>
        </message>
        <message>
            <source>Recherche</source>
            <translation>Search</translation>
        </message>
        <message>
            <source>Tous les dossiers</source>
            <translation>All folders</translation>
        </message>
        <message>
            <source>Rechercher dans tous les dossiers</source>
            <translation>Search every folder</translation>
        </message>
        <message>
            <source>Messages trouvés dans tous les dossiers</source>
            <translation>Messages found in every folder</translation>
        </message>
        <message>
            <source>Aucun message ne correspond</source>
            <translation>No message matches</translation>
        </message>
        <message>
            <source>1 message correspond</source>
            <translation>1 message matches</translation>
        </message>
        <message>
            <source>%1 messages correspondent</source>
            <translation>%1 messages match</translation>
        </message>
    </context>
    <context>
        <name>AttachmentOpener</name>
        <message>
            <source>Cette pièce jointe n'est pas ouverte : les fichiers %1 peuvent lancer un programme sur votre ordinateur.</source>
            <translation>This attachment is not opened: %1 files can run a program on your computer.</translation>
        </message>
        <message>
            <source>Cette pièce jointe n'est pas ouverte : son contenu est un programme ou un script, quel que soit son nom.</source>
            <translation>This attachment is not opened: its content is a program or a script, whatever its name.</translation>
        </message>
        <message>
            <source>Enregistrez-la seulement si vous l'attendiez de cet expéditeur.</source>
            <translation>Save it only if you expected it from this sender.</translation>
        </message>
        <message>
            <source>Ouverture de la pièce jointe…</source>
            <translation>Opening the attachment…</translation>
        </message>
        <message>
            <source>Aucune application de cet ordinateur ne sait ouvrir « %1 ». Vous pouvez l'enregistrer pour l'ouvrir plus tard.</source>
            <translation>No application on this computer can open “%1”. You can save it to open it later.</translation>
        </message>
        <message>
            <source>Pièce jointe non ouverte</source>
            <translation>Attachment not opened</translation>
        </message>
        <message>
            <source>Enregistrer sous…</source>
            <translation>Save as…</translation>
        </message>
        <message>
            <source>Fermer</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>Enregistrer la pièce jointe</source>
            <translation>Save the attachment</translation>
        </message>
        <message>
            <source>Enregistré : %1</source>
            <translation>Saved: %1</translation>
        </message>
    </context>
    <context>
        <name>CdaView</name>
        <message>
            <source>Patient</source>
            <translation>Patient</translation>
        </message>
        <message>
            <source>INS</source>
            <translation>INS</translation>
        </message>
        <message>
            <source>Né(e) le</source>
            <translation>Born on</translation>
        </message>
        <message>
            <source>Auteur</source>
            <translation>Author</translation>
        </message>
        <message>
            <source>Organisation</source>
            <translation>Organisation</translation>
        </message>
        <message>
            <source>Date</source>
            <translation>Date</translation>
        </message>
        <message>
            <source>Type de document</source>
            <translation>Document type</translation>
        </message>
        <message>
            <source>[contenu multimédia non affiché]</source>
            <translation>[multimedia content not shown]</translation>
        </message>
        <message>
            <source>lien</source>
            <translation>link</translation>
        </message>
        <message>
            <source>identité de test</source>
            <translation>test identity</translation>
        </message>
        <message>
            <source>Ce document contient un fichier joint ({media}) affiché à part.</source>
            <translation>This document holds an attached file ({media}) shown separately.</translation>
        </message>
        <message>
            <source>Document CDA</source>
            <translation>CDA document</translation>
        </message>
        <message>
            <source>Afficher le PDF du document</source>
            <translation>Show the document's PDF</translation>
        </message>
    </context>
    <context>
        <name>DocumentViewer</name>
        <message>
            <source>Enregistrer sous…</source>
            <translation>Save as…</translation>
        </message>
        <message>
            <source>Imprimer…</source>
            <translation>Print…</translation>
        </message>
        <message>
            <source>Ce fichier ne peut pas être affiché dans l'application.</source>
            <translation>This file cannot be shown in the application.</translation>
        </message>
        <message>
            <source>Ce PDF ne peut pas être affiché (fichier endommagé ou protégé). Vous pouvez l'enregistrer.</source>
            <translation>This PDF cannot be shown (damaged or protected file). You can save it.</translation>
        </message>
        <message>
            <source>PDF du document</source>
            <translation>Document PDF</translation>
        </message>
        <message>
            <source>Ce paquet IHE XDM ne peut pas être lu : %1 Vous pouvez l'enregistrer.</source>
            <translation>This IHE XDM package cannot be read: %1 You can save it.</translation>
        </message>
        <message>
            <source>%1 : ce document ne peut pas être affiché dans l'application.</source>
            <translation>%1: this document cannot be shown in the application.</translation>
        </message>
        <message>
            <source>Patient : %1 — INS %2</source>
            <translation>Patient: %1 — INS %2</translation>
        </message>
        <message>
            <source>Contenu du paquet</source>
            <translation>Package contents</translation>
        </message>
        <message>
            <source>Enregistrer la pièce jointe</source>
            <translation>Save the attachment</translation>
        </message>
    </context>
    <context>
        <name>PdfView</name>
        <message>
            <source>Page précédente</source>
            <translation>Previous page</translation>
        </message>
        <message>
            <source>Page suivante</source>
            <translation>Next page</translation>
        </message>
        <message>
            <source>Numéro de page</source>
            <translation>Page number</translation>
        </message>
        <message>
            <source>sur %1</source>
            <translation>of %1</translation>
        </message>
        <message>
            <source>Zoom −</source>
            <translation>Zoom −</translation>
        </message>
        <message>
            <source>Zoom +</source>
            <translation>Zoom +</translation>
        </message>
        <message>
            <source>Page du document PDF</source>
            <translation>PDF document page</translation>
        </message>
    </context>
    <context>
        <name>ReceiptBar</name>
        <message>
            <source>Envoyer</source>
            <translation>Send</translation>
        </message>
        <message>
            <source>Ignorer</source>
            <translation>Ignore</translation>
        </message>
        <message>
            <source>Préférences</source>
            <translation>Preferences</translation>
        </message>
        <message>
            <source>Toujours demander</source>
            <translation>Always ask</translation>
        </message>
        <message>
            <source>Ne jamais envoyer d'accusé de lecture</source>
            <translation>Never send read receipts</translation>
        </message>
        <message>
            <source>%1 demande un accusé de lecture. Selon vos préférences, aucun accusé n'est envoyé.</source>
            <translation>%1 asks for a read receipt. As your preferences say, no receipt is sent.</translation>
        </message>
        <message>
            <source>Attention : l'accusé de lecture irait à %1, une autre adresse que celle qui a envoyé le message. L'envoyer quand même ?</source>
            <translation>Careful: the read receipt would go to %1, another address than the one that sent the message. Send it anyway?</translation>
        </message>
        <message>
            <source>Envoyer quand même</source>
            <translation>Send anyway</translation>
        </message>
        <message>
            <source>%1 demande un accusé de lecture.</source>
            <translation>%1 asks for a read receipt.</translation>
        </message>
        <message>
            <source>L'accusé irait à une autre adresse (%1).</source>
            <translation>The receipt would go to another address (%1).</translation>
        </message>
    </context>
    <context>
        <name>ReceiptNotice</name>
        <message>
            <source>%1 a répondu à « %2 » sans confirmer la lecture</source>
            <translation>%1 answered “%2” without confirming it was read</translation>
        </message>
        <message>
            <source>%1 a lu « %2 » le %3 à %4</source>
            <translation>%1 read “%2” on %3 at %4</translation>
        </message>
        <message>
            <source>%1 a lu « %2 »</source>
            <translation>%1 read “%2”</translation>
        </message>
        <message>
            <source>Accusé de lecture : %1</source>
            <translation>Read receipt: %1</translation>
        </message>
        <message>
            <source>Ouvrir le message d'origine</source>
            <translation>Open the original message</translation>
        </message>
        <message>
            <source>Lu par %1 le %2 à %3</source>
            <translation>Read by %1 on %2 at %3</translation>
        </message>
        <message>
            <source>Lu par %1</source>
            <translation>Read by %1</translation>
        </message>
    </context>
    <context>
        <name>_ImageView</name>
        <message>
            <source>Cette image ne peut pas être affichée (format inconnu ou fichier endommagé).</source>
            <translation>This image cannot be shown (unknown format or damaged file).</translation>
        </message>
    </context>
</TS>
