"""The index folder on disk: the CURRENT pointer, the writer lock, generations, spelling words.

Layout: `CURRENT` names the live generation folder (`gen-N/`, a Whoosh index with its spelling
side file and a `COMPLETE` marker); `write.lock` serialises writers across processes. A rebuild
writes a new generation beside the live one, makes it durable (fsync of its files and folder),
then replaces `CURRENT` atomically, so a crash at any point leaves a complete generation serving.
Nothing here searches.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as windex

from indexer.documents import ServiceSchema, spelling_words

log = logging.getLogger(__name__)

POINTER = "CURRENT"
LOCK = "write.lock"
# Beside each generation's Whoosh files: the surface words typo correction may propose, one a
# line. A side file rather than a Whoosh field: as postings these words made up a third of the
# build. Words only: how often a word occurs is read from the live index (indexer.snapshot).
SPELLING = "spelling.tsv"
# Written last, after every file of the generation is on disk: only such a generation may be
# picked when CURRENT is lost.
COMPLETE = "COMPLETE"
GEN_RE = re.compile(r"^gen-(\d+)$")
REBUILD_HINT = "run `socialekaart index rebuild`"


def _number(name: str) -> int:
    return int(GEN_RE.match(name).group(1))  # type: ignore[union-attr]


def _fsync(path: Path) -> None:
    """Flush a file or a folder (its entries) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durably(path: Path, text: str) -> None:
    """Replace `path` atomically with `text`, the new content on disk before the rename."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync(path.parent)


def read_spelling(folder: Path) -> set[str]:
    """The spelling words of a generation (empty when missing; older files carry a count)."""
    try:
        text = (folder / SPELLING).read_text(encoding="utf-8")
    except FileNotFoundError:
        return set()
    return {line.partition("\t")[0] for line in text.splitlines() if line}


def write_spelling(folder: Path, words: Iterable[str]) -> None:
    """Replace the spelling side file atomically (not fsynced: a new generation fsyncs all its
    files before it goes live, and an update is no more durable than Whoosh's own commit)."""
    tmp = folder / (SPELLING + ".tmp")
    tmp.write_text("".join(f"{w}\n" for w in sorted(words)), encoding="utf-8")
    os.replace(tmp, folder / SPELLING)


class IndexStorage:
    """The generations of one index folder and the pointer to the live one."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def current(self) -> str | None:
        """The live generation's name, or None when CURRENT is missing or names no folder."""
        try:
            name = (self.root / POINTER).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        return name if GEN_RE.match(name) and (self.root / name).is_dir() else None

    def live_folder(self) -> Path:
        """The live generation's folder; FileNotFoundError saying what to do when there is none."""
        name = self.current()
        if name is None:
            raise FileNotFoundError(self._missing_message())
        return self.root / name

    def _missing_message(self) -> str:
        found = self.generations() if self.root.is_dir() else []
        if found:
            return (
                f"No live search index in {self.root}: {POINTER} is missing or names no "
                f"generation, and none of {', '.join(found)} is known to be complete; "
                f"{REBUILD_HINT}."
            )
        return f"No search index in {self.root}; {REBUILD_HINT}."

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Exclusive across processes and threads (each call opens its own file description)."""
        with open(self.root / LOCK, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def generations(self) -> list[str]:
        """Generation folders, oldest first."""
        names = [p.name for p in self.root.iterdir() if GEN_RE.match(p.name) and p.is_dir()]
        return sorted(names, key=_number)

    def is_complete(self, name: str) -> bool:
        return (self.root / name / COMPLETE).is_file()

    def ensure_live(self) -> None:
        """Give CURRENT a generation: a new empty index in an empty folder; when CURRENT is lost,
        the newest complete generation. Without one, reads raise and tell to rebuild."""
        self.root.mkdir(parents=True, exist_ok=True)
        if self.current() is not None:
            return
        with self.write_lock():
            if self.current() is not None:
                return
            existing = self.generations()
            if not existing:
                self.switch(self.new_generation([]))
                return
            complete = [name for name in existing if self.is_complete(name)]
            if complete:
                log.warning("%s: %s was missing; serving %s", self.root, POINTER, complete[-1])
                self.switch(complete[-1])
            else:
                log.error("%s", self._missing_message())

    def remove_unfinished(self) -> None:
        """Folders of builds newer than the live generation crashed before their switch."""
        current = self.current()
        for name in self.generations():
            if current is not None and _number(name) > _number(current):
                shutil.rmtree(self.root / name, ignore_errors=True)

    def new_generation(self, documents: Iterable[dict]) -> str:
        """Build a complete, durable index of `documents` in a fresh folder; on any error remove
        the folder and re-raise."""
        existing = self.generations()
        name = f"gen-{_number(existing[-1]) + 1 if existing else 1}"
        folder = self.root / name
        folder.mkdir()
        try:
            ix = windex.create_in(str(folder), ServiceSchema())
            writer = ix.writer(limitmb=512)
            words: set[str] = set()
            try:
                for document in documents:
                    words.update(spelling_words(document))
                    writer.add_document(**document)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            ix.close()
            write_spelling(folder, words)
            for path in folder.iterdir():
                _fsync(path)
            _write_durably(folder / COMPLETE, "")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return name

    def switch(self, name: str) -> None:
        """Point CURRENT at `name` atomically and durably; keep the generation it replaces (readers
        in other processes may still use it) and remove the others."""
        previous = self.current()
        _write_durably(self.root / POINTER, name + "\n")
        if previous is None:  # CURRENT was lost: keep the newest complete one before `name`
            older = [g for g in self.generations() if _number(g) < _number(name)]
            previous = next((g for g in reversed(older) if self.is_complete(g)), None)
        for old in self.generations():
            if old not in (name, previous):
                shutil.rmtree(self.root / old, ignore_errors=True)

    @staticmethod
    def open(folder: Path) -> windex.Index:
        """The Whoosh index of one generation folder."""
        return windex.open_dir(str(folder))

    def open_live(self) -> windex.Index:
        return self.open(self.live_folder())

    def add_spelling(self, folder: Path, words: set[str]) -> None:
        """Add the words of updated documents (words of removed ones stay; see SPELLING)."""
        known = read_spelling(folder)
        if not words <= known:
            write_spelling(folder, known | words)
