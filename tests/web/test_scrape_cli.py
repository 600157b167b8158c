"""The scrape commands of ``socialekaart`` against the scrapers' local test site.

The local server (tests/scrapers/localsite.py) stands in for the internet; it runs on 127.0.0.1,
which the scrapers refuse unless ``--allow-private`` is given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

import web.cli
from scrapers.crawl import PageOutcome
from scrapers.http import Fetcher
from tests.scrapers.localsite import FIXTURES, LocalSite, serve

SOURCE = "sociaal-huis-voorbeeld"


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    yield from serve(LocalSite())


@pytest.fixture
def cli(app: Flask, runner: FlaskCliRunner) -> FlaskCliRunner:
    """The CLI on a fresh, initialised database."""
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    return runner


def test_the_scrape_commands(cli: FlaskCliRunner, site: LocalSite) -> None:
    listing = cli.invoke(args=["scrape", "list"])
    assert SOURCE in listing.output and "review everything" in listing.output
    base = site.url("/sociaal_huis/")
    run = ["scrape", "run", SOURCE, "--base-url", base, "--allow-private"]
    dry = cli.invoke(args=[*run, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "(dry run: nothing written)" in dry.output and " new" in dry.output
    real = cli.invoke(args=run)
    summary = real.output.splitlines()[-1]
    # The fixture site has 3 good product pages and 3 broken ones (lost address block...).
    assert summary == f"{SOURCE}: 3 new, 0 added, 0 changed, 0 applied, 0 unchanged, 3 failed"
    pending = cli.invoke(args=["changes", "list"])
    assert "3 pending change(s)." in pending.output
    page = next((FIXTURES / "jsonld" / "organisaties").glob("*.html"))
    url = site.url(f"/jsonld/organisaties/{page.name}")
    one = cli.invoke(args=["scrape", "url", url, "--dry-run", "--json", "--allow-private"])
    assert one.exit_code == 0, one.output
    assert '"name":' in one.output and '"x-source"' in one.output
    missing = cli.invoke(
        args=["scrape", "url", site.url("/bestaat-niet"), "--dry-run", "--allow-private"]
    )
    assert missing.exit_code == 1 and "HTTP 404" in missing.output


def test_local_addresses_are_refused_without_allow_private(
    cli: FlaskCliRunner, site: LocalSite
) -> None:
    site.reset()
    one = cli.invoke(args=["scrape", "url", site.url("/fouten/kapot"), "--dry-run"])
    assert one.exit_code == 1
    assert "refused: loopback address 127.0.0.1" in one.output

    run = cli.invoke(args=["scrape", "run", SOURCE, "--base-url", site.url("/sociaal_huis/")])
    assert run.exit_code == 0, run.output
    assert "failed    " in run.output and "refused: loopback address 127.0.0.1" in run.output
    assert run.output.splitlines()[-1].endswith(
        "0 new, 0 added, 0 changed, 0 applied, 0 unchanged, 1 failed"
    )
    assert site.paths() == []  # nothing was sent


def test_what_was_added_before_a_crash_is_still_indexed(
    cli: FlaskCliRunner, site: LocalSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_sources, run_source = web.cli.load_sources, web.cli.run_source

    def trusted_sources(**kwargs: object) -> dict:
        return {
            key: dataclasses.replace(source, auto_accept_new=True)
            for key, source in load_sources(**kwargs).items()  # type: ignore[arg-type]
        }

    def interrupted_run(
        source: object, fetcher: Fetcher, limit: int | None = None
    ) -> Iterator[PageOutcome]:
        """The real run, stopped by Ctrl-C after the first page that added a service."""
        for page in run_source(source, fetcher, limit=limit):  # type: ignore[arg-type]
            yield page
            if page.services:
                raise KeyboardInterrupt

    monkeypatch.setattr(web.cli, "load_sources", trusted_sources)
    monkeypatch.setattr(web.cli, "run_source", interrupted_run)
    base = site.url("/sociaal_huis/")
    result = cli.invoke(args=["scrape", "run", SOURCE, "--base-url", base, "--allow-private"])

    assert result.exit_code == 1 and "Aborted!" in result.output
    assert result.output.startswith("added ") and result.output.count("added ") == 1
    status = cli.invoke(args=["index", "status"])
    assert status.output.startswith("1 services"), status.output
