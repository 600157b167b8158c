"""The package's public API: ``__all__`` is sorted and lists every public name it imports."""

from __future__ import annotations

import scrapers


def test_all_is_sorted_and_complete() -> None:
    public = {name for name in vars(scrapers) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(scrapers, name)).__name__ == "module"}

    # isort order: CONSTANTS, then Classes, then functions
    order = sorted(scrapers.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    assert scrapers.__all__ == order
    assert set(scrapers.__all__) == public - modules - {"annotations"}
