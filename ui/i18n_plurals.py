"""Write the French catalog's plural forms from the sources: ``python -m ui.i18n_plurals``.

French is the source language, but ``%n`` strings ("Il reste %n essai(s).") still need
their singular and plural forms, which Qt picks by the number. This tool runs
``pyside6-lupdate`` over ``ui/*.py`` and writes ``resources/i18n/mssante_companion_fr.ts``:
every plural string of the sources, its singular with "(s)", "(x)", "(es)" dropped and
its plural with them kept ("essai(s)" -> "essai" / "essais"), plus the strings of Qt's
own dialogs that ``qtbase_fr`` lacks. Check the result: a form the rule gets wrong is
corrected in the source string.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path

import defusedxml.ElementTree as SafeET

from ui.i18n import CATALOG_PREFIX, i18n_dir

__all__ = ["french_forms", "write_french_catalog"]

_MARK = re.compile(r"\((s|x|es)\)")

#: Qt's file dialog labels carry mnemonics that qtbase_fr does not translate.
QT_STRINGS = {"QFileDialog": [("&Look in:", "&Regarder dans :"),
                              ("Files of &type:", "Fichiers de &type :")]}


def french_forms(source: str) -> tuple[str, str]:
    """Singular and plural of a ``%n`` source string."""
    return _MARK.sub("", source), _MARK.sub(r"\1", source)


def _plural_sources(root: Path) -> dict[str, list[str]]:
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    with tempfile.TemporaryDirectory() as tmp:
        ts = Path(tmp) / "plurals_fr.ts"
        sources = sorted(str(p) for p in (root / "ui").glob("*.py"))
        subprocess.run([str(lupdate), "-silent", "-target-language", "fr_FR", *sources,  # noqa: S603
                        "-ts", str(ts)], check=True, capture_output=True, timeout=120)
        tree = SafeET.parse(ts)
    found: dict[str, list[str]] = {}
    for context in tree.iter("context"):
        for message in context.iter("message"):
            if message.get("numerus") == "yes":
                found.setdefault(context.findtext("name") or "", []).append(
                    message.findtext("source") or "")
    return found


def write_french_catalog(root: Path | None = None) -> Path:
    """Regenerate the French catalog; return its path."""
    root = root or Path(__file__).resolve().parent.parent
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>",
             '<TS version="2.1" language="fr_FR" sourcelanguage="fr_FR">',
             "<!-- Written by python -m ui.i18n_plurals: French is the source language; this",
             "     catalog holds the plural forms of the %n strings and the strings of Qt's own",
             "     dialogs that its qtbase_fr catalog lacks. -->"]
    for name, pairs in QT_STRINGS.items():
        lines.append(f"<context>\n    <name>{name}</name>")
        for source, translation in pairs:
            lines.append(f"    <message>\n        <source>{escape(source, False)}</source>\n"
                         f"        <translation>{escape(translation, False)}</translation>\n"
                         "    </message>")
        lines.append("</context>")
    for name, sources in sorted(_plural_sources(root).items()):
        lines.append(f"<context>\n    <name>{escape(name, False)}</name>")
        for source in sources:
            one, many = french_forms(source)
            lines.append(
                f'    <message numerus="yes">\n        <source>{escape(source, False)}</source>\n'
                "        <translation>\n"
                f"            <numerusform>{escape(one, False)}</numerusform>\n"
                f"            <numerusform>{escape(many, False)}</numerusform>\n"
                "        </translation>\n    </message>")
        lines.append("</context>")
    target = i18n_dir() / f"{CATALOG_PREFIX}_fr.ts"
    target.write_text("\n".join(lines) + "\n</TS>\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    print(write_french_catalog())
