"""Charset handling: BOM, strict UTF-8, declared charsets, <meta charset>, detection."""

from __future__ import annotations

import codecs

import pytest

from scrapers.encoding import declared_charset, decode_body

TEXT = "<p>Financiële hulp, één café – € 5 ‘gratis’</p>"


@pytest.mark.parametrize(
    ("body", "content_type", "codec"),
    [
        (TEXT.encode("utf-8"), "text/html; charset=utf-8", "utf-8"),
        (TEXT.encode("utf-8"), "text/html; charset=iso-8859-1", "utf-8"),  # mislabelled UTF-8
        (TEXT.encode("cp1252"), "text/html", "cp1252"),  # no label at all
        (TEXT.encode("cp1252"), "text/html; charset=utf-8", "cp1252"),  # mislabelled cp1252
        (TEXT.encode("cp1252"), "text/html; charset=windows-1252", "cp1252"),
        (('<meta charset="windows-1252">' + TEXT).encode("cp1252"), "text/html", "cp1252"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "text/html; charset=cp1252", "utf-8-sig"),
        (TEXT.encode("utf-16"), "text/html", "utf-16"),
    ],
)
def test_decode_body(body: bytes, content_type: str, codec: str) -> None:
    text, used = decode_body(body, content_type)

    assert TEXT in text
    assert used == codec


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("text/html; charset=UTF-8", "utf-8"),
        ('text/html; charset="windows-1252"', "cp1252"),
        ("text/html; charset=bogus-9", None),
        ("text/html", None),
    ],
)
def test_declared_charset(header: str, expected: str | None) -> None:
    assert declared_charset(header) == expected
