"""Page helpers: links found on pages become absolute http(s) URLs or nothing."""

from __future__ import annotations

import pytest

from scrapers.page import absolute_url

BASE = "https://www.gemeente.example/welzijn/leefloon"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("aanvragen", "https://www.gemeente.example/welzijn/aanvragen"),
        ("/contact#adres", "https://www.gemeente.example/contact"),
        ("//cdn.gemeente.example/folder.pdf", "https://cdn.gemeente.example/folder.pdf"),
        ("HTTP://www.ocmw.example/?a=1", "http://www.ocmw.example/?a=1"),
        ("  https://www.ocmw.example/  ", "https://www.ocmw.example/"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox(1)", None),
        ("mailto:info@ocmw.example", None),
        ("tel:+3251000410", None),
        ("ftp://ftp.ocmw.example/", None),
        ("#inhoud", None),
        ("https://javascript:alert(1)", None),  # a malformed port
        ("http://[::1", None),
        ("", None),
        (None, None),
    ],
)
def test_absolute_url_keeps_only_web_links(href: str | None, expected: str | None) -> None:
    assert absolute_url(BASE, href) == expected


def test_a_relative_link_without_a_web_base_is_dropped() -> None:
    assert absolute_url("", "/contact") is None
