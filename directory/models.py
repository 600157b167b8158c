"""SQLAlchemy models: the HSDS 3.0 entities under their own names, plus gazetteer and provenance.

Only SQLAlchemy here: no flask, whoosh or scraping imports. Column names are HSDS field names, so
the HSDS <-> row mapping in ``directory.hsds`` stays a table-driven walk rather than per-field code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base; plain ``str`` columns are TEXT (HSDS puts no length on free text)."""

    type_annotation_map = {str: Text(), dict[str, Any]: JSON(), float: Float()}


class HsdsRecord:
    """Columns every HSDS table shares beyond its own fields.

    ``extra`` keeps fields a source sent that HSDS 3.0 (or we) do not model, so nothing is dropped;
    ``position`` keeps the order a record had inside its parent's list, so exports are stable.
    """

    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)


class VersionedRecord:
    """A version counter, bumped by the catalogue each time the record's content really changes.

    ``content_hash`` is the hash of the document last written, so re-importing the very same
    record is recognised without reading it back.
    """

    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Organization(HsdsRecord, VersionedRecord, Base):
    __tablename__ = "organization"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None]
    alternate_name: Mapped[str | None]
    description: Mapped[str | None]
    email: Mapped[str | None]
    website: Mapped[str | None]
    tax_status: Mapped[str | None]
    tax_id: Mapped[str | None]
    year_incorporated: Mapped[float | None]
    legal_status: Mapped[str | None]
    logo: Mapped[str | None]
    uri: Mapped[str | None]
    parent_organization_id: Mapped[str | None] = mapped_column(String(64), index=True)


class Program(HsdsRecord, Base):
    __tablename__ = "program"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None]
    alternate_name: Mapped[str | None]
    description: Mapped[str | None]


class Service(HsdsRecord, VersionedRecord, Base):
    __tablename__ = "service"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(String(64), index=True)
    program_id: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str | None]
    alternate_name: Mapped[str | None]
    description: Mapped[str | None]
    url: Mapped[str | None]
    email: Mapped[str | None]
    status: Mapped[str | None]
    interpretation_services: Mapped[str | None]
    application_process: Mapped[str | None]
    fees_description: Mapped[str | None]
    wait_time: Mapped[str | None]
    fees: Mapped[str | None]
    accreditations: Mapped[str | None]
    eligibility_description: Mapped[str | None]
    minimum_age: Mapped[float | None]
    maximum_age: Mapped[float | None]
    assured_date: Mapped[str | None]
    assurer_email: Mapped[str | None]
    licenses: Mapped[str | None]
    alert: Mapped[str | None]
    last_modified: Mapped[str | None]


class Attribute(HsdsRecord, Base):
    __tablename__ = "attribute"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    link_id: Mapped[str | None] = mapped_column(String(64), index=True)
    taxonomy_term_id: Mapped[str | None] = mapped_column(String(64), index=True)
    link_type: Mapped[str | None]
    link_entity: Mapped[str | None]
    value: Mapped[str | None]


class ServiceAtLocation(HsdsRecord, Base):
    __tablename__ = "service_at_location"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[str | None] = mapped_column(String(64), index=True)
    description: Mapped[str | None]


class Location(HsdsRecord, VersionedRecord, Base):
    __tablename__ = "location"

    # Our derived point: HSDS latitude/longitude stay exactly as the source gave them.
    geo_lat: Mapped[float | None]
    geo_lon: Mapped[float | None]
    geo_precision: Mapped[str | None] = mapped_column(String(16))

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    location_type: Mapped[str | None]
    url: Mapped[str | None]
    organization_id: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str | None]
    alternate_name: Mapped[str | None]
    description: Mapped[str | None]
    transportation: Mapped[str | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    external_identifier: Mapped[str | None]
    external_identifier_type: Mapped[str | None]


class Phone(HsdsRecord, Base):
    __tablename__ = "phone"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    location_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    service_at_location_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("service_at_location.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str | None]
    extension: Mapped[float | None]
    type: Mapped[str | None]
    description: Mapped[str | None]


class Contact(HsdsRecord, Base):
    __tablename__ = "contact"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    service_at_location_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("service_at_location.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None]
    title: Mapped[str | None]
    department: Mapped[str | None]
    email: Mapped[str | None]


class Address(HsdsRecord, Base):
    __tablename__ = "address"

    # Resolved through the gazetteer at import; not part of HSDS, never exported.
    municipality_nis: Mapped[str | None] = mapped_column(String(8), index=True)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    location_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    attention: Mapped[str | None]
    address_1: Mapped[str | None]
    address_2: Mapped[str | None]
    city: Mapped[str | None]
    region: Mapped[str | None]
    state_province: Mapped[str | None]
    postal_code: Mapped[str | None]
    country: Mapped[str | None]
    address_type: Mapped[str | None]


class Schedule(HsdsRecord, Base):
    __tablename__ = "schedule"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    service_at_location_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("service_at_location.id", ondelete="CASCADE"), index=True
    )
    valid_from: Mapped[str | None]
    valid_to: Mapped[str | None]
    dtstart: Mapped[str | None]
    timezone: Mapped[float | None]
    until: Mapped[str | None]
    count: Mapped[float | None]
    wkst: Mapped[str | None]
    freq: Mapped[str | None]
    interval: Mapped[float | None]
    byday: Mapped[str | None]
    byweekno: Mapped[str | None]
    bymonthday: Mapped[str | None]
    byyearday: Mapped[str | None]
    description: Mapped[str | None]
    opens_at: Mapped[str | None]
    closes_at: Mapped[str | None]
    schedule_link: Mapped[str | None]
    attending_type: Mapped[str | None]
    notes: Mapped[str | None]


class Funding(HsdsRecord, Base):
    __tablename__ = "funding"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str | None]


class ServiceArea(HsdsRecord, Base):
    __tablename__ = "service_area"

    # Resolved through the gazetteer at import; not part of HSDS, never exported.
    municipality_nis: Mapped[str | None] = mapped_column(String(8), index=True)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None]
    description: Mapped[str | None]
    extent: Mapped[str | None]
    extent_type: Mapped[str | None]
    uri: Mapped[str | None]


