"""Pure text heuristics for Flemish pages: Belgian phones, e-mails, addresses and KBO numbers.

No HTML parsing and no network here (see page.py and http.py); opening hours live in hours.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "Phone",
    "PostalAddress",
    "address_key",
    "find_addresses",
    "find_emails",
    "find_kbo",
    "find_phones",
    "fold",
    "normalize_email",
    "normalize_kbo",
    "normalize_phone",
    "phone_from_href",
    "province_for_postcode",
]


@dataclass(frozen=True)
class Phone:
    """A Belgian phone number: national display form, E.164 form and HSDS phone type."""

    number: str
    e164: str
    type: str = "voice"


@dataclass(frozen=True)
class PostalAddress:
    """A street address as HSDS wants it; street includes the house number and box."""

    street: str
    postal_code: str
    city: str
    country: str = "BE"

    def display(self) -> str:
        """Address on one line, the way Flemish pages write it."""
        return f"{self.street}, {self.postal_code} {self.city}"


def fold(text: str) -> str:
    """Lower-case and strip accents, for comparisons ("Financiële" == "financiele")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# --- phones -----------------------------------------------------------------------------------

# Separators between digit groups on one line; a newline never joins two numbers.
_SEP = r"[ \xa0./\-\u2013)]{0,2}"
_PHONE_PREFIX = r"(?:(?:\+|00)[ \xa0]?32[ \xa0]?(?:\(0\)[ \xa0]?)?|\(?0)"
_PHONE_RE = re.compile(rf"(?<![\w+/.]){_PHONE_PREFIX}\d(?:{_SEP}\d){{6,8}}(?!\d)")
_KBO_SHAPE_RE = re.compile(r"^[01]\d{3}\.\d{3}\.\d{3}$")
# Words that make a digit run an enterprise, VAT or bank number rather than a phone.
_NOT_PHONE_CONTEXT_RE = re.compile(
    r"(kbo|btw|ondernemingsn|rekening|iban|bic|rpr|erkenning|dossier)[^\n]{0,12}$", re.I
)
_FAX_CONTEXT_RE = re.compile(r"fax[^\n\d]{0,6}$", re.I)
_ONE_DIGIT_ZONES = frozenset("2349")


def normalize_phone(text: str, *, context: str = "") -> Phone | None:
    """Parse one Belgian number ("051/26.34.00", "+32 (0)477 12 34 56"), or None if it is not one.

    :param context: the text just before the number, used to recognise fax numbers.
    """
    digits = re.sub(r"\D", "", text)
    if text.strip().startswith(("+", "00")):
        digits = digits.removeprefix("00")
        if not digits.startswith("32"):
            return None
        digits = digits[2:].removeprefix("0")
        national = "0" + digits
    else:
        national = digits
    if not national.startswith("0") or national[1:2] == "0":
        return None
    is_mobile = len(national) == 10 and national[1:3] in {"45", "46", "47", "48", "49"}
    if not (len(national) == 9 or is_mobile):
        return None
    phone_type = "cell" if is_mobile else "voice"
    if _FAX_CONTEXT_RE.search(context):
        phone_type = "fax"
    return Phone(number=_display(national), e164="+32" + national[1:], type=phone_type)


def _display(national: str) -> str:
    """Group digits the way Belgian directories print them."""
    if len(national) == 10:  # mobile: 0477 12 34 56
        return f"{national[:4]} {national[4:6]} {national[6:8]} {national[8:]}"
    if national[:3] in {"080", "090"}:  # freephone and premium: 0800 12 345
        return f"{national[:4]} {national[4:6]} {national[6:]}"
    if national[1] in _ONE_DIGIT_ZONES:  # Brussels, Antwerp, Liège, Ghent: 02 123 45 67
        return f"{national[:2]} {national[2:5]} {national[5:7]} {national[7:]}"
    return f"{national[:3]} {national[3:5]} {national[5:7]} {national[7:]}"


