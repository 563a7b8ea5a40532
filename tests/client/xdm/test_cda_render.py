"""CDA documents rendered for reading: real ANS examples, and hostile documents.

The examples in ``tests/data/cda/`` are ANS's published CDA examples (copies of
``tests/data/cda``: CR-BIO TSH, LDL-SES, CR-IMG level 1 with its PDF).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client.xdm import XdmError
from client.xdm.cda_render import RenderLabels, render_cda
from client.xdm.errors import CdaRefused

DATA = Path(__file__).resolve().parents[2] / "data" / "cda"
CDA_HEAD = ('<ClinicalDocument xmlns="urn:hl7-org:v3"><title>T</title>'
            '<recordTarget><patientRole><id root="1.2.250.1.213.1.4.8" extension="1"/>'
            '<patient><name><given>Marie</given><family>Dupont</family></name></patient>'
            '</patientRole></recordTarget>'
            '<component><structuredBody><component><section><title>S</title><text>')
CDA_TAIL = "</text></section></component></structuredBody></component></ClinicalDocument>"


def _cda(narrative: str, prolog: str = "") -> bytes:
    return (prolog + CDA_HEAD + narrative + CDA_TAIL).encode("utf-8")


def _tags(markup: str) -> set[str]:
    return {m.lower() for m in re.findall(r"<\s*/?\s*([a-zA-Z0-9]+)", markup)}


SAFE_TAGS = {"html", "body", "h2", "h3", "h4", "h5", "h6", "table", "tr", "th", "td",
             "caption", "p", "ul", "ol", "li", "b", "i", "u", "sub", "sup", "br", "small"}


def test_lab_report_header_and_table() -> None:
    rendered = render_cda((DATA / "BIO-CR-BIO_2024.01_TSH_1.xml").read_bytes())
    assert (rendered.patient, rendered.ins, rendered.birth_date) == (
        "Dominique PAT-TROIS", "279035121518989", "28/03/1979")
    assert rendered.ins_is_test  # the ANS examples use test identities (OID ...4.10)
    assert rendered.author.startswith("Marcel CAMPARINI")
    assert rendered.organization == "Laboratoire des charmes"
    assert rendered.date == "01/04/2021 17:10"
    assert rendered.document_type == "CR d'examens biologiques"
    page = rendered.to_html()
    assert "BILAN THYROIDIEN" in page and "<th><b>BILAN THYROIDIEN</b></th>" in page
    assert "Dominique PAT-TROIS" in page and "identité de test" in page
    assert _tags(page) <= SAFE_TAGS


def test_discharge_letter_sections_lists_and_tables() -> None:
    rendered = render_cda((DATA / "LDL-SES_2022.01.xml").read_bytes())
    titles = [s.title for s in rendered.sections]
    assert "Motif de l'hospitalisation" in titles and "Traitements à la sortie" in titles
    assert rendered.organization == "Hôpital Européen Georges Pompidou"
    assert any("<table" in s.html for s in rendered.sections)
    assert _tags(rendered.to_html()) <= SAFE_TAGS


def test_level_one_document_returns_its_pdf() -> None:
    rendered = render_cda((DATA / "IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml").read_bytes())
    assert rendered.embedded is not None
    assert rendered.embedded.media_type == "application/pdf"
    assert rendered.embedded.data.startswith(b"%PDF-")
    assert rendered.document_type == "CR d’imagerie médicale"


def test_narrative_elements_map_to_plain_html() -> None:
    rendered = render_cda(_cda(
        '<paragraph>Un <content styleCode="Bold Italics">gras</content><br/>ligne'
        '<sub>2</sub><sup>3</sup></paragraph>'
        '<list listType="ordered"><caption>Liste</caption><item>un</item><item>deux</item>'
        '</list><table><caption>Tab</caption><thead><tr><th colspan="2">A</th></tr></thead>'
        '<tbody><tr><td rowspan="x">1</td><td>2</td></tr></tbody></table>'
    ))
    markup = rendered.sections[0].html
    assert "<p>Un <b><i>gras</i></b><br>ligne<sub>2</sub><sup>3</sup></p>" in markup
    assert "<ol><li><b>Liste</b></li><li>un</li><li>deux</li></ol>" in markup
    assert "<th colspan='2'>A</th>" in markup and "<td>1</td>" in markup  # "x" dropped
    assert "<caption>Tab</caption>" in markup


def test_scripts_links_and_images_never_reach_the_html() -> None:
    rendered = render_cda(_cda(
        '<paragraph onclick="steal()">a<script>alert(1)</script></paragraph>'
        '<linkHtml href="javascript:alert(2)">cliquer</linkHtml>'
        '<renderMultiMedia referencedObject="img1"/>'
        '<content styleCode="x&quot; onmouseover=&quot;y">z</content>'
        '<img xmlns="http://www.w3.org/1999/xhtml" src="https://evil.test/p.gif"/>'
        '<paragraph>&lt;script&gt;alert(3)&lt;/script&gt;</paragraph>'
    ))
    page = rendered.to_html()
    assert _tags(page) <= SAFE_TAGS
    assert "onclick" not in page and "onmouseover" not in page
    assert "<script" not in page.lower() and "&lt;script&gt;" in page
    assert "href" not in page and "src=" not in page
    # A javascript: target is shown as text, never as a link.
    assert "cliquer (lien : javascript:alert(2))" in page
    assert "[contenu multimédia non affiché]" in page
    assert "evil.test" not in page


@pytest.mark.parametrize("prolog, narrative", [
    # XXE: an external entity reading a local file.
    ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
    # Billion laughs.
    ('<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
     '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>', "&c;"),
    # An external DTD.
    ('<!DOCTYPE ClinicalDocument SYSTEM "https://evil.test/cda.dtd">', "x"),
])
def test_entities_and_dtds_are_refused(prolog: str, narrative: str) -> None:
    with pytest.raises(CdaRefused, match="DTD or entities"):
        render_cda(_cda(narrative, prolog))


def test_other_hostile_inputs_are_refused_with_a_reason() -> None:
    with pytest.raises(CdaRefused, match="not well-formed"):
        render_cda(b"<ClinicalDocument xmlns='urn:hl7-org:v3'><title>")
    with pytest.raises(CdaRefused, match="not an HL7 CDA"):
        render_cda(b"<html><script>alert(1)</script></html>")
    deep = "<content>" * 200 + "x" + "</content>" * 200
    with pytest.raises(CdaRefused, match="nested too deeply"):
        render_cda(_cda(f"<paragraph>{deep}</paragraph>"))
    with pytest.raises(CdaRefused, match="larger than"):
        render_cda(b" " * (21 * 1024 * 1024))
    assert issubclass(CdaRefused, XdmError)


def test_labels_are_the_callers() -> None:
    labels = RenderLabels(patient="Patient", media="[media not shown]", link="link")
    rendered = render_cda(_cda('<renderMultiMedia referencedObject="a"/>'), labels)
    assert "[media not shown]" in rendered.to_html()


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=200))
def test_any_text_in_the_narrative_stays_text(text: str) -> None:
    from xml.sax.saxutils import escape

    rendered = render_cda(_cda(f"<paragraph>{escape(text)}</paragraph>"))
    assert _tags(rendered.to_html()) <= SAFE_TAGS


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_cda_refused(data: bytes) -> None:
    try:
        render_cda(data)
    except CdaRefused:
        pass
