"""The package's public API: __all__ sorted, complete and importable."""

from __future__ import annotations

import rights


def test_all_is_sorted_and_importable() -> None:
    assert rights.__all__ == sorted(rights.__all__)
    for name in rights.__all__:
        assert getattr(rights, name) is not None


def test_all_lists_every_public_name() -> None:
    public = {name for name in vars(rights) if not name.startswith("_")}
    modules = {"conditions", "engine", "model", "offices", "rules", "situation", "vocabulary"}
    modules.add("annotations")
    assert public - modules == set(rights.__all__)
