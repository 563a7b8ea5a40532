"""CDA R2 documents rendered for reading: the header, and the narrative as safe HTML.

A CDA document carries its human-readable content in the *narrative block* of each
section (HL7 CDA R2, section 4.3.5): ``paragraph``, ``list``/``item``, ``table`` and its
parts, ``content``, ``br``, ``caption``, ``sub``/``sup``, ``footnote``, ``linkHtml`` and
``renderMultiMedia``. This module walks those elements and writes HTML of its own making:

- only a fixed set of tags is ever written, every text is escaped, and no attribute of
  the document is copied except ``styleCode`` (mapped to ``b``/``i``/``u``) and integer
  ``colspan``/``rowspan``; so no script, no event handler, no style and no URL reach the
  HTML, whatever the document holds;
- ``linkHtml`` becomes its text with the target shown beside it, never a link;
  ``renderMultiMedia`` becomes a placeholder (nothing is fetched, not even a local file);
- the XML is parsed with defusedxml, DTDs, entities and external references refused, so
  a billion-laughs or XXE document is refused before anything is read.

Level 1 documents (``nonXMLBody``, a PDF in base64) are returned as their embedded file so
that the reader's PDF view shows them. Nothing here knows Qt.
"""

from __future__ import annotations

import base64
import binascii
import html
import logging
import re
import xml.etree.ElementTree as ET  # only for the Element type; parsing is defusedxml
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from client.xdm.cda import CDA_NS, CdaHeader, CdaPerson, cda_header_from_root
from client.xdm.errors import CdaRefused
from client.xdm.ins import INS_TEST_NIA_OID, INS_TEST_NIR_OID

__all__ = [
    "EmbeddedFile",
    "RenderLabels",
    "RenderedCda",
    "RenderedSection",
    "render_cda",
]

logger = logging.getLogger(__name__)

_N = {"h": CDA_NS}
#: A CDA bigger than this is refused (the ANS examples are 80 to 300 KB).
MAX_BYTES = 20 * 1024 * 1024
#: Narrative nesting deeper than this is refused (no legitimate document comes close).
MAX_DEPTH = 60
_STYLES = {"bold": "b", "italics": "i", "underline": "u", "emphasis": "i"}
_LIST_TAGS = {"ordered": "ol", "unordered": "ul"}
_TABLE_PARTS = {"thead", "tbody", "tfoot", "tr"}
_CELLS = {"th", "td"}
_DATE = re.compile(r"^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?")


@dataclass(frozen=True)
class RenderLabels:
    """The few words the renderer writes itself; the desktop passes translated ones."""

    patient: str = "Patient"
    ins: str = "INS"
    birth: str = "Né(e) le"
    author: str = "Auteur"
    organization: str = "Organisation"
    date: str = "Date"
    document_type: str = "Type de document"
    media: str = "[contenu multimédia non affiché]"
    link: str = "lien"
    test_identity: str = "identité de test"
    embedded: str = "Ce document contient un fichier joint ({media}) affiché à part."


@dataclass(frozen=True)
class RenderedSection:
    """One section: its title, its depth (1 = top level) and its narrative as HTML."""

    title: str
    level: int
    html: str


@dataclass(frozen=True)
class EmbeddedFile:
    """The file of a level 1 document (``nonXMLBody``)."""

    media_type: str
    data: bytes


