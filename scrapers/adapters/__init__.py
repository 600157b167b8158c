"""Source adapters: one module per kind of site, each exposing ``crawl(source, fetcher, ...)``.

Adapters turn a source's pages into HSDS service proposals; they never write to the catalogue.
"""

from __future__ import annotations