def find_phones(text: str) -> list[Phone]:
    """Every Belgian phone number in free text, in order, without duplicates."""
    found: list[Phone] = []
    seen: set[str] = set()
    for match in _PHONE_RE.finditer(text):
        raw = match.group(0).lstrip("(")
        before = text[max(0, match.start() - 30) : match.start()]
        if _KBO_SHAPE_RE.match(raw) and normalize_kbo(raw):
            continue
        if _NOT_PHONE_CONTEXT_RE.search(before) or before.rstrip().endswith(("BE", "BE-")):
            continue
        phone = normalize_phone(raw, context=before)
        if phone and phone.e164 not in seen:
            seen.add(phone.e164)
            found.append(phone)
    return found


def phone_from_href(href: str, *, context: str = "") -> Phone | None:
    """Parse a ``tel:`` link target ("tel:+3251263400", "tel:051-26-34-00")."""
    target = href.strip()
    if target.lower().startswith("tel:"):
        target = target[4:]
    target = target.split(";", 1)[0].split("?", 1)[0]
    return normalize_phone(target.replace("%20", " "), context=context)


# --- e-mail -----------------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_AT_RE = re.compile(r"\s*[\[(]\s*(?:at|apenstaartje)\s*[\])]\s*", re.I)
_DOT_RE = re.compile(r"\s*[\[(]\s*(?:dot|punt)\s*[\])]\s*", re.I)


def normalize_email(text: str) -> str | None:
    """Clean one address ("mailto:Info@X.be?subject=..." -> "info@x.be"), None if it is not one."""
    value = text.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    value = value.split("?", 1)[0].strip().rstrip(".")
    value = _DOT_RE.sub(".", _AT_RE.sub("@", value))
    match = _EMAIL_RE.fullmatch(value)
    return match.group(0).lower() if match else None


def find_emails(text: str) -> list[str]:
    """Every e-mail address in free text, including "naam (at) domein (punt) be" spellings."""
    readable = _DOT_RE.sub(".", _AT_RE.sub("@", text))
    found: list[str] = []
    for match in _EMAIL_RE.finditer(readable):
        email = match.group(0).lower().rstrip(".")
        if email not in found:
            found.append(email)
    return found


# --- addresses --------------------------------------------------------------------------------

_UPPER = "A-ZÀ-ÖØ-Þ"
_WORD_CHARS = r"\w'’.\-"
# Lower-case words found inside street names ("Hof van Rodenbeke"); prepositions such as "aan"
# and "op" are left out because in prose they precede a street ("aan de Grote Markt 1").
_PARTICLES = r"van|de|der|den|ten|ter|het|'t"
_STREET = (
    rf"(?P<street>[{_UPPER}][{_WORD_CHARS}]*(?:[ \xa0](?:[{_UPPER}][{_WORD_CHARS}]*|{_PARTICLES}))"
    r"{0,5}?)"
)
_NUMBER = (
    r"(?P<number>\d{1,4}(?:[ ]?[A-Za-z](?![\w]))?(?:[ ]?[/-][ ]?\d{1,4}[A-Za-z]?)?"
    r"(?:,?[ ]+(?:bus|bte|b\.)[ ]?[\w.]{1,6})?)"
)
_CITY_STOP = r"(?!(?:Tel|Telefoon|Fax|Gsm|GSM|E-mail|Email|Mail|Web|Website|Openingsuren|T|F|E)\b)"
_CITY_WORD = rf"[{_UPPER}][\w'’\-]+"
_CITY = rf"(?P<city>{_CITY_WORD}(?:[ \xa0-](?:{_CITY_STOP}{_CITY_WORD}|aan|op|ter|den))*)"
_ADDRESS_RE = re.compile(
    rf"{_STREET}[ \xa0]+{_NUMBER}[ \xa0]*(?:[,\u2013|·-][ \xa0]*|\n[ \xa0]*)+"
    rf"(?:B(?:E)?-?[ ]?)?(?P<postal_code>[1-9]\d{{3}})[ \xa0]+{_CITY}"
    rf"(?:[ \xa0]*\((?P<part>[{_UPPER}][^)\n]{{1,40}})\))?"
)
_LABEL_RE = re.compile(r"^(?:Adres|Bezoekadres|Postadres|Locatie|Ligging|Waar)\b[: ]*", re.I)
_STREET_ABBREVIATIONS = ((re.compile(r"str\.(?=\s|$)"), "straat"), (re.compile(r"\s+"), " "))


