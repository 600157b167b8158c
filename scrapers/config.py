"""Per-source configuration: scrapers/sources/*.yaml loaded into frozen dataclasses and validated.

A config says where to start, which links to follow, which CSS selectors hold which field, and the
life domains the source's pages belong to. Errors name the file and key.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml
from soupsieve import SelectorSyntaxError
from soupsieve import compile as compile_selector

from directory.reference import domain_labels
from scrapers.heuristics import normalize_kbo
from scrapers.records import REQUIRABLE_FIELDS

__all__ = [
    "ADAPTERS",
    "DEFAULT_SOURCES_DIR",
    "ApiConfig",
    "ConfigError",
    "LifeDomainRule",
    "LocationBlock",
    "OrganizationConfig",
    "RubricConfig",
    "SourceConfig",
    "load_source",
    "load_sources",
]

DEFAULT_SOURCES_DIR = Path(__file__).resolve().parent / "sources"
ADAPTERS = ("caw", "jsonld", "sociaal_huis", "sociale_kaart_api")
SERVICE_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "phones",
    "address",
    "location_name",
    "hours",
    "eligibility_description",
    "application_process",
    "fees_description",
    "kbo",
)
LOCATION_FIELDS = ("name", "address", "phones", "email", "hours")


class ConfigError(ValueError):
    """A source file is missing a key or has a wrong value; the message names file and key."""


@dataclass(frozen=True)
class LocationBlock:
    """Repeated blocks on a detail page, one per location (a CAW lists its towns this way)."""

    selector: str
    fields: Mapping[str, str]


@dataclass(frozen=True)
class OrganizationConfig:
    """Facts about the organisation behind a source that its pages do not repeat."""

    name: str | None = None
    website: str | None = None
    kbo: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class LifeDomainRule:
    """Pages whose URL contains ``url_contains`` belong to ``life_domains``."""

    url_contains: str
    life_domains: tuple[str, ...]


@dataclass(frozen=True)
class RubricConfig:
    """One rubric (category) of a directory API and the life domains it maps to."""

    rubric: str
    life_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApiConfig:
    """A paged JSON directory API (``?rubrics=&page=&size=``)."""

    path: str
    rubrics: tuple[RubricConfig, ...] = ()
    page_size: int = 50
    max_pages: int = 100


@dataclass(frozen=True)
class SourceConfig:
    """One configured source; URLs are absolute, resolved against ``base_url``."""

    id: str
    name: str
    adapter: str
    base_url: str
    start_urls: tuple[str, ...] = ()
    link_selector: str | None = None
    next_selector: str | None = None
    max_list_pages: int = 20
    fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    locations: LocationBlock | None = None
    required: tuple[str, ...] = ("name",)
    organization: OrganizationConfig = field(default_factory=OrganizationConfig)
    life_domains: tuple[str, ...] = ()
    life_domain_rules: tuple[LifeDomainRule, ...] = ()
    service_areas: tuple[str, ...] = ()
    min_interval: float | None = None
    api: ApiConfig | None = None
    notes: str = ""
    path: Path | None = None
    # Per-source trust: a new service may go straight in; a change to a field that no editor set
    # may be applied. Both default to review, and an editor's field is always reviewed.
    auto_accept_new: bool = False
    auto_accept_changes: bool = False

    def life_domains_for(self, url: str) -> tuple[str, ...]:
        """Life domains of a page: the source's own plus those of every matching rule."""
        codes = list(self.life_domains)
        for rule in self.life_domain_rules:
            if rule.url_contains in url:
                codes.extend(rule.life_domains)
        return tuple(dict.fromkeys(codes))


def load_sources(
    directory: Path = DEFAULT_SOURCES_DIR,
    *,
    base_urls: Mapping[str, str] | None = None,
    life_domain_codes: Collection[str] | None = None,
) -> dict[str, SourceConfig]:
    """All ``*.yaml`` sources in a directory by id, sorted by id.

    :param base_urls: per source id, a base URL replacing the configured one (a mirror, a
        staging copy, or the local test server).
    :raises ConfigError: on the first invalid file, or when two files share an id.
    """
    sources: dict[str, SourceConfig] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        source = load_source(path, life_domain_codes=life_domain_codes)
        if base_urls and source.id in base_urls:
            source = load_source(
                path, base_url=base_urls[source.id], life_domain_codes=life_domain_codes
            )
        if source.id in sources:
            raise ConfigError(f"{path.name}: id '{source.id}' is also used by another source file")
        sources[source.id] = source
    return dict(sorted(sources.items()))


