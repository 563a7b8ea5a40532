"""Sample national-directory extractions for the sandbox, the tests and the benchmarks.

Writes rows in the exact format of ANS's public extraction ``Extraction_Correspondance_MSSante``:
UTF-8, one header line of 31 ``|``-separated columns, one row per mailbox
and exercise situation. The data look real (French names with accents and hyphens,
profession codes of the RPPS nomenclature, ordinal specialties, cities with postal codes)
and are deterministic for a given ``seed``; the sandbox users always come first.

The generator streams: a 1,000,000-row file for the benchmarks is written in a few
seconds with constant memory.

    write_sample_extraction(path, rows=300, seed=0) -> Path   # the .txt
    write_sample_zip(txt_path, zip_dir=None) -> Path          # the published ZIP shape
    iter_sample_rows(rows=300, seed=0) -> Iterator[tuple[str, ...]]
"""

from __future__ import annotations

import functools
import logging
import random
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from client.directory.columns import COLUMNS, HEADER_LINE, SEPARATOR

__all__ = [
    "SANDBOX_ROWS",
    "extraction_name",
    "iter_sample_rows",
    "write_sample_extraction",
    "write_sample_zip",
]

logger = logging.getLogger(__name__)

# A fixed stamp keeps the generated file names deterministic.
DEFAULT_STAMP = datetime(2026, 11, 2, 6, 30)

_HOPITAL = "hopital-sandbox.mssante.fr"
_CLINIQUE = "clinique-sandbox.mssante.fr"


def _row(**fields: str) -> tuple[str, ...]:
    """A row from keyword fields named after :data:`_KEYS` (absent ones are empty)."""
    row = [""] * len(_KEYS)
    try:
        for key, value in fields.items():
            row[_KEY_INDEX[key]] = value
    except KeyError as exc:
        raise ValueError(f"unknown sample field: {exc.args[0]}") from exc
    return tuple(row)


# Short keys for the 31 columns, same order as COLUMNS.
_KEYS: tuple[str, ...] = (
    "bal", "address", "pp_type", "pp_id", "national_id", "struct_type", "struct_id",
    "service", "civility", "family", "given", "cat", "cat_label", "prof", "prof_label",
    "sf", "sf_label", "demat", "raison", "enseigne", "l2", "l3", "l4num", "l4comp",
    "l4type", "l4libelle", "l5", "l6", "cp", "dept", "pays",
)
assert len(_KEYS) == len(COLUMNS)  # noqa: S101 - a module invariant, checked at import
_KEY_INDEX = {key: index for index, key in enumerate(_KEYS)}

_HOPITAL_ORG = {
    "struct_type": "1", "struct_id": "1690099991", "raison": "HOPITAL SANDBOX",
    "enseigne": "Hôpital Sandbox Saint-Éloi", "l4num": "12", "l4type": "R",
    "l4libelle": "DE LA RÉPUBLIQUE", "l6": "69002 LYON", "cp": "69002", "dept": "69",
    "pays": "France",
}
_CLINIQUE_ORG = {
    "struct_type": "1", "struct_id": "1690099992", "raison": "CLINIQUE SANDBOX DU PARC",
    "enseigne": "Clinique du Parc", "l2": "Bâtiment B", "l4num": "5", "l4comp": "B",
    "l4type": "AV", "l4libelle": "LACASSAGNE", "l6": "69003 LYON", "cp": "69003",
    "dept": "69", "pays": "France",
}

# The sandbox's own mailboxes: always present, always first, so that the demo and the
# tests find the doctor and the colleague in any generated directory.
SANDBOX_ROWS: tuple[tuple[str, ...], ...] = (
    _row(bal="PER", address=f"jean.martin@{_HOPITAL}", pp_type="8", pp_id="10001234567",
         national_id="810001234567", service="Médecine interne", civility="DR",
         family="MARTIN", given="JEAN", cat="C", cat_label="Civil", prof="10",
         prof_label="Médecin", sf="SM26", sf_label="Qualifié en médecine générale",
         demat="O", **_HOPITAL_ORG),
    _row(bal="PER", address=f"claire.dubois@{_CLINIQUE}", pp_type="8", pp_id="10009876543",
         national_id="810009876543", service="Cardiologie", civility="DR",
         family="DUBOIS", given="Claire", cat="C", cat_label="Civil", prof="10",
         prof_label="Médecin", sf="SM04", sf_label="Cardiologie et maladies vasculaires",
         demat="O", **_CLINIQUE_ORG),
    _row(bal="ORG", address=f"secretariat.medecine@{_HOPITAL}",
         service="Secrétariat de médecine interne", **_HOPITAL_ORG),
    _row(bal="ORG", address=f"urgences@{_HOPITAL}", service="Service des urgences",
         **_HOPITAL_ORG),
    _row(bal="APP", address=f"dpi@{_HOPITAL}", service="Dossier patient informatisé",
         **_HOPITAL_ORG),
    _row(bal="ORG", address=f"cardiologie@{_CLINIQUE}", service="Cardiologie",
         **_CLINIQUE_ORG),
    _row(bal="APP", address=f"laboratoire@{_CLINIQUE}", service="Laboratoire de biologie",
         **_CLINIQUE_ORG),
)

