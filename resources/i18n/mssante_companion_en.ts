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
        <source>Thunderbird est configuré (redémarrez-le) : </source>
        <translation>Thunderbird is set up (restart it): </translation>
    </message>
    <message>
        <location line="+5" />
        <source>Échec de la configuration de Thunderbird : </source>
        <translation>Thunderbird setup failed: </translation>
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
</context>
<context>
    <name>LockScreen</name>
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
</context>
<context>
    <name>MainWindow</name>
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
</context>
<context>
    <name>StructuredDocumentDialog</name>
    <message>
        <location filename="../../ui/structured_dialog.py" line="+53" />
        <source>Joindre un document structuré</source>
        <extracomment>OID -&gt; label (design section 2: NIR, NIA, test identities).</extracomment>
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
</context>
<context>
    <name>live</name>
    <message>
        <location filename="../../ui/live.py" line="+123" />
        <source>liste blanche non importée : importez-la dans les paramètres</source>
        <extracomment>Names under which ``client.auth`` may offer &quot;profile + card + PIN prompt -&gt; opener&quot;.</extracomment>
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
</context>
</TS>
