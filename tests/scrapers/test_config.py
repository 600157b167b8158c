"""Loading and validating scrapers/sources/*.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.config import ADAPTERS, ConfigError, load_source, load_sources
from scrapers.run import ADAPTER_CRAWLERS

VALID = """
id: test-bron
adapter: sociaal_huis
base_url: https://gemeente.example/welzijn/
start_urls: [producten/]
list: {links: "a.card", next: "a[rel=next]"}
detail:
  fields: {name: "h1", address: ".adres"}
  required: [name, address]
organization: {name: OCMW Test, kbo: "0812 345 603"}
life_domains: [financien]
life_domain_rules:
  - {url_contains: huur, life_domains: [wonen]}
"""


def _write(tmp_path: Path, text: str, name: str = "bron.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_sources_load_and_cover_every_adapter() -> None:
    sources = load_sources()

    assert list(sources) == sorted(sources)
    assert {s.adapter for s in sources.values()} == set(ADAPTERS)
    assert set(ADAPTERS) == set(ADAPTER_CRAWLERS)


def test_a_valid_file(tmp_path: Path) -> None:
    source = load_source(_write(tmp_path, VALID))

    assert source.id == "test-bron" and source.name == "test-bron"
    assert source.start_urls == ("https://gemeente.example/welzijn/producten/",)
    assert source.link_selector == "a.card" and source.next_selector == "a[rel=next]"
    assert dict(source.fields) == {"name": "h1", "address": ".adres"}
    assert source.required == ("name", "address")
    assert source.organization.kbo == "0812.345.603"
    assert source.life_domains_for("https://gemeente.example/welzijn/huurpremie") == (
        "financien",
        "wonen",
    )
    assert source.life_domains_for("https://gemeente.example/welzijn/leefloon") == ("financien",)


def test_base_url_can_be_replaced_for_a_mirror(tmp_path: Path) -> None:
    source = load_source(_write(tmp_path, VALID), base_url="http://127.0.0.1:8000/kopie/")

    assert source.start_urls == ("http://127.0.0.1:8000/kopie/producten/",)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("id: test-bron\n", "", "bron.yaml: 'id' is required"),
        ("adapter: sociaal_huis", "adapter: wiki", "'adapter' must be one of caw, jsonld"),
        ("base_url: https://gemeente.example/welzijn/", "base_url: gemeente.example", "'base_url'"),
        ("start_urls: [producten/]", "start_urls: []", "'start_urls' needs at least one URL"),
        ('links: "a.card"', 'links: "a[card"', "'list.links' is not a valid CSS selector"),
        ('name: "h1"', 'naam: "h1"', "'detail.fields.naam' is not a known field"),
        ("required: [name, address]", "required: [adres]", "'detail.required' has unknown field"),
        ('kbo: "0812 345 603"', 'kbo: "0812 345 604"', "'organization.kbo' is not a valid KBO"),
        ("life_domains: [financien]", "life_domains: [geld]", "unknown life domain 'geld'"),
        (
            "name: OCMW Test,",
            "name: OCMW Test, website: 'javascript:alert(1)',",
            "'organization.website' must be an http",
        ),
        ("url_contains: huur,", "url_contains: 3,", "'life_domain_rules[0].url_contains'"),
    ],
)
def test_invalid_files_name_file_and_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in VALID
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load_source(_write(tmp_path, VALID.replace(old, new)))


def test_broken_yaml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="bron.yaml: cannot read YAML"):
        load_source(_write(tmp_path, "id: [unclosed"))


def test_api_sources_need_an_api_section(tmp_path: Path) -> None:
    text = "id: api\nadapter: sociale_kaart_api\nbase_url: https://api.example/\n"
    with pytest.raises(ConfigError, match="'api' is required"):
        load_source(_write(tmp_path, text))


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, VALID, "a.yaml")
    _write(tmp_path, VALID, "b.yaml")
    with pytest.raises(ConfigError, match="b.yaml: id 'test-bron' is also used"):
        load_sources(tmp_path)
