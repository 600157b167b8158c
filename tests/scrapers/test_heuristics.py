"""Tables for the Flemish text heuristics: phones, e-mails, addresses, KBO numbers, provinces."""

from __future__ import annotations

import pytest

from scrapers.heuristics import (
    Phone,
    PostalAddress,
    address_key,
    find_addresses,
    find_emails,
    find_kbo,
    find_phones,
    normalize_email,
    normalize_kbo,
    normalize_phone,
    phone_from_href,
    province_for_postcode,
)


@pytest.mark.parametrize(
    ("text", "number", "e164", "kind"),
    [
        ("051 26 34 00", "051 26 34 00", "+3251263400", "voice"),
        ("051/26.34.00", "051 26 34 00", "+3251263400", "voice"),
        ("051-26 34 00", "051 26 34 00", "+3251263400", "voice"),
        ("(051) 26 34 00", "051 26 34 00", "+3251263400", "voice"),
        ("051263400", "051 26 34 00", "+3251263400", "voice"),
        ("+32 51 26 34 00", "051 26 34 00", "+3251263400", "voice"),
        ("+32 (0)51 26 34 00", "051 26 34 00", "+3251263400", "voice"),
        ("0032 51 26 34 00", "051 26 34 00", "+3251263400", "voice"),
        ("0477 12 34 56", "0477 12 34 56", "+32477123456", "cell"),
        ("0477/12.34.56", "0477 12 34 56", "+32477123456", "cell"),
        ("+32 477 12 34 56", "0477 12 34 56", "+32477123456", "cell"),
        ("02 123 45 67", "02 123 45 67", "+3221234567", "voice"),
        ("09/123.45.67", "09 123 45 67", "+3291234567", "voice"),
        ("078 15 10 20", "078 15 10 20", "+3278151020", "voice"),
        ("0800 12 345", "0800 12 345", "+3280012345", "voice"),
    ],
)
def test_normalize_phone_reads_belgian_formats(
    text: str, number: str, e164: str, kind: str
) -> None:
    assert normalize_phone(text) == Phone(number=number, e164=e164, type=kind)


@pytest.mark.parametrize(
    "text",
    ["+31 20 123 4567", "051 26 34", "0512 63 40 00 1", "1700", "00 12 34 56 78", ""],
)
def test_normalize_phone_rejects_what_is_not_a_belgian_number(text: str) -> None:
    assert normalize_phone(text) is None


def test_find_phones_reads_running_text_and_skips_enterprise_and_bank_numbers() -> None:
    text = (
        "Sociaal Huis, tel. 051 26 34 00 - fax 051 26 34 01\n"
        "GSM 0477/12.34.56. Ondernemingsnummer 0812.345.603, IBAN BE68 5390 0754 7034.\n"
        "Bel (051) 00 12 34 of +32 (0)56 00 11 22; nogmaals 051 26 34 00."
    )
    assert find_phones(text) == [
        Phone("051 26 34 00", "+3251263400", "voice"),
        Phone("051 26 34 01", "+3251263401", "fax"),
        Phone("0477 12 34 56", "+32477123456", "cell"),
        Phone("051 00 12 34", "+3251001234", "voice"),
        Phone("056 00 11 22", "+3256001122", "voice"),
    ]