def load_source(
    path: Path,
    *,
    base_url: str | None = None,
    life_domain_codes: Collection[str] | None = None,
) -> SourceConfig:
    """Read and validate one source file.

    :raises ConfigError: naming the file and the key at fault.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path.name}: cannot read YAML ({exc})") from exc
    codes = set(life_domain_codes) if life_domain_codes is not None else set(domain_labels())
    return _Reader(path.name, data, codes).source(path, base_url)


class _Reader:
    """Validates one YAML mapping, collecting the file name into every error."""

    def __init__(self, filename: str, data: Any, codes: set[str]) -> None:
        if not isinstance(data, dict):
            raise ConfigError(f"{filename}: expected a mapping at the top level")
        self.filename = filename
        self.data = data
        self.codes = codes

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.filename}: '{key}' {problem}")

    def text(self, data: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
        value = data.get(key.rsplit(".", 1)[-1])
        if value is None:
            if required:
                raise self.fail(key, "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty string (got {value!r})")
        return value.strip()

    def strings(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = data.get(key.rsplit(".", 1)[-1], [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, "must be a list of strings")
        return tuple(value)

    def number(self, data: Mapping[str, Any], key: str, default: float) -> float:
        value = data.get(key.rsplit(".", 1)[-1], default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail(key, f"must be a number >= 0 (got {value!r})")
        return float(value)

    def selector(self, data: Mapping[str, Any], key: str) -> str | None:
        value = self.text(data, key)
        if value is not None:
            try:
                compile_selector(value)
            except SelectorSyntaxError as exc:
                raise self.fail(key, f"is not a valid CSS selector: {value!r}") from exc
        return value

    def selectors(self, data: Any, key: str, allowed: tuple[str, ...]) -> Mapping[str, str]:
        if data is None:
            return MappingProxyType({})
        if not isinstance(data, dict):
            raise self.fail(key, "must be a mapping of field name to CSS selector")
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise self.fail(
                f"{key}.{unknown[0]}", f"is not a known field; use one of {', '.join(allowed)}"
            )
        return MappingProxyType({name: self.selector(data, f"{key}.{name}") or "" for name in data})

    def life_domains(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        codes = self.strings(data, key)
        unknown = [c for c in codes if c not in self.codes]
        if unknown:
            raise self.fail(key, f"has unknown life domain '{unknown[0]}' (see data/taxonomy.yaml)")
        return codes

    def source(self, path: Path, base_url_override: str | None) -> SourceConfig:
        data = self.data
        source_id = self.text(data, "id", required=True) or ""
        adapter = self.text(data, "adapter", required=True) or ""
        if adapter not in ADAPTERS:
            raise self.fail("adapter", f"must be one of {', '.join(ADAPTERS)} (got '{adapter}')")
        base_url = base_url_override or self.text(data, "base_url", required=True) or ""
        if urlsplit(base_url).scheme not in {"http", "https"}:
            raise self.fail("base_url", f"must be an http(s) URL (got '{base_url}')")
        start_urls = tuple(urljoin(base_url, u) for u in self.strings(data, "start_urls"))
        api = self.api(data.get("api"))
        if adapter == "sociale_kaart_api" and api is None:
            raise self.fail("api", "is required for the sociale_kaart_api adapter")
        if adapter != "sociale_kaart_api" and not start_urls:
            raise self.fail("start_urls", "needs at least one URL")
        listing = data.get("list") or {}
        detail = data.get("detail") or {}
        if not isinstance(listing, dict) or not isinstance(detail, dict):
            raise self.fail(
                "list" if not isinstance(listing, dict) else "detail", "must be a mapping"
            )
        required = self.strings(detail, "detail.required") or ("name",)
        bad = [r for r in required if r not in REQUIRABLE_FIELDS]
        if bad:
            raise self.fail(
                "detail.required",
                f"has unknown field '{bad[0]}'; use {', '.join(REQUIRABLE_FIELDS)}",
            )
        return SourceConfig(
            id=source_id,
            name=self.text(data, "name") or source_id,
            adapter=adapter,
            base_url=base_url,
            start_urls=start_urls,
            link_selector=self.selector(listing, "list.links"),
            next_selector=self.selector(listing, "list.next"),
            max_list_pages=int(self.number(listing, "list.max_pages", 20)),
            fields=self.selectors(detail.get("fields"), "detail.fields", SERVICE_FIELDS),
            locations=self.location_block(detail.get("locations")),
            required=required,
            organization=self.organization(data.get("organization")),
            life_domains=self.life_domains(data, "life_domains"),
            life_domain_rules=self.rules(data.get("life_domain_rules")),
            service_areas=self.strings(data, "service_areas"),
            min_interval=self.number(data, "min_interval", -1) if "min_interval" in data else None,
            api=api,
            notes=self.text(data, "notes") or "",
            path=path,
            auto_accept_new=self.flag(data.get("trust") or {}, "trust.auto_accept_new"),
            auto_accept_changes=self.flag(data.get("trust") or {}, "trust.auto_accept_changes"),
        )

    def flag(self, data: Mapping[str, Any], key: str) -> bool:
        value = data.get(key.rsplit(".", 1)[-1], False)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false (got {value!r})")
        return value

    def location_block(self, data: Any) -> LocationBlock | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            raise self.fail("detail.locations", "must be a mapping with 'selector' and 'fields'")
        selector = self.selector(data, "detail.locations.selector")
        if selector is None:
            raise self.fail("detail.locations.selector", "is required")
        fields = self.selectors(data.get("fields"), "detail.locations.fields", LOCATION_FIELDS)
        return LocationBlock(selector=selector, fields=fields)

    def organization(self, data: Any) -> OrganizationConfig:
        if data is None:
            return OrganizationConfig()
        if not isinstance(data, dict):
            raise self.fail("organization", "must be a mapping")
        kbo = self.text(data, "organization.kbo")
        if kbo is not None:
            if normalize_kbo(kbo) is None:
                raise self.fail("organization.kbo", f"is not a valid KBO number (got '{kbo}')")
            kbo = normalize_kbo(kbo)
        website = self.text(data, "organization.website")
        if website is not None and urlsplit(website).scheme not in {"http", "https"}:
            raise self.fail("organization.website", f"must be an http(s) URL (got '{website}')")
        return OrganizationConfig(
            name=self.text(data, "organization.name"),
            website=website,
            kbo=kbo,
            description=self.text(data, "organization.description"),
        )

    def rules(self, data: Any) -> tuple[LifeDomainRule, ...]:
        if data is None:
            return ()
        if not isinstance(data, list):
            raise self.fail("life_domain_rules", "must be a list of {url_contains, life_domains}")
        rules = []
        for index, entry in enumerate(data):
            key = f"life_domain_rules[{index}]"
            if not isinstance(entry, dict):
                raise self.fail(key, "must be a mapping")
            rules.append(
                LifeDomainRule(
                    url_contains=self.text(entry, f"{key}.url_contains", required=True) or "",
                    life_domains=self.life_domains(entry, f"{key}.life_domains"),
                )
            )
        return tuple(rules)

    def api(self, data: Any) -> ApiConfig | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            raise self.fail("api", "must be a mapping")
        rubrics = []
        for index, entry in enumerate(data.get("rubrics") or []):
            key = f"api.rubrics[{index}]"
            if isinstance(entry, str):
                entry = {"rubric": entry}
            if not isinstance(entry, dict):
                raise self.fail(key, "must be a rubric name or {rubric, life_domains}")
            rubrics.append(
                RubricConfig(
                    rubric=self.text(entry, f"{key}.rubric", required=True) or "",
                    life_domains=self.life_domains(entry, f"{key}.life_domains"),
                )
            )
        page_size = int(self.number(data, "api.page_size", 50))
        if not 1 <= page_size <= 2000:
            raise self.fail("api.page_size", f"must be between 1 and 2000 (got {page_size})")
        return ApiConfig(
            path=self.text(data, "api.path", required=True) or "",
            rubrics=tuple(rubrics),
            page_size=page_size,
            max_pages=int(self.number(data, "api.max_pages", 100)),
        )
