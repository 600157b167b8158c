"""Fixtures of the rights tests: the bundled rule book and a writable copy of data/rights."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rights import RuleBook, default_rulebook
from rights.rules import DEFAULT_DATA_DIR


@pytest.fixture(scope="session")
def book() -> RuleBook:
    return default_rulebook()


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A copy of data/rights to break on purpose."""
    target = tmp_path / "rights"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target
