"""Atomic rebuild: a build that fails or is killed halfway leaves the old index serving."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer import SearchIndex, SearchRequest
from indexer.storage import LOCK, POINTER
from tests.indexer.conftest import CATALOGUE, service

ROOT = Path(__file__).resolve().parents[2]


def generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("gen-"))


def failing(services: list[dict], after: int) -> Iterator[dict]:
    for i, record in enumerate(services):
        if i == after:
            raise RuntimeError("database went away")
        yield record


def test_exception_mid_build_keeps_the_old_index(fresh: SearchIndex) -> None:
    before, folders = (fresh.root / POINTER).read_text(), generations(fresh.root)
    replacement = [service(f"Nieuwe dienst {i}", "Iets nieuws.") for i in range(20)]
    with pytest.raises(RuntimeError, match="database went away"):
        fresh.rebuild(failing(replacement, after=10))
    assert (fresh.root / POINTER).read_text() == before
    assert generations(fresh.root) == folders  # the half-built folder is gone
    assert fresh.doc_count() == len(CATALOGUE) - 2
    assert fresh.search(SearchRequest(q="nieuw")).total == 0


def test_rebuild_switches_and_keeps_one_previous_generation(fresh: SearchIndex) -> None:
    fresh.rebuild([service("Alleen deze dienst")])
    fresh.rebuild([service("Alleen deze dienst"), service("En deze")])
    assert fresh.doc_count() == 2
    current = (fresh.root / POINTER).read_text().strip()
    assert len(generations(fresh.root)) == 2 and current in generations(fresh.root)


BUILDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from indexer import SearchIndex
    from tests.indexer.conftest import service

    def slow():
        for i in range(1000):
            if i == 50:
                Path(sys.argv[2]).touch()  # tell the test we are halfway
                time.sleep(60)
            yield service(f"Tijdelijke dienst {i}", "Wordt nooit afgewerkt.")

    SearchIndex.open_or_create(Path(sys.argv[1])).rebuild(slow())
    """
)


@pytest.fixture
def halfway(fresh: SearchIndex, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """A separate process rebuilding the index, paused halfway (it holds the writer lock)."""
    flag = tmp_path / "halfway"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", BUILDER, str(fresh.root), str(flag)], cwd=ROOT, env=env
    )
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert process.poll() is None, "builder died before halfway"
        assert time.monotonic() < deadline, "builder never got halfway"
        time.sleep(0.05)
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_readers_do_not_block_while_a_rebuild_runs(fresh: SearchIndex, halfway) -> None:
    assert fresh.search(SearchRequest(q="nachtopvang")).hits[0].name == "Nachtopvang De Haven"
    with open(fresh.root / LOCK, "a+b") as handle, pytest.raises(BlockingIOError):
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # only one writer at a time


def test_killed_rebuild_leaves_the_old_index_serving(fresh: SearchIndex, halfway) -> None:
    before, folders = (fresh.root / POINTER).read_text(), generations(fresh.root)
    os.kill(halfway.pid, signal.SIGKILL)
    halfway.wait()
    assert (fresh.root / POINTER).read_text() == before
    assert fresh.doc_count() == len(CATALOGUE) - 2
    assert fresh.search(SearchRequest(q="tijdelijke")).total == 0
    other = SearchIndex.open_or_create(
        fresh.root
    )  # a new process opening the index after the crash
    assert other.search(SearchRequest(q="nachtopvang")).total >= 1
    other.close()
    # the half-built folder is still there; the next rebuild removes it and completes
    assert generations(fresh.root) == folders
    fresh.upsert([service("Na de crash", "Toegevoegd na de crash.")])
    assert fresh.rebuild(CATALOGUE[:3]) == 3
    assert (fresh.root / POINTER).read_text() != before
    assert len(generations(fresh.root)) == 2
