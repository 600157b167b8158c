"""Turning fetched bytes into text: byte-order mark, declared charset, <meta charset>, detection.

Pure functions on bytes; no network.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

__all__ = ["decode_body", "declared_charset"]

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Flemish sites that do not say their charset are in practice UTF-8 or Windows-1252; restricting the
# detector to western encodings stops it from guessing cp1250 or mac_latin2 on short Dutch pages.
_WESTERN = ["utf_8", "cp1252", "iso8859_15", "latin_1"]


def declared_charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if it names a known codec."""
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    return _known(match.group(1)) if match else None


def _known(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_body(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode a page body; returns (text, codec used).

    Order: byte-order mark, strict UTF-8, the header's charset, ``<meta charset>``, then
    charset-normalizer over western encodings. Bytes that are valid UTF-8 are read as UTF-8 whatever
    the page claims: servers often label UTF-8 pages ISO-8859-1 and Windows-1252 pages UTF-8,
    and non-ASCII Windows-1252 text is practically never valid UTF-8 by accident.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace"), codec
    declared = declared_charset(content_type)
    candidates = [declared] if declared and declared.startswith(("utf-16", "utf-32")) else []
    candidates += ["utf-8", declared]
    if "json" not in content_type:
        match = _META_CHARSET_RE.search(body[:4096])
        if match:
            candidates.append(_known(match.group(1).decode("ascii", "ignore")))
    for codec in candidates:
        if codec is None:
            continue
        # Browsers read latin-1 as Windows-1252 (WHATWG Encoding), so do the same.
        codec = "cp1252" if codec in {"latin-1", "iso8859-1", "ascii"} else codec
        try:
            return body.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    best = charset_normalizer.from_bytes(body, cp_isolation=_WESTERN).best()
    codec = best.encoding if best is not None else "cp1252"
    return body.decode(codec, errors="replace"), codec