@dataclass(frozen=True)
class RenderedCda:
    """A CDA document ready to read."""

    header: CdaHeader
    patient: str  # "Marie DUPONT"
    ins: str
    ins_is_test: bool
    birth_date: str  # "12/03/1961"
    author: str  # "Dr Jean MARTIN, Médecin généraliste"
    organization: str
    date: str  # "29/11/2026 15:26"
    document_type: str  # "CR d'examens biologiques"
    sections: tuple[RenderedSection, ...] = ()
    embedded: EmbeddedFile | None = None
    labels: RenderLabels = field(default_factory=RenderLabels)

    def header_html(self) -> str:
        """The header as an HTML table (escaped)."""
        rows = [
            (self.labels.patient, self.patient),
            (self.labels.ins, self.ins + (f" ({self.labels.test_identity})"
                                          if self.ins and self.ins_is_test else "")),
            (self.labels.birth, self.birth_date),
            (self.labels.author, self.author),
            (self.labels.organization, self.organization),
            (self.labels.date, self.date),
            (self.labels.document_type, self.document_type),
        ]
        cells = "".join(
            f"<tr><th align='left'>{_esc(name)}</th><td>{_esc(value)}</td></tr>"
            for name, value in rows if value
        )
        return f"<table cellpadding='3' class='cda-header'>{cells}</table>"

    def to_html(self) -> str:
        """The whole document: header, then each section with its title."""
        parts = [f"<h2>{_esc(self.header.title or self.document_type)}</h2>",
                 self.header_html()]
        if self.embedded is not None:
            parts.append(f"<p><i>{_esc(self.labels.embedded.format(media=self.embedded.media_type))}"
                         "</i></p>")
        for section in self.sections:
            level = min(section.level + 2, 6)
            if section.title:
                parts.append(f"<h{level}>{_esc(section.title)}</h{level}>")
            parts.append(section.html)
        return "<html><body>" + "".join(parts) + "</body></html>"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _local(tag: object) -> str:
    # Only elements of the HL7 v3 namespace are narrative; anything else (comments,
    # processing instructions, foreign namespaces) contributes its text at most.
    if not isinstance(tag, str) or not tag.startswith("{" + CDA_NS + "}"):
        return ""
    return tag.split("}", 1)[1]


