<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="fr_FR">
<!-- Written by python -m ui.i18n_plurals: French is the source language; this
     catalog holds the plural forms of the %n strings and the strings of Qt's own
     dialogs that its qtbase_fr catalog lacks. -->
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;Regarder dans :</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>Fichiers de &amp;type :</translation>
    </message>
</context>
<context>
    <name>BridgePanel</name>
    <message numerus="yes">
        <source>À l'écoute sur {host} (IMAP {imap}, SMTP {smtp}) ; %n connexion(s) de logiciel de messagerie ; carte : {card}</source>
        <translation>
            <numerusform>À l'écoute sur {host} (IMAP {imap}, SMTP {smtp}) ; %n connexion de logiciel de messagerie ; carte : {card}</numerusform>
            <numerusform>À l'écoute sur {host} (IMAP {imap}, SMTP {smtp}) ; %n connexions de logiciel de messagerie ; carte : {card}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DirectoryWindow</name>
    <message numerus="yes">
        <source>%n résultat(s)</source>
        <translation>
            <numerusform>%n résultat</numerusform>
            <numerusform>%n résultats</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n fiche(s) importée(s).</source>
        <translation>
            <numerusform>%n fiche importée.</numerusform>
            <numerusform>%n fiches importées.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FolderActions</name>
    <message numerus="yes">
        <source>Supprimer le dossier « %1 » et son contenu (%n message(s)) ? Cette action ne peut pas être annulée.</source>
        <translation>
            <numerusform>Supprimer le dossier « %1 » et son contenu (%n message) ? Cette action ne peut pas être annulée.</numerusform>
            <numerusform>Supprimer le dossier « %1 » et son contenu (%n messages) ? Cette action ne peut pas être annulée.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Supprimer définitivement les %n message(s) de la corbeille ?</source>
        <translation>
            <numerusform>Supprimer définitivement les %n message de la corbeille ?</numerusform>
            <numerusform>Supprimer définitivement les %n messages de la corbeille ?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FolderTree</name>
    <message numerus="yes">
        <source>%1, %n non lu(s)</source>
        <translation>
            <numerusform>%1, %n non lu</numerusform>
            <numerusform>%1, %n non lus</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%1 : %n message(s)</source>
        <translation>
            <numerusform>%1 : %n message</numerusform>
            <numerusform>%1 : %n messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n brouillon(s) enregistré(s) dans Brouillons.</source>
        <translation>
            <numerusform>%n brouillon enregistré dans Brouillons.</numerusform>
            <numerusform>%n brouillons enregistrés dans Brouillons.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MessageActions</name>
    <message numerus="yes">
        <source>Supprimer définitivement %n message(s) ? Cette action ne peut pas être annulée.</source>
        <translation>
            <numerusform>Supprimer définitivement %n message ? Cette action ne peut pas être annulée.</numerusform>
            <numerusform>Supprimer définitivement %n messages ? Cette action ne peut pas être annulée.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) supprimé(s) définitivement.</source>
        <translation>
            <numerusform>%n message supprimé définitivement.</numerusform>
            <numerusform>%n messages supprimés définitivement.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) placé(s) dans la corbeille.</source>
        <translation>
            <numerusform>%n message placé dans la corbeille.</numerusform>
            <numerusform>%n messages placés dans la corbeille.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) déplacé(s) vers « %1 ».</source>
        <translation>
            <numerusform>%n message déplacé vers « %1 ».</numerusform>
            <numerusform>%n messages déplacés vers « %1 ».</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message numerus="yes">
        <source>Il reste %n essai(s).</source>
        <translation>
            <numerusform>Il reste %n essai.</numerusform>
            <numerusform>Il reste %n essais.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message numerus="yes">
        <source>Liste livrée avec l'application : %n domaine(s), publiée le %1.</source>
        <translation>
            <numerusform>Liste livrée avec l'application : %n domaine, publiée le %1.</numerusform>
            <numerusform>Liste livrée avec l'application : %n domaines, publiée le %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Liste importée : %n domaine(s), publiée le %1.</source>
        <translation>
            <numerusform>Liste importée : %n domaine, publiée le %1.</numerusform>
            <numerusform>Liste importée : %n domaines, publiée le %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n domaine(s) importé(s).</source>
        <translation>
            <numerusform>%n domaine importé.</numerusform>
            <numerusform>%n domaines importés.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message numerus="yes">
        <source>%n nouveau(x) message(s)</source>
        <translation>
            <numerusform>%n nouveau message</numerusform>
            <numerusform>%n nouveaux messages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>_DirectoryPage</name>
    <message numerus="yes">
        <source>%n fiche(s) importée(s) : l'autocomplétion est prête.</source>
        <translation>
            <numerusform>%n fiche importée : l'autocomplétion est prête.</numerusform>
            <numerusform>%n fiches importées : l'autocomplétion est prête.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>wording</name>
    <message numerus="yes">
        <source>Code PIN incorrect. Il reste %n essai(s).</source>
        <translation>
            <numerusform>Code PIN incorrect. Il reste %n essai.</numerusform>
            <numerusform>Code PIN incorrect. Il reste %n essais.</numerusform>
        </translation>
    </message>
</context>
</TS>
