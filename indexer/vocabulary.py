"""Dutch word knowledge for search: folding, lemmas, compound splitting, synonyms and lay terms.

Pure Python over data files in data/ (lexicon, synonyms, taxonomy); no Whoosh here, so it is
cheap to test and shared by the index analyzer and the query builder.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml
from whoosh.lang import stopwords_for_language
from whoosh.lang.snowball.dutch import DutchStemmer

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

TOKEN_RE = re.compile(r"\w+", re.UNICODE)
VOWELS = frozenset("aeiouy")
# Parts shorter than this are not split off: 'bij|stand' and 'op|vang' are not compounds for search.
MIN_PART = 4
# Prefixes that look like words but do not start a compound ('ver|lening').
NOT_MODIFIERS = frozenset({"ver", "ont", "her", "mee", "toe", "mis", "weg", "vol", "aan", "uit"})
# Linking sounds between the parts of a Dutch compound (verslaving-s-zorg, kind-er-opvang).
LINKS = ("s", "en", "e", "er")


# Letters that Unicode does not decompose into a base letter plus an accent.
_PLAIN_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ø": "o",
        "ł": "l",
        "ŀ": "l",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
    }
)


def fold(text: str) -> str:
    """Lowercase, ligatures and accents out: 'Financiën' -> 'financien', 'ﬁ' -> 'fi', 'ß' -> 'ss'.

    NFKC first (compatibility forms such as 'ﬁ' and 'ĳ' become plain letters), then lowercase,
    then accents stripped (NFKD) and the few letters without a decomposition mapped.
    """
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).lower().translate(_PLAIN_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_token(token: str) -> list[str]:
    """The folded word(s) of one token: usually one; folding may split it ('½' -> '1', '2')."""
    if token.isascii():
        return [token.lower()]
    return TOKEN_RE.findall(fold(token))


def text_words(text: str) -> list[str]:
    """Folded words of a text, as the index analyzer and the query builder both read them."""
    return [word for token in TOKEN_RE.findall(text) for word in fold_token(token)]


@cache
def stopwords() -> frozenset[str]:
    """Whoosh's Dutch stop words (folded) plus ours from data/synonyms.yaml (English fillers)."""
    extra = synonym_data().get("stopwords", [])
    return frozenset(fold(w) for w in stopwords_for_language("nl")) | frozenset(
        fold(w) for w in extra
    )


@cache
def weak_words() -> frozenset[str]:
    """Generic words that say little about the need ('hulp', 'dienst'), from synonyms.yaml."""
    return frozenset(fold(w) for w in synonym_data().get("weak_words", []))


@cache
def lexicon() -> dict[str, float]:
    """Folded Dutch word -> Zipf frequency (data/lang/lexicon-nl.tsv)."""
    words: dict[str, float] = {}
    path = DATA_DIR / "lang" / "lexicon-nl.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, zipf = line.split("\t")
            words[word] = float(zipf)
    return words


@cache
def synonym_data() -> dict:
    """Raw data/synonyms.yaml (lemmas, synonym groups, one-way expansions, stop words)."""
    return yaml.safe_load((DATA_DIR / "synonyms.yaml").read_text(encoding="utf-8"))


@cache
def explicit_lemmas() -> dict[str, str]:
    """Irregular forms the rules miss (kinderen -> kind), from data/synonyms.yaml."""
    return {fold(k): fold(v) for k, v in synonym_data().get("lemmas", {}).items()}


_stemmer = DutchStemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Whoosh's Dutch Snowball stem of a folded word (cached: the stemmer is pure Python)."""
    return _stemmer.stem(word)


def _singular(word: str) -> str | None:
    """A plural or inflected form's base when the lexicon knows it (fietsen -> fiets)."""
    words = lexicon()
    if word.endswith("heden") and len(word) > 7:
        return word[:-5] + "heid"
    if word.endswith("en") and len(word) >= 5:
        base = word[:-2]
        if base in words:
            return base
        if len(base) >= 3 and base[-1] == base[-2] and base[-1] not in VOWELS:
            if base[:-1] in words:  # gezinnen -> gezin
                return base[:-1]
        if len(base) >= 3 and base[-2] in VOWELS and base[-3] not in VOWELS:
            last = {"z": "s", "v": "f"}.get(base[-1], base[-1])
            long_form = base[:-1] + base[-2] + last  # daklozen -> dakloos
            if long_form in words:
                return long_form
    if word.endswith("s") and len(word) >= 5 and word[-2] not in VOWELS:
        if word[:-1] in words and word not in words:  # ouders -> ouder
            return word[:-1]
    return None


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """Base form of a folded word, so Snowball gives one stem for singular and plural.

    Compounds are reduced on their head: 'tandartsen' -> 'tandarts' via 'artsen' -> 'arts'.
    """
    explicit = explicit_lemmas()
    if word in explicit:
        return explicit[word]
    base = _singular(word)
    if base is not None:
        return explicit.get(base, base)
    parts = split_compound(word)
    if parts:
        head = parts[-1]
        head_base = explicit.get(head) or _singular(head)
        if head_base:
            return word[: len(word) - len(head)] + head_base
    return word


def _zipf(word: str) -> float:
    return lexicon().get(word, 0.0)


def _modifier_options(text: str) -> list[str]:
    """The first part of a compound as written and without a linking sound."""
    options = [text]
    for link in LINKS:
        if text.endswith(link) and len(text) - len(link) >= MIN_PART - 1:
            options.append(text[: -len(link)])
    return options