class _Narrative:
    """Writes one narrative block (``section/text``) as HTML."""

    def __init__(self, labels: RenderLabels) -> None:
        self.labels = labels
        self.out: list[str] = []

    def text(self, value: str | None) -> None:
        if value:
            self.out.append(_esc(value))

    def children(self, element: ET.Element, depth: int) -> None:
        self.text(element.text)
        for child in element:
            self.element(child, depth + 1)
            self.text(child.tail)

    def wrapped(self, element: ET.Element, depth: int, before: str, after: str) -> None:
        """``element``'s content between ``before`` and ``after``."""
        self.out.append(before)
        self.children(element, depth)
        self.out.append(after)

    def styled(self, element: ET.Element) -> tuple[str, str]:
        styles = (element.get("styleCode") or "").lower().split()
        tags = [_STYLES[s] for s in styles if s in _STYLES]
        return "".join(f"<{t}>" for t in tags), "".join(f"</{t}>" for t in reversed(tags))

    def element(self, element: ET.Element, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise CdaRefused("the narrative is nested too deeply")
        name = _local(element.tag)
        opening, closing = self.styled(element)
        if name == "br":
            self.out.append("<br>")
        elif name == "paragraph":
            self.wrapped(element, depth, "<p>" + opening, closing + "</p>")
        elif name == "list":
            tag = _LIST_TAGS.get((element.get("listType") or "").lower(), "ul")
            self.out.append(f"<{tag}>")
            for child in element:
                child_name = _local(child.tag)
                if child_name == "caption":
                    self.wrapped(child, depth + 1, "<li><b>", "</b></li>")
                elif child_name == "item":
                    self.wrapped(child, depth + 1, "<li>", "</li>")
            self.out.append(f"</{tag}>")
        elif name == "table":
            self.table(element, depth)
        elif name in ("sub", "sup"):
            self.wrapped(element, depth, f"<{name}>", f"</{name}>")
        elif name == "caption":
            self.wrapped(element, depth, "<p><b>", "</b></p>")
        elif name == "linkHtml":
            # Never a live link: its text, and the target written out for the reader.
            self.children(element, depth)
            target = element.get("href") or ""
            if target:
                self.out.append(f" ({_esc(self.labels.link)} : {_esc(target)})")
        elif name == "renderMultiMedia":
            self.out.append(f"<i>{_esc(self.labels.media)}</i>")
        elif name == "footnote":
            self.wrapped(element, depth, "<small> [", "]</small>")
        elif name == "footnoteRef":
            self.out.append("<sup>*</sup>")
        else:
            # content, and anything unknown or foreign: its text, with its style.
            self.wrapped(element, depth, opening, closing)

    def table(self, table: ET.Element, depth: int) -> None:
        self.out.append("<table border='1' cellspacing='0' cellpadding='3'>")
        for child in table:
            name = _local(child.tag)
            if name == "caption":
                self.wrapped(child, depth + 1, "<caption>", "</caption>")
            elif name in _TABLE_PARTS:
                self.rows(child, depth + 1)
        self.out.append("</table>")

    def rows(self, part: ET.Element, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise CdaRefused("the narrative is nested too deeply")
        if _local(part.tag) != "tr":
            for row in part:
                if _local(row.tag) == "tr":
                    self.rows(row, depth + 1)
            return
        self.out.append("<tr>")
        for cell in part:
            name = _local(cell.tag)
            if name not in _CELLS:
                continue
            spans = "".join(
                f" {attr}='{int(value)}'" for attr in ("colspan", "rowspan")
                if (value := cell.get(attr) or "").isdigit() and 0 < int(value) < 1000
            )
            opening, closing = self.styled(cell)
            self.wrapped(cell, depth + 1, f"<{name}{spans}>{opening}", f"{closing}</{name}>")
        self.out.append("</tr>")


def _date(value: str, *, with_time: bool = True) -> str:
    """``20261129152600+0100`` -> ``29/11/2026 15:26`` (HL7 TS); "" when unreadable."""
    match = _DATE.match(value or "")
    if not match:
        return ""
    year, month, day, hour, minute = match.groups()
    text = "/".join(p for p in (day, month, year) if p)
    if with_time and hour:
        text += f" {hour}:{minute or '00'}"
    return text


def _person(person: CdaPerson | None) -> tuple[str, str]:
    if person is None:
        return "", ""
    name = f"{person.given.title()} {person.family.upper()}".strip()
    if person.specialty is not None and person.specialty.display:
        name = f"{name}, {person.specialty.display}" if name else \
            person.specialty.display
    return name, person.organization_name


def _sections(root: ET.Element, labels: RenderLabels) -> list[RenderedSection]:
    out: list[RenderedSection] = []

    def walk(section: ET.Element, level: int) -> None:
        if level > MAX_DEPTH:
            raise CdaRefused("the sections are nested too deeply")
        title_element = section.find("h:title", _N)
        title = " ".join("".join(title_element.itertext()).split()) \
            if title_element is not None else ""
        narrative = _Narrative(labels)
        text = section.find("h:text", _N)
        if text is not None:
            narrative.children(text, 0)
        out.append(RenderedSection(title, level, "".join(narrative.out)))
        for child in section.findall("h:component/h:section", _N):
            walk(child, level + 1)

    for section in root.findall("h:component/h:structuredBody/h:component/h:section", _N):
        walk(section, 1)
    return out


def _embedded(root: ET.Element) -> EmbeddedFile | None:
    text = root.find("h:component/h:nonXMLBody/h:text", _N)
    if text is None:
        return None
    media_type = (text.get("mediaType") or "application/octet-stream").strip().lower()
    if (text.get("representation") or "").upper() != "B64":
        return EmbeddedFile("text/plain", "".join(text.itertext()).encode("utf-8"))
    try:
        data = base64.b64decode("".join("".join(text.itertext()).split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CdaRefused("the embedded file is not valid base64") from exc
    return EmbeddedFile(media_type, data)


def render_cda(data: bytes, labels: RenderLabels | None = None) -> RenderedCda:
    """Read a CDA R2 document for display.

    Raises:
        CdaRefused: too large, not well-formed, hostile (DTD, entities, external
            references), not an HL7 ``ClinicalDocument``, or nested absurdly deep.
    """
    labels = labels or RenderLabels()
    if len(data) > MAX_BYTES:
        raise CdaRefused(f"the document is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)
    except DefusedXmlException as exc:
        raise CdaRefused("the document declares a DTD or entities, which are refused"
                         ) from exc
    except (ET.ParseError, LookupError, ValueError) as exc:
        raise CdaRefused("the document is not well-formed XML") from exc
    except RecursionError as exc:
        raise CdaRefused("the document is nested too deeply") from exc
    if root.tag != f"{{{CDA_NS}}}ClinicalDocument":
        raise CdaRefused("the document is not an HL7 CDA ClinicalDocument")
    header = cda_header_from_root(root)
    author, organization = _person(header.author)
    if not organization and header.legal_authenticator is not None:
        organization = header.legal_authenticator.organization_name
    patient = f"{header.patient_given.title()} {header.patient_family.upper()}".strip()
    code = header.code
    return RenderedCda(
        header=header,
        patient=patient,
        ins=header.patient_ins,
        ins_is_test=header.patient_ins_oid in (INS_TEST_NIR_OID, INS_TEST_NIA_OID),
        birth_date=_date(header.patient_birth_time, with_time=False),
        author=author,
        organization=organization,
        date=_date(header.effective_time),
        document_type=(code.display if code is not None and code.display
                       else header.title),
        sections=tuple(_sections(root, labels)),
        embedded=_embedded(root),
        labels=labels,
    )