@pytest.mark.parametrize(
    ("href", "e164"),
    [
        ("tel:+3251000120", "+3251000120"),
        ("tel:051-00-01-50", "+3251000150"),
        ("TEL:0032%2051%2000%2001%2020", "+3251000120"),
        ("tel:+32477123456;ext=2", "+32477123456"),
    ],
)
def test_phone_from_href(href: str, e164: str) -> None:
    phone = phone_from_href(href)
    assert phone is not None and phone.e164 == e164


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kerkstraat 12, 8800 Roeselare", [PostalAddress("Kerkstraat 12", "8800", "Roeselare")]),
        (
            "Oude Lichterveldsestraat 11A, 8850 Ardooie",
            [PostalAddress("Oude Lichterveldsestraat 11A", "8850", "Ardooie")],
        ),
        ("Grote Markt 1 - 8800 Roeselare", [PostalAddress("Grote Markt 1", "8800", "Roeselare")]),
        (
            "Kerkstraat 12 bus 3\n8800 Roeselare (Rumbeke)",
            [PostalAddress("Kerkstraat 12 bus 3", "8800", "Roeselare")],
        ),
        (
            "Je vindt ons in het Sociaal Huis, Sint-Jorisstraat 5/1, 8900 Ieper. Tel. 057 00 00 00",
            [PostalAddress("Sint-Jorisstraat 5/1", "8900", "Ieper")],
        ),
        (
            "Adres: Burg. Vandenbogaerdelaan 2, B-8870 Izegem",
            [PostalAddress("Burg. Vandenbogaerdelaan 2", "8870", "Izegem")],
        ),
        (
            "Koning Albert I-laan 14\n8400 Oostende Tel 059 00 00 00",
            [PostalAddress("Koning Albert I-laan 14", "8400", "Oostende")],
        ),
        (
            "Hof van Rodenbeke 2, 8800 Roeselare",
            [PostalAddress("Hof van Rodenbeke 2", "8800", "Roeselare")],
        ),
        ("De Panne: Zeelaan 21, 8660 De Panne", [PostalAddress("Zeelaan 21", "8660", "De Panne")]),
        (
            "Welkom aan de Grote Markt 1, 8800 Roeselare",
            [PostalAddress("Grote Markt 1", "8800", "Roeselare")],
        ),
        (
            "Zitdagen in Kemmelstraat 3, 8950 Heuvelland en in Markt 1, 8957 Mesen",
            [
                PostalAddress("Kemmelstraat 3", "8950", "Heuvelland"),
                PostalAddress("Markt 1", "8957", "Mesen"),
            ],
        ),
        ("Bel 8800 keer per jaar", []),
        ("Roeselare 8800", []),
    ],
)
def test_find_addresses(text: str, expected: list[PostalAddress]) -> None:
    assert find_addresses(text) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Kerkstraat 12", "8800"), ("kerkstr. 12", "8800")),
        (("Kerkstraat 12 bus 3", "8800"), ("Kerkstraat 12 b3", "8800")),
        (("Sint-Jorisstraat 5", "8900"), ("Sint Jorisstraat 5", "8900")),
        (("Église 1", "1000"), ("Eglise 1", "1000")),
    ],
)
def test_address_key_ignores_spelling_differences(a: tuple[str, str], b: tuple[str, str]) -> None:
    assert address_key(*a) == address_key(*b)


def test_address_key_keeps_postcode_apart() -> None:
    assert address_key("Markt 1", "8800") != address_key("Markt 1", "8870")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("info@sociaalhuis.be", ["info@sociaalhuis.be"]),
        ("Mail Info@Sociaalhuis.BE.", ["info@sociaalhuis.be"]),
        ("budget (at) ocmw-ieper (punt) be", ["budget@ocmw-ieper.be"]),
        ("budget[at]ocmw-ieper[dot]be of budget@ocmw-ieper.be", ["budget@ocmw-ieper.be"]),
        ("geen adres hier @ ergens", []),
    ],
)
def test_find_emails(text: str, expected: list[str]) -> None:
    assert find_emails(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mailto:Info@X.be?subject=Vraag", "info@x.be"),
        ("  onthaal@caw.example ", "onthaal@caw.example"),
        ("mailto:", None),
        ("geen e-mail", None),
    ],
)
def test_normalize_email(text: str, expected: str | None) -> None:
    assert normalize_email(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0812.345.603", "0812.345.603"),
        ("BE0812345603", "0812.345.603"),
        ("BE 0812 345 603", "0812.345.603"),
        ("812345603", "0812.345.603"),
        ("0812.345.604", None),  # wrong check digits
        ("2812.345.603", None),  # KBO numbers start with 0 or 1
    ],
)
def test_normalize_kbo_checks_mod97(text: str, expected: str | None) -> None:
    assert normalize_kbo(text) == expected


def test_find_kbo_needs_a_label() -> None:
    assert find_kbo("CAW vzw – ondernemingsnummer 0812.345.603 – RPR Gent") == "0812.345.603"
    assert find_kbo("BTW BE 0876.543.270") == "0876.543.270"
    assert find_kbo("Bel 0812.345.603") is None


@pytest.mark.parametrize(
    ("postcode", "province"),
    [
        ("8800", "West-Vlaanderen"),
        ("9000", "Oost-Vlaanderen"),
        ("3000", "Vlaams-Brabant"),
        ("3500", "Limburg"),
        ("2000", "Antwerpen"),
        ("1000", "Brussel"),
        ("88", None),
    ],
)
def test_province_for_postcode(postcode: str, province: str | None) -> None:
    assert province_for_postcode(postcode) == province
