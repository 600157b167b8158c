"""On the real starter catalogue: a town's own services come before specialised ones elsewhere."""

from __future__ import annotations

from indexer import SearchIndex, SearchRequest


def test_the_towns_ocmw_outranks_a_debt_service_that_does_not_serve_the_town(
    starter: SearchIndex,
) -> None:
    # Meulebeke is part of Tielt since 2025; Welzijn Tielt serves it, Roeselare's does not.
    results = starter.search(SearchRequest(q="schulden", municipality="Meulebeke"))
    assert results.municipality is not None and results.municipality.name_nl == "Tielt"
    top = results.hits[:2]
    assert all(hit.serves_town for hit in top)
    assert any(hit.name.startswith("Welzijn Tielt") for hit in top)
    roeselare = next(h for h in results.hits if h.name.startswith("Budget- en schuldhulp"))
    assert roeselare.serves_town is False


def test_in_the_town_itself_the_specialised_service_stays_first(starter: SearchIndex) -> None:
    results = starter.search(SearchRequest(q="schulden", municipality="Roeselare"))
    assert results.hits[0].name.startswith("Budget- en schuldhulp – Welzijnshuis Roeselare")
