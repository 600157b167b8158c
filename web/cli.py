"""The ``socialekaart`` command: a FlaskGroup bound to ``create_app``, one group per area.

Command bodies parse arguments and call library functions; the work happens in the packages.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from directory.changes import ChangeError, accept_change, pending_changes, reject_change
from directory.db import upgrade
from directory.exporter import FORMATS, ExportError, export_catalogue
from directory.hsds import iter_service_documents, services_to_hsds
from directory.importer import ImportFileError, import_path
from directory.models import ProposedChange, Service
from directory.reference import load_reference_data
from web.state import get_state

index_group = AppGroup("index", help="Build and inspect the search index.")
changes_group = AppGroup("changes", help="Review changes proposed by scrapers.")


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database and load the gazetteer and taxonomies."""
    state = get_state()
    upgrade(str(state.engine.url.render_as_string(hide_password=False)))
    with state.sessions.begin() as session:
        counts = load_reference_data(session, state.gazetteer)
    click.echo(
        f"Database ready: {counts['municipalities']} municipalities, "
        f"{counts['taxonomy_terms']} taxonomy terms."
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
        with state.sessions.begin() as session:
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
        with state.sessions.begin() as session:
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
        with state.sessions.begin() as session:
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


def init_app(app: Flask) -> None:
    """Register our commands on the app's CLI."""
    for command in (init_command, import_command, export_command, eval_command):
        app.cli.add_command(command)
    app.cli.add_command(index_group)
    app.cli.add_command(changes_group)


def _create_app() -> Flask:
    from web import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, help="socialekaart: the social map of Flanders.")


def main() -> None:
    """Console-script entry point."""
    sys.exit(cli.main())