_FAMILY_NAMES = (
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS",
    "MOREAU", "LAURENT", "SIMON", "MICHEL", "LEFÈVRE", "LEROY", "ROUX", "DAVID", "BERTRAND",
    "MOREL", "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU",
    "VINCENT", "MÜLLER", "FAURE", "ANDRÉ", "MERCIER", "BLANC", "GUÉRIN", "BOYER", "GARNIER",
    "CHEVALIER", "FRANÇOIS", "LEGRAND", "GAUTHIER", "GARCIA", "PERRIN", "ROBIN", "CLÉMENT",
    "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU", "GAUTIER", "MASSON", "MARCHAND",
    "DUVAL", "DENIS", "DUMONT", "MARIE", "LEMAIRE", "NOËL", "MEYER", "DUFOUR", "MEUNIER",
    "BRUN", "BLANCHARD", "GIRAUD", "JOLY", "RIVIÈRE", "LUCAS", "BRUNET", "GAILLARD",
    "BARBIER", "ARNAUD", "MARTÍNEZ", "GÉRARD", "ROCHE", "RENARD", "SCHMITT", "ROY",
    "LEROUX", "COLIN", "VIDAL", "CARON", "PICARD", "ROGER", "FABRE", "AUBERT", "LEMOINE",
    "RENAUD", "DUMAS", "LACROIX", "OLIVIER", "PHILIPPE", "BOURGEOIS", "PIERRE", "BENOÎT",
    "REY", "LECLERC", "PAYET", "ROLLAND", "LECLERCQ", "GUILLAUME", "LECOMTE", "LÓPEZ",
    "JEAN", "DUPUY", "GUILLOT", "HUBERT", "BERGER", "CARPENTIER", "SÁNCHEZ", "DUPUIS",
    "MOULIN", "LOUIS", "DESCHAMPS", "HUET", "VASSEUR", "PEREZ", "BOUCHER", "FLEURY",
    "ROYER", "KLEIN", "JACQUET", "ADAM", "PARIS", "POIRIER", "MARTY", "AUBRY", "GUYOT",
    "CARRÉ", "CHARLES", "RENAULT", "CHARPENTIER", "MÉNARD", "MAILLARD", "BARON", "BERTIN",
    "BAILLY", "HERVÉ", "SCHNEIDER", "FERNÁNDEZ", "LE GALL", "COLLET", "LÉGER", "BOUVIER",
    "JULIEN", "PRÉVOST", "MILLET", "PERROT", "DANIEL", "LE ROUX", "COUSIN", "GERMAIN",
    "BRETON", "BESSON", "LANGLOIS", "RÉMY", "LE GOFF", "PELLETIER", "LÉVÊQUE", "PERRIER",
    "LEBLANC", "BARRÉ", "LEBRUN", "MARCHAL", "WEBER", "MALLET", "HAMON", "BOULANGER",
    "JACOB", "MONNIER", "MICHAUD", "RODRIGUEZ", "GUICHARD", "GILLET", "ÉTIENNE", "GRONDIN",
    "POULAIN", "TESSIER", "CHEVALLIER", "COLLIN", "CHAUVIN", "DA SILVA", "BOUCHET", "GAY",
    "LEMAÎTRE", "BENARD", "MARÉCHAL", "HUMBERT", "REYNAUD", "ANTOINE", "HOARAU", "PERRET",
    "BARTHÉLEMY", "CORDIER", "PICHON", "LEJEUNE", "GILBERT", "LAMY", "DELAUNAY", "PASQUIER",
    "CARLIER", "LAPORTE", "NÚÑEZ", "IBÁÑEZ", "BEN SAÏD", "N'DIAYE", "DE LA FONTAINE",
    "SAINT-JUST", "LE BRIS-KERBRAT", "DUPONT-AIGNAN", "CASTRO-MUÑOZ", "D'ALEMBERT",
)
_GIVEN_NAMES = (
    "Éloïse", "Bénédicte", "Hélène", "Chloé", "Zoé", "Léa", "Noémie", "Maëlle", "Anaïs",
    "Gaëlle", "Héloïse", "Cécile", "Agnès", "Inès", "Joëlle", "Françoise", "Geneviève",
    "Thérèse", "Amélie", "Océane", "Marie-Hélène", "Anne-Sophie", "Marie-Thérèse", "Ñuria",
    "Begoña", "Iñès", "Claire", "Sophie", "Camille", "Julie", "Manon", "Sarah", "Laura",
    "Isabelle", "Nathalie", "Sandrine", "Valérie", "Stéphanie", "Émilie", "Céline",
    "Jérôme", "Stéphane", "Frédéric", "Grégoire", "Rémi", "Benoît", "Loïc", "Joël",
    "Gaël", "Noël", "Raphaël", "Mickaël", "Anaël", "Jean-François", "Jean-Sébastien",
    "Pierre-Étienne", "Jean-Noël", "François-Xavier", "Thomas", "Nicolas", "Julien",
    "Antoine", "Maxime", "Alexandre", "Guillaume", "Olivier", "Philippe", "Laurent",
    "Christophe", "Sébastien", "Éric", "Hervé", "André", "Gérard", "Mathéo", "Théo",
    "Aurélien", "Cédric", "Hugo", "Louis", "Jean", "Paul", "Yann", "Ange", "Dominique",
    "Íñigo", "Ibrahim", "Fatoumata", "Aïcha", "Mohamed", "Nguyễn", "Zoë",
)
# (code, label) from the RPPS nomenclature TRE_G15 "Profession de santé".
_PROFESSIONS: tuple[tuple[str, str], ...] = (
    ("10", "Médecin"),
    ("21", "Pharmacien"),
    ("40", "Chirurgien-dentiste"),
    ("50", "Sage-femme"),
    ("60", "Infirmier"),
    ("70", "Masseur-kinésithérapeute"),
    ("80", "Pédicure-podologue"),
    ("91", "Orthophoniste"),
    ("96", "Psychomotricien"),
    ("28", "Opticien-lunetier"),
)
_PROFESSION_WEIGHTS = (40, 10, 8, 4, 18, 10, 3, 3, 2, 2)
# Ordinal specialties TRE_R38 "Spécialité ordinale" (médecins) and dentists' ones.
_MEDICAL_SPECIALTIES: tuple[tuple[str, str], ...] = (
    ("SM26", "Qualifié en médecine générale"),
    ("SM53", "Spécialiste en médecine générale"),
    ("SM04", "Cardiologie et maladies vasculaires"),
    ("SM02", "Anesthésie-réanimation"),
    ("SM15", "Dermatologie et vénéréologie"),
    ("SM19", "Gastro-entérologie et hépatologie"),
    ("SM21", "Gériatrie"),
    ("SM20", "Gynécologie-obstétrique"),
    ("SM22", "Gynécologie médicale"),
    ("SM32", "Neurologie"),
    ("SM38", "Ophtalmologie"),
    ("SM40", "Oto-rhino-laryngologie"),
    ("SM42", "Pédiatrie"),
    ("SM43", "Pneumologie"),
    ("SM44", "Psychiatrie"),
    ("SM45", "Radiodiagnostic et imagerie médicale"),
    ("SM50", "Rhumatologie"),
    ("SM03", "Biologie médicale"),
    ("SM54", "Médecine d'urgence"),
    ("SM08", "Chirurgie orthopédique et traumatologie"),
)
_DENTAL_SPECIALTIES: tuple[tuple[str, str], ...] = (
    ("SCD01", "Orthopédie dento-faciale"),
    ("SCD02", "Chirurgie orale"),
    ("SCD03", "Médecine bucco-dentaire"),
)
# (postal code, city as written on the delivery line, département)
_CITIES: tuple[tuple[str, str, str], ...] = (
    ("69003", "LYON", "69"), ("69008", "LYON", "69"), ("69437", "LYON CEDEX 03", "69"),
    ("75013", "PARIS", "75"), ("75015", "PARIS", "75"), ("75010", "PARIS", "75"),
    ("13005", "MARSEILLE", "13"), ("13009", "MARSEILLE", "13"), ("59000", "LILLE", "59"),
    ("59037", "LILLE CEDEX", "59"), ("33000", "BORDEAUX", "33"), ("33076", "BORDEAUX CEDEX", "33"),
    ("31059", "TOULOUSE", "31"), ("44093", "NANTES", "44"), ("67000", "STRASBOURG", "67"),
    ("34295", "MONTPELLIER", "34"), ("35033", "RENNES", "35"), ("06000", "NICE", "06"),
    ("38700", "LA TRONCHE", "38"), ("63000", "CLERMONT-FERRAND", "63"),
    ("42055", "SAINT-ÉTIENNE", "42"), ("29200", "BREST", "29"), ("97400", "SAINT-DENIS", "974"),
    ("2A000", "AJACCIO", "2A"), ("21000", "DIJON", "21"), ("51100", "REIMS", "51"),
    ("76000", "ROUEN", "76"), ("87042", "LIMOGES", "87"), ("64100", "BAYONNE", "64"),
    ("74000", "ANNECY", "74"), ("57000", "METZ", "57"), ("80000", "AMIENS", "80"),
)
_STREET_TYPES = ("R", "AV", "BD", "PL", "CHE", "QUAI", "ALL", "IMP", "")
_STREET_NAMES = (
    "DE LA RÉPUBLIQUE", "VICTOR HUGO", "JEAN JAURÈS", "DU GÉNÉRAL DE GAULLE", "PASTEUR",
    "DES LILAS", "SAINT-EXUPÉRY", "GAMBETTA", "DE LA GARE", "DES ÉCOLES", "FOCH",
    "ÉMILE ZOLA", "LOUIS BLÉRIOT", "DU DOCTEUR ROUX", "CLAUDE BERNARD", "DE L'HÔPITAL",
)
_HOSPITALS = (
    "CENTRE HOSPITALIER UNIVERSITAIRE", "CENTRE HOSPITALIER", "CLINIQUE SAINT-JOSEPH",
    "CLINIQUE DU PARC", "POLYCLINIQUE DES ALPES", "HÔPITAL PRIVÉ JEAN MERMOZ",
    "GROUPE HOSPITALIER MUTUALISTE", "CENTRE DE SANTÉ MUNICIPAL", "EHPAD LES GLYCINES",
    "LABORATOIRE DE BIOLOGIE MÉDICALE BIOLAB", "CENTRE DE RADIOLOGIE", "PHARMACIE DU CENTRE",
    "MAISON DE SANTÉ PLURIPROFESSIONNELLE", "CABINET MÉDICAL", "SELARL DES DOCTEURS",
)
_SERVICES = (
    "Cardiologie", "Urgences", "Pédiatrie", "Gériatrie", "Maternité", "Radiologie",
    "Laboratoire", "Pharmacie à usage intérieur", "Médecine polyvalente", "Oncologie",
    "Soins de suite et de réadaptation", "Bloc opératoire", "Secrétariat médical",
    "Admissions", "Département d'information médicale",
)
_APP_NAMES = ("dpi", "lis", "ris", "pacs", "lgc", "hprim", "interop", "eai", "resultats")
_OPERATOR_DOMAINS = (
    "medecin.mssante.fr", "pharmacien.mssante.fr", "chirurgien-dentiste.mssante.fr",
    "sage-femme.mssante.fr", "infirmier.mssante.fr", "masseur-kinesitherapeute.mssante.fr",
)
# Mailiz-like domains of the professional orders, by profession code.
_PROFESSION_DOMAINS = dict(zip(("10", "21", "40", "50", "60", "70"), _OPERATOR_DOMAINS,
                               strict=True))
