"""The public extraction ``Extraction_Correspondance_MSSante``: its 31 columns.

ANS publishes the national MSSanté directory as a ZIP holding one UTF-8 text file
``Extraction_Correspondance_MSSante_AAAAMMJJhhmm.txt``: one header line, then one row per
mailbox (and per exercise situation), fields separated by ``|``. The
header is the contract: columns are mapped by name, never by position.
"""

from __future__ import annotations

__all__ = [
    "BAL_TYPES",
    "COLUMNS",
    "FIELD_COLUMNS",
    "HEADER_LINE",
    "REQUIRED_COLUMNS",
    "SEPARATOR",
]

SEPARATOR = "|"

# The 31 columns, in the order of the published file.
COLUMNS: tuple[str, ...] = (
    "Type de BAL",
    "Adresse BAL",
    "Type Identifiant PP",
    "Identifiant PP",
    "Identification nationale PP",
    "Type identifiant structure",
    "Identification Structure",
    "Service de rattachement",
    "Civilité d'exercice",
    "Nom d'exercice",
    "Prénom d'exercice",
    "Catégorie profession",
    "Libellé de catégorie profession",
    "Code Profession",
    "Libellé Profession",
    "Code savoir-faire",
    "Libellé savoir-faire",
    "Dématérialisation",
    "Raison Sociale structure BAL",
    "Enseigne commerciale structure BAL",
    "L2COMPLEMENTLOCALISATION structure BAL",
    "L3COMPLEMENTDISTRIBUTION structure BAL",
    "L4NUMEROVOIE structure BAL",
    "L4COMPLEMENTNUMEROVOIE structure BAL",
    "NL4TYPEVOIE structure BAL",
    "L4LIBELLEVOIE structure BAL",
    "L5LIEUDITMENTION structure BAL",
    "L6LIGNEACHEMINEMENT structure BAL",
    "Code postal structure BAL",
    "Département structure BAL",
    "Pays structure BAL",
)

HEADER_LINE = SEPARATOR.join(COLUMNS)

# Index field -> extraction column. These are the columns the index needs; a file whose
# header lacks one of them is refused, naming the missing ones.
FIELD_COLUMNS: dict[str, str] = {
    "bal_type": "Type de BAL",
    "address": "Adresse BAL",
    "national_id": "Identification nationale PP",
    "service": "Service de rattachement",
    "civility": "Civilité d'exercice",
    "family_name": "Nom d'exercice",
    "given_name": "Prénom d'exercice",
    "profession_code": "Code Profession",
    "profession": "Libellé Profession",
    "specialty_code": "Code savoir-faire",
    "specialty": "Libellé savoir-faire",
    "organization": "Raison Sociale structure BAL",
    "trade_name": "Enseigne commerciale structure BAL",
    "delivery_line": "L6LIGNEACHEMINEMENT structure BAL",
    "postal_code": "Code postal structure BAL",
}

REQUIRED_COLUMNS: tuple[str, ...] = tuple(FIELD_COLUMNS.values())

# TRE_R257 "Type de BAL MSSanté": personal, organisational, applicative, practice.
BAL_TYPES: dict[str, str] = {
    "PER": "personnelle",
    "ORG": "organisationnelle",
    "APP": "applicative",
    "CAB": "cabinet",
}
