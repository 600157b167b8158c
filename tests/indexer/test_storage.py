"""The index folder: durable generations, a lost CURRENT pointer, spelling words that stay true."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from indexer import SearchIndex, SearchRequest
from indexer.storage import COMPLETE, POINTER, SPELLING, read_spelling
from tests.indexer.conftest import CATALOGUE, by_name, service


def test_a_generation_is_on_disk_before_current_points_at_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = SearchIndex.open_or_create(tmp_path / "index")
    events: list[tuple[str, Path]] = []
    fsync, replace = os.fsync, os.replace

    def spy_fsync(fd: int) -> None:
        events.append(("fsync", Path(os.readlink(f"/proc/self/fd/{fd}"))))
        fsync(fd)

    def spy_replace(src: str | Path, dst: str | Path) -> None:
        events.append(("replace", Path(dst)))
        replace(src, dst)

    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(os, "replace", spy_replace)
    index.rebuild(CATALOGUE)
    folder = index.root / (index.root / POINTER).read_text().strip()
    switched = events.index(("replace", index.root / POINTER))
    # a file written through a temporary name was synced under that name
    synced_before = {
        path.with_name(path.name.removesuffix(".tmp"))
        for kind, path in events[:switched]
        if kind == "fsync"
    }
    assert {*folder.iterdir(), folder} <= synced_before
    assert ("fsync", index.root) in events[switched:]  # the pointer's new entry too
    index.close()


def test_a_lost_pointer_serves_the_newest_complete_generation(tmp_path: Path) -> None:
    root = tmp_path / "index"
    first = SearchIndex.open_or_create(root)
    first.rebuild(CATALOGUE[:1])
    first.rebuild(CATALOGUE)
    first.close()
    live = (root / POINTER).read_text().strip()
    (root / POINTER).unlink()
    (root / "gen-9").mkdir()  # a build killed halfway: no COMPLETE marker
    reopened = SearchIndex.open_or_create(root)
    assert (root / POINTER).read_text().strip() == live
    assert reopened.doc_count() == len(CATALOGUE) - 2
    reopened.close()


def test_a_lost_pointer_without_a_complete_generation_says_to_rebuild(tmp_path: Path) -> None:
    root = tmp_path / "index"
    SearchIndex.open_or_create(root).rebuild(CATALOGUE)
    (root / POINTER).unlink()
    for folder in root.glob("gen-*"):
        (folder / COMPLETE).unlink()  # as a generation written before the marker existed
    index = SearchIndex.open_or_create(root)
    with pytest.raises(FileNotFoundError, match="run `socialekaart index rebuild`"):
        index.search(SearchRequest(q="nachtopvang"))
    assert not (root / POINTER).exists()  # no empty index slipped in
    assert index.rebuild(CATALOGUE) == len(CATALOGUE) - 2
    assert index.search(SearchRequest(q="nachtopvang")).total >= 1
    index.close()


def test_an_empty_folder_gets_an_empty_index(tmp_path: Path) -> None:
    index = SearchIndex.open_or_create(tmp_path / "new")
    assert index.doc_count() == 0
    assert (index.root / (index.root / POINTER).read_text().strip() / COMPLETE).is_file()
    index.close()


def typo_fix(index: SearchIndex, typo: str) -> str | None:
    return index.search(SearchRequest(q=typo)).suggestion


def test_typo_corrections_never_point_to_removed_words(fresh: SearchIndex) -> None:
    shelter = by_name("Nachtopvang De Haven")
    fresh.upsert([service("Zonnebloemloket", "Vragen over de zonnebloempremie.")])
    assert typo_fix(fresh, "zonnebloemlokte") == "zonnebloemloket"
    assert typo_fix(fresh, "douhce") == "douche"
    fresh.delete([service("Zonnebloemloket")["id"]])
    assert typo_fix(fresh, "zonnebloemlokte") is None
    # an update that drops a word: the word is no longer proposed either
    fresh.upsert([shelter | {"description": "Een bed en een warme maaltijd."}])
    assert typo_fix(fresh, "douhce") is None


def test_a_rebuild_keeps_only_the_words_it_indexed(fresh: SearchIndex) -> None:
    fresh.upsert([service("Zonnebloemloket", "Vragen over de zonnebloempremie.")])
    fresh.rebuild(CATALOGUE)
    folder = fresh.root / (fresh.root / POINTER).read_text().strip()
    words = read_spelling(folder)
    assert "nachtopvang" in words and "zonnebloemloket" not in words
    assert (folder / SPELLING).read_text(encoding="utf-8").endswith("\n")


def test_an_old_spelling_file_with_counts_still_reads(tmp_path: Path) -> None:
    (tmp_path / SPELLING).write_text("nachtopvang\t3\nschulden\t1\n", encoding="utf-8")
    assert read_spelling(tmp_path) == {"nachtopvang", "schulden"}
    shutil.rmtree(tmp_path)
    assert read_spelling(tmp_path) == set()