_ORG_DOMAIN_SUFFIXES = ("chu-{city}", "ch-{city}", "clinique-{city}", "ght-{city}", "msp-{city}")

_PLACE_POOL = 3000

_ASCII = str.maketrans(
    "ÀÂÄÁÃÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸàâäáãçéèêëíìîïñóòôöõúùûüýÿœæŒÆ' ",
    "AAAAACEEEEIIIINOOOOOUUUUYYaaaaaceeeeiiiinooooouuuuyyoaOA--",
)


@functools.lru_cache(maxsize=4096)
def _slug(text: str) -> str:
    """ASCII local-part material: lower case, accents and spaces dropped."""
    translated = text.translate(_ASCII).lower()
    return "".join(ch for ch in translated if ch.isalnum() or ch in "-.").strip("-.") or "x"


@functools.lru_cache(maxsize=256)
def _city_slug(city: str) -> str:
    return _slug(city.split(" CEDEX")[0])


class _Generator:
    """Stateful random rows (kept small so 1,000,000 rows stream quickly)."""

    def __init__(self, seed: int) -> None:
        # Not a security use: reproducible sample data (ruff S311).
        self.rng = random.Random(seed)  # noqa: S311
        self.serial = 0
        self.previous_per: tuple[str, ...] | None = None
        # A pool of structures, drawn once: real extractions repeat the same few
        # thousand sites, and drawing from a pool keeps a million rows fast.
        self.places = [self._new_place() for _ in range(_PLACE_POOL)]

    def _place(self) -> dict[str, str]:
        return dict(self.rng.choice(self.places))

    def _new_place(self) -> dict[str, str]:
        rng = self.rng
        cp, city, dept = rng.choice(_CITIES)
        organisation = rng.choice(_HOSPITALS)
        if organisation.startswith(("CENTRE HOSPITALIER", "CENTRE DE", "CABINET", "SELARL")):
            organisation = f"{organisation} DE {city.split(' CEDEX')[0]}"
        return {
            "struct_type": rng.choice(("1", "1", "3", "4")),
            "struct_id": f"{dept[:2]}{rng.randrange(10**7, 10**8)}",
            "raison": organisation,
            "enseigne": "" if rng.random() < 0.6 else organisation.title(),
            "l2": "" if rng.random() < 0.8 else f"Bâtiment {rng.choice('ABCDE')}",
            "l3": "" if rng.random() < 0.9 else f"BP {rng.randrange(1, 999)}",
            "l4num": "" if rng.random() < 0.1 else str(rng.randrange(1, 250)),
            "l4comp": "" if rng.random() < 0.9 else rng.choice(("B", "T", "BIS")),
            "l4type": rng.choice(_STREET_TYPES),
            "l4libelle": rng.choice(_STREET_NAMES),
            "l5": "" if rng.random() < 0.95 else "LIEU-DIT LES CHÊNES",
            "l6": f"{cp} {city}",
            "cp": cp,
            "dept": dept,
            "pays": "France" if rng.random() < 0.97 else "",
            "_city": city,
        }

    def row(self) -> tuple[str, ...]:
        """One random row; some repeat the previous personal address (two situations)."""
        rng = self.rng
        self.serial += 1
        draw = rng.random()
        if self.previous_per is not None and draw < 0.03:
            # The same mailbox in a second exercise situation: a duplicate address.
            place = self._place()
            place.pop("_city")
            previous = dict(zip(_KEYS, self.previous_per, strict=True))
            previous.update(place)
            return tuple(previous[key] for key in _KEYS)
        if draw < 0.78:
            return self._personal()
        place = self._place()
        city = place.pop("_city")
        domain = rng.choice(_ORG_DOMAIN_SUFFIXES).format(city=_city_slug(city))
        domain = f"{domain}.mssante.fr"
        service = rng.choice(_SERVICES)
        if draw < 0.90:
            bal = "ORG"
            local = f"{_slug(service)}.{self.serial}"
        elif draw < 0.96:
            bal = "APP"
            local = f"{rng.choice(_APP_NAMES)}.{self.serial}"
            service = "" if rng.random() < 0.5 else service
        else:
            bal = "CAB"
            local = f"cabinet.{self.serial}"
            service = ""
            place["raison"] = f"CABINET MÉDICAL {rng.choice(_FAMILY_NAMES)}"
        return _row(bal=bal, address=f"{local}@{domain}", service=service, **place)

    def _personal(self) -> tuple[str, ...]:
        rng = self.rng
        family = rng.choice(_FAMILY_NAMES)
        given = rng.choice(_GIVEN_NAMES)
        if rng.random() < 0.05:
            family = f"{family}-{rng.choice(_FAMILY_NAMES)}"
        prof, prof_label = rng.choices(_PROFESSIONS, weights=_PROFESSION_WEIGHTS)[0]
        sf = sf_label = ""
        civility = ""
        if prof == "10":
            sf, sf_label = rng.choice(_MEDICAL_SPECIALTIES)
            civility = "PR" if rng.random() < 0.05 else "DR"
        elif prof == "40":
            civility = "DR"
            if rng.random() < 0.3:
                sf, sf_label = rng.choice(_DENTAL_SPECIALTIES)
        elif prof == "21":
            civility = "DR" if rng.random() < 0.5 else ""
        rpps = f"10{rng.randrange(10**8, 10**9)}"
        adeli = rng.random() < 0.1 and prof in ("60", "70", "80", "91", "96", "28")
        if adeli:
            pp_type, pp_id = "0", f"{rng.randrange(10**8, 10**9)}"
        else:
            pp_type, pp_id = "8", rpps
        place = self._place()
        place.pop("_city")
        if rng.random() < 0.5:
            domain = _PROFESSION_DOMAINS.get(prof, "pro.mssante.fr")
        else:
            domain = f"{rng.choice(('chu', 'ch', 'clinique', 'ght'))}-{_city_slug(place['l6'][6:])}"
            domain = f"{domain}.mssante.fr"
        local = f"{_slug(given)}.{_slug(family)}"
        if rng.random() < 0.5:
            local = f"{local}{self.serial % 1000}"
        cat = "C" if rng.random() < 0.98 else "M"
        no_id = rng.random() < 0.03  # personal BAL without a national id (it happens)
        row = _row(
            bal="PER", address=f"{local}@{domain}",
            pp_type="" if no_id else pp_type, pp_id="" if no_id else pp_id,
            national_id="" if no_id else f"{pp_type}{pp_id}",
            service="" if rng.random() < 0.5 else rng.choice(_SERVICES),
            civility=civility, family=family,
            given="" if rng.random() < 0.01 else given,
            cat=cat, cat_label="Civil" if cat == "C" else "Militaire",
            prof=prof, prof_label=prof_label, sf=sf, sf_label=sf_label,
            demat="O" if rng.random() < 0.7 else "N", **place,
        )
        self.previous_per = row
        return row


