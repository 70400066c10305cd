"""What a programme's text is about: a naive Bayes model of the seven areas, learnt from the
report itself.

A box whose three lines stand in order ("Migration Health", "Funding requirement (in USD)",
the amount) tells which area the text after the amount belongs to; those boxes teach the
model. It then scores the text after every amount, including the ones whose label is
missing or printed next to another box. The scores are only a preference: the report's sums
decide first. Nothing here is kept by hand: the vocabulary comes from the report.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex

from etl.gazetteer import area_order, normalize
from etl.segment.lexicon import is_target_populations
from etl.segment.words import FUNCTION_WORDS
from etl.segment.zone import ZoneItem
from etl.source import Line

_WORD = regex.compile(r"[a-z][a-z-]{2,}")
SMOOTHING = 1.0
# Naive Bayes is overconfident on long texts; dividing its scores by this temperature gave the
# best held-out log-loss (5-fold cross-validation on the 2015 report's clean boxes: T=8).
TEMPERATURE = 8.0
TRUSTED = 200  # examples from which the model's scores count in full; fewer, and they count less


def text_words(lines: Sequence[Line], span: tuple[int, int]) -> list[str]:
    """The words of a programme's text, up to its "Target populations" list."""
    words: list[str] = []
    for i in range(*span):
        if is_target_populations(lines[i].text):
            break
        words += [w for w in _WORD.findall(normalize(lines[i].text)) if w not in FUNCTION_WORDS]
    return words


def clean_boxes(items: Sequence[ZoneItem]) -> Iterable[tuple[int, str]]:
    """(amount item index, area) for boxes printed in order: label, box line, amount."""
    for n in range(2, len(items)):
        amount, marker, label = items[n], items[n - 1], items[n - 2]
        if amount.kind == "amount" and marker.kind == "marker" and label.kind == "label" and len(label.areas) == 1:
            yield n, label.areas[0]


@dataclass(frozen=True, slots=True)
class TextModel:
    """Multinomial naive Bayes over the seven areas; `log_posterior` of an empty text is the prior."""

    log_prior: dict[str, float]
    log_likelihood: dict[str, dict[str, float]]
    vocabulary: frozenset[str]
    examples: int

    @property
    def trust(self) -> float:
        """How much the model's scores count: a model learnt from a handful of boxes knows little."""
        return min(1.0, self.examples / TRUSTED)

    def log_posterior(self, words: Sequence[str]) -> dict[str, float]:
        if not self.examples:
            return {a: -math.log(len(area_order())) for a in area_order()}
        known = [w for w in words if w in self.vocabulary]
        scores = {}
        for area, prior in self.log_prior.items():
            scores[area] = (prior + sum(map(self.log_likelihood[area].__getitem__, known))) / TEMPERATURE
        top = max(scores.values())
        norm = top + math.log(sum(math.exp(s - top) for s in scores.values()))
        return {a: scores.get(a, -1e9) - norm for a in area_order()}


def examples_to_model(examples: Iterable[tuple[str, Sequence[str]]]) -> TextModel:
    """Fit the model on (area, words) pairs."""
    counts: dict[str, Counter[str]] = {}
    docs: Counter[str] = Counter()
    for area, words in examples:
        docs[area] += 1
        counts.setdefault(area, Counter()).update(words)
    total = sum(docs.values())
    if not total:
        return TextModel({}, {}, frozenset(), 0)
    vocabulary = {w for c in counts.values() for w in c}
    log_likelihood: dict[str, dict[str, float]] = {}
    for area in area_order():
        c = counts.get(area, Counter())
        denominator = math.log(sum(c.values()) + SMOOTHING * len(vocabulary))
        log_likelihood[area] = {w: math.log(c.get(w, 0) + SMOOTHING) - denominator for w in vocabulary}
    areas = area_order()
    log_prior = {a: math.log((docs.get(a, 0) + SMOOTHING) / (total + SMOOTHING * len(areas))) for a in areas}
    return TextModel(log_prior, log_likelihood, frozenset(vocabulary), total)
