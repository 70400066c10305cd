"""The words a text is about: content words and their weights, for telling which text a title,
a sentence or a block belongs to (the multiregional part; the text model of the areas)."""

from __future__ import annotations

import math
from collections import Counter

import regex

from etl.gazetteer import normalize

FUNCTION_WORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "will",
        "iom",
        "of",
        "to",
        "in",
        "on",
        "by",
        "as",
        "its",
        "their",
        "this",
        "that",
        "from",
        "are",
        "be",
        "has",
        "have",
        "also",
        "which",
        "such",
        "well",
        "other",
        "these",
        "who",
        "all",
        "into",
        "between",
        "through",
        "including",
        "more",
    ]
)
# words that say nothing of what a text is about, and those every amount sentence uses
STOP = FUNCTION_WORDS | frozenset(["been", "than", "would", "usd", "funding", "required", "requirement", "total"])
_STEM = regex.compile(r"[a-z][a-z'\u2019-]{2,}")


def content_words(text: str) -> list[str]:
    """Content words, a plural's "s" taken off ("trainings workshops" ~ "training workshop")."""
    words = (singular(w) for w in _STEM.findall(normalize(text)))
    return [w for w in words if w not in STOP]


def singular(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def idf(texts: list[str]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for t in texts:
        df.update(set(content_words(t)))
    return {w: math.log((1 + len(texts)) / (1 + c)) + 1 for w, c in df.items()}


def cosine(a: Counter[str], b: Counter[str], idf: dict[str, float]) -> float:
    dot = sum(a[w] * b[w] * idf.get(w, 1.0) ** 2 for w in a if w in b)
    na = math.sqrt(sum((c * idf.get(w, 1.0)) ** 2 for w, c in a.items()))
    nb = math.sqrt(sum((c * idf.get(w, 1.0)) ** 2 for w, c in b.items()))
    return 10 * dot / (na * nb) if na and nb else 0.0