class RequiredDocument(HsdsRecord, Base):
    __tablename__ = "required_document"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    document: Mapped[str | None]
    uri: Mapped[str | None]


class Language(HsdsRecord, Base):
    __tablename__ = "language"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    phone_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("phone.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None]
    code: Mapped[str | None]
    note: Mapped[str | None]


class Accessibility(HsdsRecord, Base):
    __tablename__ = "accessibility"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    location_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str | None]
    details: Mapped[str | None]
    url: Mapped[str | None]


class TaxonomyTerm(HsdsRecord, Base):
    __tablename__ = "taxonomy_term"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str | None]
    name: Mapped[str | None]
    description: Mapped[str | None]
    parent_id: Mapped[str | None] = mapped_column(String(64), index=True)
    taxonomy: Mapped[str | None]
    language: Mapped[str | None]
    taxonomy_id: Mapped[str | None] = mapped_column(String(64), index=True)
    term_uri: Mapped[str | None]


class Metadata(HsdsRecord, Base):
    __tablename__ = "metadata"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    resource_id: Mapped[str | None] = mapped_column(String(64), index=True)
    resource_type: Mapped[str | None]
    last_action_date: Mapped[str | None]
    last_action_type: Mapped[str | None]
    field_name: Mapped[str | None]
    previous_value: Mapped[str | None]
    replacement_value: Mapped[str | None]
    updated_by: Mapped[str | None]


class MetaTableDescription(HsdsRecord, Base):
    __tablename__ = "meta_table_description"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None]
    language: Mapped[str | None]
    character_set: Mapped[str | None]


class CostOption(HsdsRecord, Base):
    __tablename__ = "cost_option"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    valid_from: Mapped[str | None]
    valid_to: Mapped[str | None]
    option: Mapped[str | None]
    currency: Mapped[str | None]
    amount: Mapped[float | None]
    amount_description: Mapped[str | None]


class OrganizationIdentifier(HsdsRecord, Base):
    __tablename__ = "organization_identifier"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    identifier_scheme: Mapped[str | None]
    identifier_type: Mapped[str | None]
    identifier: Mapped[str | None]


class Taxonomy(HsdsRecord, Base):
    __tablename__ = "taxonomy"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None]
    description: Mapped[str | None]
    uri: Mapped[str | None]
    version: Mapped[str | None]


class Municipality(Base):
    """A Flemish municipality after the 1 January 2025 mergers (gazetteer, loaded by ``init``)."""

    __tablename__ = "municipality"

    nis: Mapped[str] = mapped_column(String(8), primary_key=True)
    name_nl: Mapped[str]
    name_fr: Mapped[str | None]
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    province: Mapped[str | None]
    postcodes: Mapped[str | None]  # space-separated, for display and SQL filtering
    reference_region: Mapped[str | None]
    lat: Mapped[float | None]
    lon: Mapped[float | None]


class Provenance(Base):
    """Where a record (``field_name`` "*") or one of its fields came from, and who verified it."""

    __tablename__ = "provenance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_type: Mapped[str]
    record_id: Mapped[str] = mapped_column(String(64), index=True)
    field_name: Mapped[str] = mapped_column(String(64), default="*")
    source: Mapped[str] = mapped_column(
        String(200)
    )  # "import:<file>", "scraper:<source>", "editor"
    source_url: Mapped[str | None]
    source_date: Mapped[str | None]
    retrieved_at: Mapped[str | None]
    verified_at: Mapped[str | None]
    verified_by: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ProposedChange(Base):
    """A field change a scraper found, waiting for review: scrapers never overwrite silently."""

    __tablename__ = "proposed_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_type: Mapped[str]
    record_id: Mapped[str] = mapped_column(String(64), index=True)
    field_name: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[Any | None] = mapped_column(JSON)
    new_value: Mapped[Any | None] = mapped_column(JSON)
    # The whole scraped document, so accepting one field can take exactly what was found.
    proposal: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(200))
    source_url: Mapped[str | None]
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))


class AuditEntry(Base):
    """Who did what to the catalogue, and when: imports, edits, accepted and rejected changes."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str | None]
    record_id: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str | None]
