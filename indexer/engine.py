"""SearchIndex: the small interface that hides Whoosh (storage, atomic rebuild, updates, search).

The parts live beside it: indexer.storage (the folder, generations, pointer, lock, spelling
words), indexer.snapshot (one searcher with its cached document sets), indexer.plan (one search:
ranking and facets) and indexer.snippet.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from directory.gazetteer import Gazetteer, default_gazetteer
from indexer import opening
from indexer.documents import is_searchable, service_to_document, spelling_words
from indexer.model import SearchRequest, SearchResults
from indexer.plan import Plan, UrlForParams, default_url
from indexer.snapshot import Snapshot
from indexer.storage import IndexStorage


class SearchIndex:
    """A Dutch service search index in a folder. Thread-safe; one reused searcher per instance."""

    def __init__(
        self, root: Path, gazetteer: Gazetteer, url_for_params: UrlForParams | None = None
    ) -> None:
        self.root = Path(root)
        self.gazetteer = gazetteer
        self.url_for_params = url_for_params or default_url
        self.storage = IndexStorage(self.root)
        self._read_mutex = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._generation: str | None = None

    @classmethod
    def open_or_create(
        cls,
        index_dir: Path,
        gazetteer: Gazetteer | None = None,
        url_for_params: UrlForParams | None = None,
    ) -> SearchIndex:
        """Open the index in `index_dir`, creating an empty one there if the folder has none.

        When CURRENT is lost the newest complete generation serves; when none is known to be
        complete, searches raise FileNotFoundError saying to rebuild (and rebuild works).
        """
        index = cls(Path(index_dir), gazetteer or default_gazetteer(), url_for_params)
        index.storage.ensure_live()
        return index

    # -- writing -----------------------------------------------------------------------------

    def _documents(self, services: Iterable[dict]) -> Iterator[dict]:
        for service in services:
            if is_searchable(service):
                yield service_to_document(service, self.gazetteer, opening.keys_for(service))

    def rebuild(self, services: Iterable[dict]) -> int:
        """Index `services` from scratch beside the live index, then switch; returns the doc count.

        Stray folders of builds that crashed earlier are removed first (under the writer lock).
        """
        with self.storage.write_lock():
            self.storage.remove_unfinished()
            self.storage.switch(self.storage.new_generation(self._documents(services)))
        return self.doc_count()

    def upsert(self, services: Iterable[dict]) -> int:
        """Add or replace services in one commit; inactive or defunct ones are removed instead."""
        count = 0
        with self.storage.write_lock():
            ix = self.storage.open_live()
            writer = ix.writer(limitmb=128)
            words: set[str] = set()
            try:
                for service in services:
                    count += 1
                    if is_searchable(service):
                        document = service_to_document(
                            service, self.gazetteer, opening.keys_for(service)
                        )
                        words.update(spelling_words(document))
                        writer.update_document(**document)
                    else:
                        writer.delete_by_term("id", service["id"])
            except BaseException:
                writer.cancel()
                raise
            # Before the commit, so a reader of the new state finds the words.
            self.storage.add_spelling(Path(ix.storage.folder), words)
            writer.commit()
            ix.close()
        return count

    def delete(self, ids: Iterable[str]) -> int:
        """Remove services by id; returns how many documents were deleted."""
        with self.storage.write_lock():
            ix = self.storage.open_live()
            writer = ix.writer()
            deleted = sum(writer.delete_by_term("id", service_id) for service_id in ids)
            writer.commit()
            ix.close()
        return deleted

    # -- reading -----------------------------------------------------------------------------

    def _fresh_snapshot(self) -> Snapshot:
        """The reused searcher, refreshed only when CURRENT or the live index changed."""
        folder = self.storage.live_folder()
        snap = self._snapshot
        if snap is not None and folder.name == self._generation and snap.searcher.up_to_date():
            return snap
        # A new searcher, not Searcher.refresh(): refresh() reuses segment readers by segment id
        # and so keeps their old deleted-document sets (updated documents would show twice).
        if snap is not None:
            snap.searcher.close()
        self._generation = folder.name
        self._snapshot = Snapshot(IndexStorage.open(folder).searcher(), folder)
        return self._snapshot

    def doc_count(self) -> int:
        """Number of searchable services in the live index."""
        with self._read_mutex:
            return self._fresh_snapshot().searcher.doc_count()

    def close(self) -> None:
        with self._read_mutex:
            if self._snapshot is not None:
                self._snapshot.searcher.close()
            self._snapshot = None
            self._generation = None

    def search(
        self,
        request: SearchRequest,
        now: datetime | None = None,
        url_for_params: UrlForParams | None = None,
    ) -> SearchResults:
        """Run a search. Any `q` is valid; unknown towns or codes raise SearchInputError (Dutch)."""
        plan = Plan(self.gazetteer, request, now, url_for_params or self.url_for_params)
        with self._read_mutex:
            return plan.run(self._fresh_snapshot())