@lru_cache(maxsize=200_000)
def _best_split(word: str) -> tuple[tuple[str, ...], float] | None:
    """Best split of `word` into lexicon parts, scored by the mean Zipf frequency of the parts."""
    words = lexicon()
    best: tuple[tuple[str, ...], float] | None = None
    for cut in range(MIN_PART - 1, len(word) - MIN_PART + 1):
        head = word[cut:]
        if head not in words:
            continue
        for modifier in _modifier_options(word[:cut]):
            if len(modifier) < MIN_PART - 1 or modifier in stopwords():
                continue
            short_ok = _zipf(modifier) >= 3.0 and modifier not in NOT_MODIFIERS
            if modifier in words and (len(modifier) >= MIN_PART or short_ok):
                leaves: tuple[str, ...] = (modifier,)
                score = _zipf(modifier)
            else:
                inner = _best_split(modifier) if len(modifier) >= 2 * MIN_PART else None
                if inner is None:
                    continue
                leaves, score = inner[0], inner[1] * len(inner[0])
            parts = (*leaves, head)
            mean = (score + _zipf(head)) / len(parts)
            # Fewer parts win ties: 'schuld|hulpverlening' over 'schuld|hulp|verlening'.
            if best is None or mean > best[1] + 0.01 * (len(parts) - len(best[0])):
                best = (parts, mean)
    return best


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """Parts of a Dutch compound, or () when `word` is better left whole.

    A split is kept when its parts are on average more frequent than the whole word (Koehn and
    Knight 2003): 'kinderopvang' -> ('kind', 'opvang'), but 'verslaving' stays whole.
    """
    if len(word) < 2 * MIN_PART - 1 or not word.isalpha():
        return ()
    found = _best_split(word)
    if found is None or found[1] <= _zipf(word):
        return ()
    return found[0]


def compound_parts(word: str) -> tuple[str, ...]:
    """All sub-words worth indexing for a compound: its parts and the parts of a compound head.

    'schuldhulpverlening' -> ('schuld', 'hulpverlening', 'hulp', 'verlening').
    """
    parts = split_compound(word)
    if not parts:
        return ()
    extra: list[str] = []
    for part in parts:
        extra.extend(p for p in split_compound(part) if p not in parts)
    return (*parts, *extra)


@cache
def unstemmed() -> frozenset[str]:
    """Words Snowball would merge with another meaning ('alleen' ~ 'alle', 'ouderen' ~ 'ouders')."""
    return frozenset(fold(w) for w in synonym_data().get("unstemmed", []))


def analyse_word(word: str) -> str:
    """Index/query term of one folded word: lemma, then Snowball stem (unless protected)."""
    if word in unstemmed():
        return word
    base = lemma(word)
    return base if base in unstemmed() else stem(base)


def word_terms(text: str) -> list[str]:
    """Terms (stems) of a phrase, stop words dropped: 'bemiddeling bij schulden' -> [...]."""
    return [analyse_word(w) for w in text_words(text) if w not in stopwords()]


@dataclass(frozen=True)
class Expansion:
    """What a phrase may also mean: stem tuples (each an AND) and life-domain codes."""

    terms: tuple[tuple[str, ...], ...]
    domains: tuple[str, ...]


def _key(text: str) -> tuple[str, ...]:
    return tuple(word_terms(text))


@cache
def expansions() -> dict[tuple[str, ...], Expansion]:
    """Phrase (stem tuple) -> what it may also mean, from synonyms.yaml and taxonomy lay terms."""
    data = synonym_data()
    terms: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    domains: dict[tuple[str, ...], set[str]] = {}
    for group in data.get("synonyms", []):
        keys = [k for k in (_key(member) for member in group) if k]
        for key in keys:
            terms.setdefault(key, set()).update(k for k in keys if k != key)
    for source, targets in data.get("expansions", {}).items():
        key = _key(source)
        if key:
            terms.setdefault(key, set()).update(k for k in map(_key, targets) if k and k != key)
    for domain in taxonomy()["levensdomein"]:
        for phrase in (*domain.get("lay_terms", []), domain["label"], domain["code"]):
            key = _key(phrase.replace("-", " "))
            if key:
                domains.setdefault(key, set()).add(domain["code"])
    return {
        key: Expansion(tuple(sorted(terms.get(key, ()))), tuple(sorted(domains.get(key, ()))))
        for key in terms.keys() | domains.keys()
    }


@cache
def known_words() -> frozenset[str]:
    """Words of our own vocabulary (synonyms, lay terms) that typo correction may also propose."""
    data = synonym_data()
    phrases = [p for group in data.get("synonyms", []) for p in group]
    for source, targets in data.get("expansions", {}).items():
        phrases += [source, *targets]
    for domain in taxonomy()["levensdomein"]:
        phrases += [*domain.get("lay_terms", []), domain["label"]]
    words = {w for p in phrases for w in text_words(p) if len(w) >= 4}
    return frozenset(w for w in words if w.isalpha()) - stopwords()


@cache
def max_phrase_len() -> int:
    """Longest phrase in the expansion table, in terms."""
    return max((len(k) for k in expansions()), default=1)


@cache
def taxonomy() -> dict:
    """data/taxonomy.yaml: life domains (levensdomein) and target groups (doelgroep)."""
    return yaml.safe_load((DATA_DIR / "taxonomy.yaml").read_text(encoding="utf-8"))


@cache
def domain_labels() -> dict[str, str]:
    """Life-domain code -> Dutch label."""
    return {d["code"]: d["label"] for d in taxonomy()["levensdomein"]}


@cache
def target_group_labels() -> dict[str, str]:
    """Target-group code -> Dutch label."""
    return {d["code"]: d["label"] for d in taxonomy()["doelgroep"]}