def find_addresses(text: str) -> list[PostalAddress]:
    """Street addresses such as "Kerkstraat 12 bus 3, 8800 Roeselare" in free text, in order.

    The street and number may stand on the line above the postcode, as in an address block.
    """
    found: list[PostalAddress] = []
    for match in _ADDRESS_RE.finditer(text):
        street = _LABEL_RE.sub("", match.group("street")).strip()
        if not street or not street[0].isupper():
            continue
        number = re.sub(r"\s+", " ", match.group("number")).strip()
        address = PostalAddress(
            street=f"{street} {number}",
            postal_code=match.group("postal_code"),
            city=match.group("city").strip(" -"),
        )
        if address not in found:
            found.append(address)
    return found


def address_key(street: str, postal_code: str) -> str:
    """A comparison key for an address: folded street with abbreviations expanded, plus postcode."""
    value = fold(street)
    for pattern, replacement in _STREET_ABBREVIATIONS:
        value = pattern.sub(replacement, value)
    value = re.sub(r"\b(?:bus|bte|b\.)\s*", "b", value)
    value = re.sub(r"[^\w]", "", value)
    return f"{value}|{postal_code.strip()}"


# --- KBO (Belgian enterprise numbers) ---------------------------------------------------------

_KBO_RE = re.compile(
    r"(?:kbo|btw|ondernemingsnummer|ondernemingsnr|onderneming|vat|tva|rpr)[^\d\n]{0,24}"
    r"(?:BE)?[ .]?([01]?\d{3}[ .]?\d{3}[ .]?\d{3})",
    re.I,
)


def normalize_kbo(text: str) -> str | None:
    """Format a KBO number as "0123.456.789" if its mod-97 check digits are right, else None."""
    digits = re.sub(r"\D", "", text.upper().removeprefix("BE"))
    if len(digits) == 9:
        digits = "0" + digits
    if len(digits) != 10 or digits[0] not in "01":
        return None
    if 97 - int(digits[:8]) % 97 != int(digits[8:]):
        return None
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def find_kbo(text: str) -> str | None:
    """The first valid KBO number introduced by a label such as "Ondernemingsnummer" or "BTW"."""
    for match in _KBO_RE.finditer(text):
        kbo = normalize_kbo(match.group(1))
        if kbo:
            return kbo
    return None


# --- provinces --------------------------------------------------------------------------------

_PROVINCES = (
    (1000, 1299, "Brussel"),
    (1300, 1499, "Waals-Brabant"),
    (1500, 1999, "Vlaams-Brabant"),
    (2000, 2999, "Antwerpen"),
    (3000, 3499, "Vlaams-Brabant"),
    (3500, 3999, "Limburg"),
    (4000, 4999, "Luik"),
    (5000, 5999, "Namen"),
    (6000, 6599, "Henegouwen"),
    (6600, 6999, "Luxemburg"),
    (7000, 7999, "Henegouwen"),
    (8000, 8999, "West-Vlaanderen"),
    (9000, 9999, "Oost-Vlaanderen"),
)


def province_for_postcode(postal_code: str) -> str | None:
    """The province (Dutch name) a Belgian postcode belongs to; bpost ranges follow provinces."""
    if not (postal_code.isdigit() and len(postal_code) == 4):
        return None
    number = int(postal_code)
    return next((name for low, high, name in _PROVINCES if low <= number <= high), None)
