"""The ``socialekaart`` command: a FlaskGroup bound to ``create_app``, one group per area.

Command bodies parse arguments and call library functions; the work happens in the packages.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from directory.changes import ChangeError, accept_change, pending_changes, reject_change
from directory.db import upgrade
from directory.exporter import FORMATS, ExportError, export_catalogue
from directory.hsds import iter_service_documents, services_to_hsds
from directory.importer import ImportFileError, import_path
from directory.models import ProposedChange, Service
from directory.partnerships import PartnershipDataError, load_partnerships
from directory.reference import load_reference_data
from scrapers import ConfigError, Fetcher, ScrapeError, load_sources, run_source, scrape_url
from scrapers.load import LOAD_RESULTS, load_pages
from web.state import get_state

index_group = AppGroup("index", help="Build and inspect the search index.")
changes_group = AppGroup("changes", help="Review changes proposed by scrapers.")
scrape_group = AppGroup("scrape", help="Fetch sources and propose catalogue changes.")


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database and load the gazetteer and taxonomies."""
    state = get_state()
    upgrade(str(state.engine.url.render_as_string(hide_password=False)))
    with state.writers.begin() as session:
        counts = load_reference_data(session, state.gazetteer)
    try:
        partnerships = load_partnerships(gazetteer=state.gazetteer)
    except PartnershipDataError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Database ready: {counts['municipalities']} municipalities, "
        f"{counts['taxonomy_terms']} taxonomy terms, {len(partnerships)} local partnerships."
    )


@click.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--report", type=click.Path(path_type=Path), help="Write a full JSON report here.")
@click.option("--actor", default="cli", show_default=True, help="Who runs the import (audit log).")
@with_appcontext
def import_command(path: Path, report: Path | None, actor: str) -> None:
    """Import HSDS 3.0 JSON, an HSDS 3.0 or 1.x tabular data package (folder, .json or .zip)."""
    state = get_state()
    try:
        with state.writers.begin() as session:
            result = import_path(
                session, path, gazetteer=state.gazetteer, geocoder=state.geocoder(), actor=actor
            )
    except ImportFileError as exc:
        raise click.ClickException(f"Nothing imported: {exc}") from exc
    for record in result.records:
        if record.outcome == "rejected":
            click.echo(f"rejected {record.ref}: {'; '.join(record.reasons)}", err=True)
        elif record.reasons:
            click.echo(f"warning {record.ref}: {'; '.join(record.reasons)}", err=True)
    _reindex(result.changed_ids)
    if report is not None:
        report.write_text(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) + "\n")
    click.echo(result.summary())


@click.command("export")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="hsds-json", show_default=True)
@with_appcontext
def export_command(path: Path, fmt: str) -> None:
    """Export the catalogue as HSDS 3.0, validated against the official schemas."""
    state = get_state()
    try:
        with state.sessions() as session:
            count = export_catalogue(session, path, fmt)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Exported {count} services to {path} ({fmt}).")


@index_group.command("rebuild")
@with_appcontext
def index_rebuild_command() -> None:
    """Build a fresh index beside the old one and switch to it atomically."""
    state = get_state()
    with state.sessions() as session:
        count = state.index.rebuild(iter_service_documents(session))
    click.echo(f"Index rebuilt: {count} services in {state.index_dir}.")


@index_group.command("status")
@with_appcontext
def index_status_command() -> None:
    """Show how many services the index holds."""
    state = get_state()
    click.echo(f"{state.index.doc_count()} services in {state.index_dir}.")


@click.command("eval")
@click.argument("queries", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--catalogue",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="HSDS JSON catalogue to search (default: catalogue.hsds.json beside the queries).",
)
def eval_command(queries: Path, catalogue: Path | None) -> None:
    """Score search on judged queries (nDCG@10, recall@10, MRR), ours against a baseline."""
    from indexer.evaluation import format_report, run_eval

    click.echo(format_report(run_eval(queries, catalogue)))


