"""Where to apply: pick, from the catalogue services of the person's town, the offices of a kind.

Pure functions over HSDS full service dicts passed in by the caller; this module never queries
the database. Phrases per office kind live in data/rights/offices.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rights.model import EntitlementResult, OfficeKind, OfficeMatch
from rights.rules import RuleBook, default_rulebook

NAME_SCORE = 3  # the service itself is named after the office
ORGANIZATION_SCORE = 2  # a service run by such an office
KEYWORD_BONUS = 2  # the service is about this very entitlement (e.g. "Leefloon – Welzijnshuis")
PREFER_BONUS = 1  # the office's front door (onthaal)


def _contains(phrases: Iterable[str], text: str) -> bool:
    return any(
        re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) for phrase in phrases
    )


def _score(kind: OfficeKind, service: Mapping[str, Any], keywords: Sequence[str]) -> int:
    name = " ".join(filter(None, [service.get("name"), service.get("alternate_name")]))
    organization = (service.get("organization") or {}).get("name") or ""
    if _contains(kind.phrases, name):
        score = NAME_SCORE
    elif _contains(kind.phrases, organization):
        score = ORGANIZATION_SCORE
    else:
        return 0
    if keywords and _contains(keywords, name):
        score += KEYWORD_BONUS
    if kind.prefer and _contains(kind.prefer, name):
        score += PREFER_BONUS
    return score


def match_offices(
    office_kinds: Sequence[str],
    services: Iterable[Mapping[str, Any]],
    *,
    keywords: Sequence[str] = (),
    rulebook: RuleBook | None = None,
) -> list[OfficeMatch]:
    """Active services matching one of `office_kinds`: by kind in the given order, best first.

    Each service appears once, under the first kind it matches.
    `services` are HSDS full service dicts of the person's town; `keywords` favour services
    about the entitlement itself. Kinds without phrases (online offices) never match.
    """
    book = rulebook or default_rulebook()
    kinds = [book.offices[code] for code in office_kinds if code in book.offices]
    matches: list[tuple[int, int, str, OfficeMatch]] = []
    for service in services:
        if service.get("status", "active") != "active" or not service.get("id"):
            continue
        for rank, kind in enumerate(kinds):
            score = _score(kind, service, keywords)
            if score:
                organization = (service.get("organization") or {}).get("name")
                match = OfficeMatch(
                    service_id=str(service["id"]),
                    service_name=str(service.get("name") or ""),
                    organization_name=organization,
                    office_kind=kind.code,
                    office_label_nl=kind.label_nl,
                    score=score,
                    url=service.get("url"),
                )
                matches.append((rank, -score, match.service_name, match))
                break
    return [match for *_, match in sorted(matches, key=lambda item: item[:3])]


def where_to_apply(
    result: EntitlementResult,
    services: Iterable[Mapping[str, Any]],
    rulebook: RuleBook | None = None,
) -> list[OfficeMatch]:
    """match_offices for one evaluated entitlement, favouring services named after it."""
    book = rulebook or default_rulebook()
    keywords = book.entitlement(result.id).service_keywords
    return match_offices(result.office_kinds, services, keywords=keywords, rulebook=book)
