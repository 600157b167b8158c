"""Every record the scrapers propose is a valid HSDS 3.0 service the catalogue can import."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from directory.reference import term_id
from directory.validation import service_problems
from scrapers.config import SourceConfig
from scrapers.generic import scrape_url
from scrapers.heuristics import PostalAddress
from scrapers.http import Fetcher
from scrapers.records import LocationDraft, OrganizationDraft, ServiceDraft, stable_id, to_hsds
from scrapers.run import run_source
from tests.scrapers.localsite import LocalSite


def _all_proposals(
    sources: dict[str, SourceConfig], fetcher: Fetcher, site: LocalSite
) -> list[dict[str, Any]]:
    services = [
        s for source in sources.values() for o in run_source(source, fetcher) for s in o.services
    ]
    for path in ("/sociaal_huis/product/budgetbegeleiding", "/fouten/kapot", "/charset/meta"):
        services.append(scrape_url(site.url(path), fetcher))
    return services


def test_every_proposal_validates_against_the_hsds_schema(
    sources: dict[str, SourceConfig], fetcher: Fetcher, site: LocalSite
) -> None:
    services = _all_proposals(sources, fetcher, site)

    assert len(services) >= 12
    problems = {s["name"]: [str(p) for p in service_problems(s)] for s in services}
    assert problems == {name: [] for name in problems}


def test_life_domains_use_the_catalogue_term_ids() -> None:
    draft = ServiceDraft(name="Budgetbegeleiding", life_domains=["financien", "financien"])
    service = to_hsds(
        draft, key="k", source_url="http://x.test/", retrieved=date(2026, 1, 1), method="config"
    )

    [attribute] = service["attributes"]
    assert attribute["taxonomy_term_id"] == term_id("levensdomein", "financien")
    assert attribute["taxonomy_term"]["name"] == "Financiën"


def test_ids_follow_the_key_not_the_content() -> None:
    draft = ServiceDraft(
        name="Leefloon",
        locations=[
            LocationDraft(addresses=[PostalAddress("Welzijnsplein 3", "8800", "Roeselare")])
        ],
    )
    one = to_hsds(
        draft, key="bron:leefloon", source_url="u", retrieved=date(2026, 1, 1), method="config"
    )
    draft.name = "Leefloon (gewijzigd)"
    two = to_hsds(
        draft, key="bron:leefloon", source_url="u", retrieved=date(2026, 2, 1), method="config"
    )

    assert one["id"] == two["id"] == stable_id("service", "bron:leefloon")
    assert (
        one["service_at_locations"][0]["location_id"]
        == two["service_at_locations"][0]["location_id"]
    )
    assert one["service_at_locations"][0]["location"]["addresses"][0]["state_province"] == (
        "West-Vlaanderen"
    )


@pytest.mark.parametrize(
    ("required", "missing"),
    [
        (("name",), []),
        (("name", "address", "hours"), ["address", "hours"]),
        (("phones",), ["phones"]),
    ],
)
def test_missing_required_fields(required: tuple[str, ...], missing: list[str]) -> None:
    assert ServiceDraft(name="X").missing(required) == missing


def test_only_web_links_leave_the_package() -> None:
    draft = ServiceDraft(
        name="Leefloon",
        url="javascript:alert(1)",
        organization=OrganizationDraft(name="OCMW", website="data:text/html,x"),
    )
    service = to_hsds(
        draft, key="k", source_url="http://x.test/", retrieved=date(2026, 1, 1), method="api"
    )

    assert "url" not in service and "website" not in service["organization"]
    assert not service_problems(service)
