"""Derive data/lang/lexicon-nl.tsv (compound splitting, plural folding) from reference data.

Input: OpenTaal basiswoorden-gekeurd.txt (approved Dutch words); frequencies: PyPI `wordfreq`
(Zipf scale). Kept: lowercase alphabetic words of 3+ letters with a Dutch Zipf frequency >= 2.0,
accents folded. Run once by hand (needs `pip install wordfreq`; the product only reads the output):
    .venv/bin/python data/lang/derive_lexicon.py PATH/TO/basiswoorden-gekeurd.txt
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

from wordfreq import zipf_frequency

MIN_ZIPF = 2.0


def fold(word: str) -> str:
    """Strip accents the way the search analyzer does (financiën -> financien)."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def main(source: Path, target: Path) -> None:
    best: dict[str, float] = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if len(word) < 3 or not re.fullmatch(r"[a-zà-ÿ]+", word):
            continue
        zipf = zipf_frequency(word, "nl")
        if zipf >= MIN_ZIPF:
            key = fold(word)
            best[key] = max(best.get(key, 0.0), zipf)
    lines = [f"{word}\t{zipf:.2f}" for word, zipf in sorted(best.items())]
    header = "# word<TAB>zipf frequency (derived: see data/SOURCES.md, section indexer)\n"
    target.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} words -> {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).with_name("lexicon-nl.tsv"))
