"""Sanitised HTML: every reference that is not embedded counts as remote content, and
``data:`` links never survive (``mail show --json`` hands the HTML to other programs)."""

from __future__ import annotations

import pytest

from client.mail.reading import parse_message, sanitize_html
from tests.client.mail._messages import letter

PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"


@pytest.mark.parametrize(
    "src",
    [
        "/\\evil.test/p.gif",
        "\\\\evil.test\\share\\p.gif",
        "//evil.test/p.gif",
        "http://evil.test/p.gif",
        "HTTPS://evil.test/p.gif",
        " \thttps://evil.test/p.gif",
        "ftp://evil.test/p.gif",
        "file:///etc/passwd",
        "p.gif",
        "/p.gif",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_any_image_source_not_embedded_is_remote(src: str) -> None:
    safe, blocked = sanitize_html(f'<p>x</p><img src="{src}" alt="logo">')
    assert blocked
    assert "evil.test" not in safe and "src=" not in safe


@pytest.mark.parametrize("src", ["/\\evil.test/p.gif", "\\\\evil.test\\share\\p.gif",
                                 "file:///etc/passwd"])
def test_allowing_remote_content_still_fetches_web_images_only(src: str) -> None:
    safe, blocked = sanitize_html(f'<img src="{src}"><img src="https://ok.test/a.png">',
                                  allow_remote=True)
    assert blocked and "evil.test" not in safe and "passwd" not in safe
    assert "https://ok.test/a.png" in safe


@pytest.mark.parametrize(
    "html",
    [
        '<table background="//evil.test/bg.png"><tr><td>x</td></tr></table>',
        '<td background="\\\\evil.test\\s\\bg.png">x</td>',
        '<img src="cid:logo" srcset="cid:logo 1x, https://evil.test/2x.png 2x">',
        '<p style="background:url(https://evil.test/bg.png)">x</p>',
        '<div style="background-image: url( \'/\\evil.test/b.png\' )">x</div>',
        '<style>body{background:url(//evil.test/b.png)}</style><p>x</p>',
    ],
)
def test_backgrounds_srcset_and_css_urls_count(html: str) -> None:
    safe, blocked = sanitize_html(html)
    assert blocked and "evil.test" not in safe


def test_embedded_images_are_kept_and_not_flagged() -> None:
    html = (f'<img src="cid:logo@x"><img src="{PNG}">'
            f'<p style="background:url(cid:bg)">x</p>')
    safe, blocked = sanitize_html(html)
    assert not blocked
    assert 'src="cid:logo@x"' in safe and PNG in safe


@pytest.mark.parametrize(
    "href",
    [
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DATA:text/html,<script>alert(1)</script>",
        " data:text/html,x",
        "\\\\evil.test\\share\\doc.pdf",
        "file:///C:/Windows/System32/calc.exe",
        "javascript:alert(1)",
        "vbscript:msgbox(1)",
    ],
)
def test_links_keep_web_mail_and_anchors_only(href: str) -> None:
    safe, _ = sanitize_html(f'<a href="{href}">ouvrir</a><a href="https://ok.test/">ok</a>'
                            '<a href="mailto:a@b.fr">m</a><a href="#n">n</a>')
    assert "data:" not in safe.lower() and "evil.test" not in safe and "calc" not in safe
    assert "script:" not in safe.lower()
    for kept in ('href="https://ok.test/"', 'href="mailto:a@b.fr"', 'href="#n"'):
        assert kept in safe


def test_parsed_message_flags_a_backslash_tracker() -> None:
    msg = letter()
    msg.add_alternative('<p>Bonjour</p><img src="/\\evil.test/p.gif">', subtype="html")
    read = parse_message(msg.as_bytes())
    assert read.remote_content_blocked
    assert read.html is not None and "evil.test" not in read.html


@pytest.mark.parametrize(
    "html",
    [
        # A data: candidate first, then a remote one after a comma without a space.
        f'<img srcset="{PNG} 1x,https://evil.test/b.png 2x">',
        '<base href="https://evil.test/"><img src="cid:logo">',
        '<link rel="stylesheet" href="https://evil.test/x.css">',
        '<svg><image href="https://evil.test/x.png"/></svg>',
        '<svg><image xlink:href="//evil.test/x.png"/></svg>',
        '<svg><use href="https://evil.test/x.svg#a"/></svg>',
        '<video poster="https://evil.test/x.png"></video>',
        '<object data="https://evil.test/x"></object>',
        '<img lowsrc="https://evil.test/x.gif">',
        '<img dynsrc="https://evil.test/x.avi">',
        '<style>@import "https://evil.test/x.css";</style>',
        '<div style="background: image-set(\'https://evil.test/x.png\' 1x)">x</div>',
    ],
)
def test_other_references_a_viewer_would_fetch_count_too(html: str) -> None:
    """Dropped with their tags or attributes, they are still what the flag reports: the
    message tried to reach a server (a tracker), whatever the form."""
    safe, blocked = sanitize_html(html)
    assert blocked and "evil.test" not in safe


def test_plain_links_and_embedded_images_raise_no_flag() -> None:
    html = (f'<a href="https://ok.test/doc">doc</a> <img src="{PNG}" '
            f'srcset="{PNG} 1x, cid:logo 2x"> <p data-x="1">texte</p>')
    assert sanitize_html(html)[1] is False
