"""HTML page helpers on BeautifulSoup: parsing, readable text with line breaks, page metadata.

Shared by generic extraction and the source adapters; no network here.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction, Tag

from scrapers.heuristics import Phone, find_emails, find_phones, normalize_email, phone_from_href

__all__ = [
    "absolute_url",
    "block_text",
    "content_scope",
    "emails_in",
    "meta_content",
    "parse_html",
    "phones_in",
    "site_name_of",
    "title_of",
]

_BLOCKS = frozenset(
    "address article aside blockquote dd div dl dt fieldset figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section table tbody thead tfoot tr ul".split()
)
_CELLS = frozenset({"td", "th"})
# Not "form": ASP.NET sites wrap the whole page in one.
_NOISE = ("script", "style", "noscript", "template", "svg", "iframe", "button")
_CHROME = ("header", "nav", "footer")
_CHROME_ROLES = ("navigation", "banner", "contentinfo", "search")
_CHROME_CLASS_RE = re.compile(r"cookie|breadcrumb|skip-?link|site-?footer|site-?header", re.I)
_TITLE_SEPARATORS_RE = re.compile(r"\s+[|\u2013\u2014-]\s+|\s+::\s+")


def parse_html(html: str) -> BeautifulSoup:
    """Parse with lxml, which repairs broken markup instead of failing."""
    return BeautifulSoup(html, "lxml")


def block_text(tag: Tag) -> str:
    """Text with a line break per block element and ``<br>``, inline elements joined by spaces.

    Keeps address blocks and opening-hours tables readable line by line ("Maandag 9 - 12 uur").
    """
    pieces: list[str] = []
    for node in tag.descendants:
        if isinstance(node, Tag):
            if node.name == "br" or node.name in _BLOCKS:
                pieces.append("\n")
            elif node.name in _CELLS:
                pieces.append(" ")
            continue
        if node.parent is not None and node.parent.name in _NOISE:
            continue
        if isinstance(node, Comment | Declaration | Doctype | ProcessingInstruction):
            continue
        pieces.append(str(node))
    text = "".join(pieces)
    lines = (re.sub(r"[ \t\r\f\v\xa0\u200b]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def content_scope(soup: BeautifulSoup) -> Tag:
    """The page without scripts, site header, navigation, footer and cookie banners.

    Footers of municipal sites carry the town hall's address and phone, which must not be taken
    for the service's own. Changes the soup in place.
    """
    for name in _NOISE:
        for tag in soup.find_all(name):
            tag.decompose()
    for tag in soup.find_all(_CHROME):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": _CHROME_ROLES}):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.attrs is None:
            continue
        marker = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
        if marker.strip() and _CHROME_CLASS_RE.search(marker):
            tag.decompose()
    return soup.body or soup


def meta_content(soup: BeautifulSoup, *names: str) -> str | None:
    """First non-empty ``<meta name|property=...>`` content among ``names``."""
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if isinstance(tag, Tag):
            content = str(tag.get("content") or "").strip()
            if content:
                return content
    return None


def title_of(soup: BeautifulSoup) -> str | None:
    """The page's own name: ``<h1>``, else og:title, else ``<title>`` without the site suffix."""
    h1 = soup.find("h1")
    if isinstance(h1, Tag):
        # First line only: on broken markup ("<h1>Naam</h2>") lxml leaves the h1 open to the end.
        lines = block_text(h1).splitlines()
        if lines:
            return lines[0]
    title = meta_content(soup, "og:title")
    if not title and soup.title is not None:
        title = soup.title.get_text(" ")
    if not title:
        return None
    return _TITLE_SEPARATORS_RE.split(" ".join(title.split()))[0] or None


def site_name_of(soup: BeautifulSoup) -> str | None:
    """The site name: og:site_name, else the last part of ``<title>`` ("Leefloon | Stad X")."""
    name = meta_content(soup, "og:site_name", "application-name")
    if name or soup.title is None:
        return name
    parts = _TITLE_SEPARATORS_RE.split(" ".join(soup.title.get_text(" ").split()))
    return parts[-1] if len(parts) > 1 else None


def phones_in(tag: Tag) -> list[Phone]:
    """Phones from ``tel:`` links first (they are exact), then from the text."""
    found: list[Phone] = []
    for link in tag.select('a[href^="tel:" i]'):
        phone = phone_from_href(str(link.get("href")), context=_text_before(link))
        if phone and all(p.e164 != phone.e164 for p in found):
            found.append(phone)
    for phone in find_phones(block_text(tag)):
        if all(p.e164 != phone.e164 for p in found):
            found.append(phone)
    return found


def emails_in(tag: Tag) -> list[str]:
    """E-mail addresses from ``mailto:`` links first, then from the text."""
    found: list[str] = []
    for link in tag.select('a[href^="mailto:" i]'):
        email = normalize_email(str(link.get("href")))
        if email and email not in found:
            found.append(email)
    for email in find_emails(block_text(tag)):
        if email not in found:
            found.append(email)
    return found


def _text_before(tag: Tag) -> str:
    """A little text preceding a link, to recognise "Fax: <a href=tel:...>"."""
    previous = tag.find_previous(string=True)
    return str(previous)[-30:] if previous else ""


def absolute_url(base: str, href: str | None) -> str | None:
    """A scraped link as an absolute http(s) URL without fragment, or None.

    Every URL a page hands us (links, JSON-LD ``url``, og:url, canonical) goes through here:
    ``javascript:``, ``data:``, ``mailto:`` and malformed URLs must never reach the catalogue,
    where a referrer would click them.
    """
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    try:
        parts = urlsplit(urljoin(base, href))
        _port = parts.port  # raises ValueError for a malformed port ("https://javascript:x")
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        return None
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