def iter_sample_rows(rows: int = 300, seed: int = 0) -> Iterator[tuple[str, ...]]:
    """Yield ``rows`` rows of 31 fields: the sandbox rows first, then random ones.

    Raises:
        ValueError: ``rows`` is smaller than the number of sandbox rows.
    """
    if rows < len(SANDBOX_ROWS):
        raise ValueError(f"a sample needs at least {len(SANDBOX_ROWS)} rows, got {rows}")
    yield from SANDBOX_ROWS
    generator = _Generator(seed)
    for _ in range(rows - len(SANDBOX_ROWS)):
        yield generator.row()


def extraction_name(stamp: datetime = DEFAULT_STAMP, suffix: str = ".txt") -> str:
    """The published name, ``Extraction_Correspondance_MSSante_AAAAMMJJhhmm`` + suffix."""
    return f"Extraction_Correspondance_MSSante_{stamp:%Y%m%d%H%M}{suffix}"


def write_sample_extraction(
    path: Path, rows: int = 300, seed: int = 0, *, crlf: bool = False, bom: bool = False
) -> Path:
    """Write a sample extraction (.txt) and return its path.

    Args:
        path: the file to write, or an existing directory (the published name is used).
        rows: data rows, header excluded (at least the sandbox rows).
        seed: the same seed gives the same file.
        crlf: end lines with CRLF (the published files have been seen with both).
        bom: start with a UTF-8 byte order mark.
    """
    path = Path(path)
    if path.is_dir():
        path = path / extraction_name()
    newline = "\r\n" if crlf else "\n"
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        out.write(HEADER_LINE + newline)
        batch: list[str] = []
        for row in iter_sample_rows(rows, seed):
            batch.append(SEPARATOR.join(row))
            if len(batch) >= 10_000:
                out.write(newline.join(batch) + newline)
                batch.clear()
        if batch:
            out.write(newline.join(batch) + newline)
    logger.info("wrote %d sample directory rows to %s", rows, path)
    return path


def write_sample_zip(
    txt_path: Path, zip_dir: Path | None = None, stamp: datetime = DEFAULT_STAMP
) -> Path:
    """Wrap an extraction in the published ZIP shape and return the ZIP's path.

    The archive is ``Extraction_Correspondance_MSSante_AAAAMMJJhhmm.zip`` holding the
    ``.txt`` of the same stem, as ANS publishes it.
    """
    txt_path = Path(txt_path)
    target_dir = Path(zip_dir) if zip_dir is not None else txt_path.parent
    zip_path = target_dir / extraction_name(stamp, ".zip")
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(txt_path, arcname=extraction_name(stamp, ".txt"))
    return zip_path


def _main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Write a sample MSSanté directory extraction.")
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--zip", action="store_true", help="also wrap it in the published ZIP")
    args = parser.parse_args(argv)
    txt = write_sample_extraction(args.path, args.rows, args.seed)
    print(write_sample_zip(txt) if args.zip else txt)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
