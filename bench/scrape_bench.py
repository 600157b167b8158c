"""Scraper throughput and memory against a local site (no internet, rate limit off).

Serves N generated Sociaal Huis product pages (plus list pages) from a ThreadingHTTPServer on
127.0.0.1 in a child process, then runs the shipped ``sociaal-huis-voorbeeld`` config over them:

    .venv/bin/python bench/scrape_bench.py [--pages 1000]

Prints pages per second for a cold run (full fetch + extraction + disk cache), a warm run (every
page revalidated with ETag -> 304, extraction again), extraction alone, matching against the
starter catalogue, and peak Python memory / max RSS for the cold run.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import multiprocessing
import resource
import sys
import tempfile
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scrapers import Fetcher, ServiceIndex, compare_service, load_source, run_source  # noqa: E402
from scrapers.config import DEFAULT_SOURCES_DIR  # noqa: E402
from scrapers.page import parse_html  # noqa: E402
from scrapers.selection import configured_draft  # noqa: E402

LINKS_PER_LIST = 25
STREETS = ("Welzijnsplein", "Hulpstraat", "Kerkstraat", "Stationsdreef", "Zorglaan")
TOWNS = (("8800", "Roeselare"), ("8870", "Izegem"), ("8700", "Tielt"), ("8900", "Ieper"))


def detail_page(number: int) -> bytes:
    """A product page shaped like tests/scrapers/fixtures/sociaal_huis/product/*.html."""
    postcode, town = TOWNS[number % len(TOWNS)]
    street = STREETS[number % len(STREETS)]
    filler = " ".join(f"Alinea {i} over de dienstverlening en de voorwaarden." for i in range(40))
    return f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">
<title>Dienst {number} | Stad {town}</title><meta property="og:site_name" content="Stad {town}">
</head><body><header class="site-header"><nav><ul><li><a href="/">Home</a></li></ul></nav></header>
<main id="content"><article class="product"><h1>Dienst {number}</h1>
<div class="product__intro"><p>Ondersteuning nummer {number} voor inwoners. {filler}</p></div>
<section id="voor-wie"><h2>Voor wie?</h2>
<div class="section__body"><p>Inwoners van {town}.</p></div></section>
<section id="aanvragen"><h2>Hoe aanvragen?</h2><div class="section__body">
<p>Kom langs of maak een afspraak.</p></div></section></article>
<aside class="sidebar"><div class="contact-card"><h2 class="contact-card__title">Sociaal Huis</h2>
<p class="contact-card__address">{street} {number % 90 + 1}<br>{postcode} {town}</p>
<p class="contact-card__phone"><a href="tel:+3251{number:06d}">051 {number:06d}</a></p>
<p class="contact-card__email"><a href="mailto:dienst{number}@voorbeeld.example">mail</a></p>
<div class="contact-card__hours"><p>maandag tot vrijdag van 9 tot 12 uur en op afspraak</p></div>
</div></aside></main><footer class="site-footer"><p>Stadhuis, Markt 1, {postcode} {town}</p>
</footer></body></html>""".encode()


def list_page(index: int, pages: int) -> bytes:
    first = index * LINKS_PER_LIST
    links = "".join(
        f'<li><a class="product-card" href="../product/dienst-{n}">Dienst {n}</a></li>'
        for n in range(first, min(first + LINKS_PER_LIST, pages))
    )
    following = (
        f'<a rel="next" href="lijst-{index + 1}">Volgende</a>'
        if first + LINKS_PER_LIST < pages
        else ""
    )
    return (
        f'<html><body><main><ul class="product-list">{links}</ul>'
        f'<nav class="pager">{following}</nav></main></body></html>'
    ).encode()


def serve(pages: int, ready: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Child process: the generated site, with ETag revalidation on every page."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus delayed
        # ACKs add ~40 ms per response and the bench would measure the kernel, not the scraper.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Quiet."""

        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            if path == "/robots.txt":
                body, kind = b"User-agent: *\nDisallow: /intern/\n", "text/plain"
            elif path.startswith("/sociaal_huis/producten/"):
                name = path.rsplit("/", 1)[1]
                index = int(name.removeprefix("lijst-")) if name.startswith("lijst-") else 0
                body, kind = list_page(index, pages), "text/html; charset=utf-8"
            elif path.startswith("/sociaal_huis/product/dienst-"):
                body = detail_page(int(path.rsplit("-", 1)[1]))
                kind = "text/html; charset=utf-8"
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = '"' + hashlib.md5(body).hexdigest() + '"'  # noqa: S324 - not security
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ready.put(server.server_address[1])
    server.serve_forever()


def crawl(source, fetcher) -> tuple[int, int, int, float]:  # type: ignore[no-untyped-def]
    """(detail pages, services, failures, seconds) for one run."""
    start = time.perf_counter()
    details = services = failures = 0
    for outcome in run_source(source, fetcher):
        if outcome.kind == "detail":
            details += 1
            services += len(outcome.services)
            failures += not outcome.is_ok
    return details, services, failures, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000, help="detail pages to serve and scrape")
    args = parser.parse_args()

    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=serve, args=(args.pages, ready), daemon=True)
    server.start()
    port = ready.get(timeout=10)
    base = f"http://127.0.0.1:{port}/sociaal_huis/"
    source = load_source(DEFAULT_SOURCES_DIR / "sociaal-huis-voorbeeld.yaml", base_url=base)
    source = dataclasses.replace(
        source, max_list_pages=args.pages // LINKS_PER_LIST + 2, min_interval=None
    )
    print(f"scrape bench: {args.pages} detail pages from 127.0.0.1 (server in a child process)")
    print("rate limit off (min_interval=0), robots.txt obeyed, disk cache on\n")

    with tempfile.TemporaryDirectory() as cache_dir:
        with Fetcher(allow_private=True, cache_dir=Path(cache_dir), min_interval=0) as fetcher:
            details, services, failures, seconds = crawl(source, fetcher)
            print(
                f"cold run : {details} pages, {services} services, {failures} failed, "
                f"{seconds:.2f} s -> {details / seconds:.0f} pages/s"
            )
            details, services, failures, seconds = crawl(source, fetcher)
            print(
                f"warm run : {details} pages revalidated (304 + cache), "
                f"{seconds:.2f} s -> {details / seconds:.0f} pages/s"
            )

    html = detail_page(7).decode()
    rounds = 300
    start = time.perf_counter()
    for _ in range(rounds):
        configured_draft(parse_html(html), base + "product/dienst-7", source)
    seconds = time.perf_counter() - start
    print(f"extract  : {rounds / seconds:.0f} pages/s (parse + selectors + heuristics, no network)")

    catalogue = json.loads((ROOT / "data" / "catalogue" / "catalogue.hsds.json").read_text())
    with (
        tempfile.TemporaryDirectory() as cache_dir,
        Fetcher(allow_private=True, cache_dir=Path(cache_dir), min_interval=0) as fetcher,
    ):
        scraped = [s for o in run_source(source, fetcher, limit=200) for s in o.services]
    index = ServiceIndex(catalogue)
    start = time.perf_counter()
    statuses = [compare_service(s, index).status for s in scraped]
    seconds = time.perf_counter() - start
    print(
        f"match    : {len(scraped) / seconds:.0f} services/s against {len(catalogue)} catalogue "
        f"services ({statuses.count('new')} new)"
    )

    with tempfile.TemporaryDirectory() as cache_dir:
        tracemalloc.start()
        with Fetcher(allow_private=True, cache_dir=Path(cache_dir), min_interval=0) as fetcher:
            crawl(source, fetcher)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"memory   : peak Python allocations {peak / 1_048_576:.1f} MB during a {args.pages}-page "
        f"run (tracemalloc), max RSS {max_rss:.0f} MB for the whole bench"
    )
    server.terminate()
    server.join()


if __name__ == "__main__":
    main()