def _show_value(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."


@changes_group.command("list")
@with_appcontext
def changes_list_command() -> None:
    """List pending changes, oldest first."""
    state = get_state()
    with state.sessions() as session:
        changes = pending_changes(session)
        for change in changes:
            click.echo(
                f"{change.id:>5}  {change.record_id}  {change.field_name:<24} {change.source}"
            )
        click.echo(f"{len(changes)} pending change(s).")


@changes_group.command("show")
@click.argument("change_id", type=int)
@with_appcontext
def changes_show_command(change_id: int) -> None:
    """Show one proposed change: old and new value, source and date."""
    state = get_state()
    with state.sessions() as session:
        change = session.get(ProposedChange, change_id)
        if change is None:
            raise click.ClickException(f"No proposed change {change_id}.")
        service = session.get(Service, change.record_id)
        click.echo(f"change   {change.id} ({change.status})")
        click.echo(f"service  {change.record_id} {service.name if service else '(new service)'}")
        click.echo(f"field    {change.field_name}")
        click.echo(f"old      {_show_value(change.old_value)}")
        click.echo(f"new      {_show_value(change.new_value)}")
        click.echo(f"source   {change.source} {change.source_url or ''}".rstrip())
        click.echo(f"found    {change.found_at:%Y-%m-%d %H:%M}")


@changes_group.command("accept")
@click.argument("change_ids", type=int, nargs=-1, required=True)
@click.option("--actor", required=True, help="Who decides (kept in the audit log).")
@with_appcontext
def changes_accept_command(change_ids: tuple[int, ...], actor: str) -> None:
    """Apply proposed changes; each records its source on the field it changed."""
    state = get_state()
    changed: set[str] = set()
    try:
        with state.writers.begin() as session:
            for change_id in change_ids:
                changed.add(
                    accept_change(
                        session, change_id, actor=actor, gazetteer=state.gazetteer
                    ).record_id
                )
    except ChangeError as exc:
        raise click.ClickException(f"Nothing accepted: {exc}") from exc
    _reindex(sorted(changed))
    click.echo(f"Accepted {len(change_ids)} change(s).")


@changes_group.command("reject")
@click.argument("change_ids", type=int, nargs=-1, required=True)
@click.option("--actor", required=True, help="Who decides (kept in the audit log).")
@with_appcontext
def changes_reject_command(change_ids: tuple[int, ...], actor: str) -> None:
    """Refuse proposed changes; they stay on record as rejected."""
    state = get_state()
    try:
        with state.writers.begin() as session:
            for change_id in change_ids:
                reject_change(session, change_id, actor=actor)
    except ChangeError as exc:
        raise click.ClickException(f"Nothing rejected: {exc}") from exc
    click.echo(f"Rejected {len(change_ids)} change(s).")


def _reindex(service_ids: list[str]) -> None:
    """Bring the index up to date with services that just changed (after their commit)."""
    if not service_ids:
        return
    state = get_state()
    with state.sessions() as session:
        services = [session.get(Service, sid) for sid in service_ids]
        state.index.upsert(services_to_hsds(session, [s for s in services if s is not None]))


def _fetcher(app: Flask, min_interval: float | None = None, allow_private: bool = False) -> Fetcher:
    cache = Path(app.instance_path) / "scrape-cache"
    return Fetcher(
        cache_dir=cache,
        min_interval=1.0 if min_interval is None else min_interval,
        allow_private=allow_private,
    )


@scrape_group.command("list")
@with_appcontext
def scrape_list_command() -> None:
    """List the configured sources."""
    try:
        sources = load_sources()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    for source in sources.values():
        trust = "auto-accept new" if source.auto_accept_new else "review everything"
        click.echo(f"{source.id:<28} {source.adapter:<18} {trust:<18} {source.base_url}")


@scrape_group.command("run")
@click.argument("source_id")
@click.option("--limit", type=int, help="Fetch at most this many pages.")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--base-url", help="Fetch from this base URL instead (a mirror or a test server).")
@click.option(
    "--allow-private", is_flag=True, help="Also fetch from local and private addresses (a mirror)."
)
@with_appcontext
def scrape_run_command(
    source_id: str, limit: int | None, dry_run: bool, base_url: str | None, allow_private: bool
) -> None:
    """Scrape one source: per URL new, changed, unchanged or failed (and why), then a summary."""
    state = get_state()
    try:
        source = load_sources(base_urls={source_id: base_url} if base_url else None)[source_id]
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyError as exc:
        raise click.ClickException(f"Unknown source {source_id!r}; see 'scrape list'.") from exc
    counts: Counter[str] = Counter()
    changed: list[str] = []
    try:
        with _fetcher(current_app, source.min_interval, allow_private) as fetcher:
            pages = run_source(source, fetcher, limit=limit)
            for outcome in load_pages(
                state.writers, pages, source=source, gazetteer=state.gazetteer, dry_run=dry_run
            ):
                counts[outcome.result] += 1
                if outcome.result in ("added", "applied") and outcome.service_id:
                    changed.append(outcome.service_id)
                label = outcome.name or ""
                click.echo(f"{outcome.result:<9} {outcome.url} {label} {outcome.detail}".rstrip())
    finally:
        # Each page is committed on its own: what was applied before a crash or Ctrl-C must
        # still become findable.
        if not dry_run:
            _reindex(changed)
    summary = ", ".join(f"{counts[k]} {k}" for k in LOAD_RESULTS)
    click.echo(f"{source.id}: {summary}" + (" (dry run: nothing written)" if dry_run else ""))


@scrape_group.command("url")
@click.argument("url")
@click.option("--dry-run", is_flag=True, required=True, help="Required: this command never writes.")
@click.option("--json", "as_json", is_flag=True, help="Print the proposed HSDS record as JSON.")
@click.option(
    "--allow-private", is_flag=True, help="Also fetch from local and private addresses (a mirror)."
)
@with_appcontext
def scrape_url_command(url: str, dry_run: bool, as_json: bool, allow_private: bool) -> None:
    """Run the generic extraction on one page and print the HSDS service it would propose."""
    with _fetcher(current_app, 0, allow_private) as fetcher:
        try:
            record = scrape_url(url, fetcher)
        except ScrapeError as exc:
            raise click.ClickException(f"{url}: {exc}") from exc
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        click.echo(f"{record.get('name')}  ({record.get('x-source', {}).get('method', '?')})")


def init_app(app: Flask) -> None:
    """Register our commands on the app's CLI."""
    for command in (init_command, import_command, export_command, eval_command):
        app.cli.add_command(command)
    app.cli.add_command(index_group)
    app.cli.add_command(changes_group)
    app.cli.add_command(scrape_group)


def _create_app() -> Flask:
    from web import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, help="socialekaart: the social map of Flanders.")


def main() -> None:
    """Console-script entry point."""
    sys.exit(cli.main())
