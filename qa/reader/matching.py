"""Score how well a clause of a report holds a question's wording.

Shared by answer extraction and list finding: a question's bigrams are weighted by how
rare they are in the reports searched (so "调处" counts more than "开展"), and a clause
scores the weighted share of them it holds, with partial credit for the clause before it
and the rest of its sentence, which often carry the subject of a figure.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from qa.ingest.cleaning import clean
from qa.reader.questions import Question
from qa.reader.words import sole_tag

PREVIOUS_CLAUSE = 0.6
CONTEXT = 0.5
PREDICATE = 2.0
SAME_SENTENCE = 0.3
SECTION_HEADING = 0.3
# A question naming a word the reports never use is most likely about something they do not hold, or
# says it in other words (线上 for 在线, 合格率 for 通过率). 0.8 was tried in round 7: the nine studied sets kept
# refusals 1.0 and answered 1-3 more each, but on the sets never studied it answered 4 more right and 3 more
# wrong (blind7, blind8, blind9 after their final runs): a wrong figure costs more than a "not found".
UNKNOWN_WORD = 0.7
# Credit for a bigram the reports never write whose two characters the clause holds apart ("税费" in "减税降费").
APART = 0.5
_UNITS_OF_COUNT = re.compile(r"[。！？；\n]")


@dataclass(frozen=True)
class Weights:
    """Rarity weights of a question's characters and bigrams within the reports searched.

    A clause is scored by the characters of the question's phrases it covers: a character
    counts as found when a bigram holding it is found (so a bigram that spans two words,
    "织参" in "组织参观", costs nothing when both words are there), and weighs by its own
    rarity and that of its bigrams, so the word that tells two topics apart ("复议" against
    "处罚" in "行政复议案件") outweighs the words they share.

    Attributes:
        by_term: rarity of each bigram (and one-character phrase) of the question.
        by_char: rarity of each character of the question's phrases.
        phrases: the question's content phrases.
        unknown_word: True when a phrase holds two or more running characters that no
            sentence of the reports holds in any bigram: a word the reports never use
            ("地区生产总值", "行政复议" in a report without 复议).
        unknown_runs: those runs of characters ("税费" when the reports write "减税降费").
    """

    by_term: Mapping[str, float]
    by_char: Mapping[str, float]
    phrases: tuple[str, ...]
    unknown_word: bool = False
    unknown_runs: tuple[str, ...] = ()
    emphasis: Mapping[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return self.share({}, total=True)

    def share(self, found: Mapping[str, float], *, total: bool = False) -> float:
        """Return the weighted share of the phrases' characters found, each by its best credit in [0, 1]."""
        held = weight = 0.0
        for phrase in self.phrases:
            for j, char in enumerate(phrase):
                grams = [phrase[k : k + 2] for k in (j - 1, j) if k >= 0 and k + 2 <= len(phrase)] or [phrase]
                grams = [g for g in grams if g in self.by_term]
                if not grams:
                    continue
                w = (self.by_char[char] + sum(self.by_term[g] for g in grams) / len(grams)) / 2
                w *= self.emphasis.get(phrase, 1.0)
                weight += w
                held += w * max(found.get(g, 0.0) for g in grams)
        if total:
            return weight
        return held / weight if weight > 0 else 0.0

    def without(self, text: str) -> "Weights":
        """Return the weights of the terms `text` does not hold."""
        kept = {t: w for t, w in self.by_term.items() if t not in text}
        return Weights(kept, self.by_char, self.phrases, self.unknown_word, self.unknown_runs, self.emphasis)


def weights(question: Question, texts: Iterable[str]) -> Weights:
    """Weight each term and character of the question by its inverse sentence frequency in `texts`.

    Args:
        question: the analysed question.
        texts: full report texts as read (cleaned here).

    Returns:
        Weights; a term no sentence holds gets the highest weight, so a question about
        something the reports never mention scores low everywhere.
    """
    terms = question.bigrams
    chars = {c for phrase in question.phrases for c in phrase}
    units: list[str] = []
    for text in texts:
        units.extend(_sentence_units(text))
    frequency: Counter[str] = Counter()
    char_frequency: Counter[str] = Counter()
    for unit in units:
        frequency.update(t for t in terms if t in unit)
        char_frequency.update(c for c in chars if c in unit)
    n = max(len(units), 1)

    def rarity(count: int) -> float:
        return math.log(1.0 + n / (1.0 + count))

    # A verb the reports never write is most likely their deed in other words ("拿到" for "收到"):
    # it weighs little and does not count against a clause.
    # So is a preposition ("通过…跟进处理"): it says how, and the reports say it otherwise or not at all.
    deeds = {*question.verbs, *(p for p in question.phrases if _is_preposition(p))}
    # The kind a list's items are asked as ("哪几种渠道") is the asker's word; the report just lists them.
    if question.kind == "list" and question.head:
        deeds.add(question.head)
    runs = tuple(run for phrase in question.phrases if phrase not in deeds for run in _unknown_runs(phrase, frequency))
    paraphrased = {v for v in deeds if _unknown_runs(v, frequency)}
    # Words outside the part of the question that holds the question word set the scene; the
    # words beside the question word say which figure of the scene is asked for.
    emphasis = {p: (1.0 if p in question.focus else CONTEXT) for p in question.phrases} if question.focus else {}
    emphasis = {p: emphasis.get(p, 1.0) * (CONTEXT if p in paraphrased else 1.0) for p in question.phrases}
    # The verb just before the question word is the predicate that binds the figure ("受理了多少件").
    if question.left and question.left[-1] in question.verbs and question.left[-1] not in paraphrased:
        emphasis[question.left[-1]] = emphasis.get(question.left[-1], 1.0) * PREDICATE
    return Weights(
        {t: rarity(frequency[t]) for t in terms},
        {c: rarity(char_frequency[c]) for c in chars},
        question.phrases,
        bool(runs),
        runs,
        emphasis,
    )


@functools.lru_cache(maxsize=64)
def _sentence_units(text: str) -> tuple[str, ...]:
    """Return a report's cleaned sentences; cached because every question over it needs them.

    The cache is safe to share: the result depends only on the (immutable) text.
    """
    return tuple(u for u in _UNITS_OF_COUNT.split(clean(text).text) if u)


@functools.lru_cache(maxsize=4096)
def _is_preposition(word: str) -> bool:
    """Tell whether jieba tags a word as a preposition and nothing else ("通过", "根据")."""
    return sole_tag(word) == "p"


def _unknown_runs(phrase: str, frequency: Counter[str]) -> list[str]:
    """Return the runs of two or more characters of a phrase that appear in no bigram the reports hold."""
    runs: list[str] = []
    start = None
    for j in range(len(phrase) + 1):
        grams = [phrase[k : k + 2] for k in (j - 1, j) if k >= 0 and k + 2 <= len(phrase)]
        unknown = j < len(phrase) and bool(grams) and not any(frequency[g] for g in grams)
        if unknown and start is None:
            start = j
        elif not unknown and start is not None:
            if j - start >= 2:
                runs.append(phrase[start:j])
            start = None
    return runs


def coverage(weights: Weights, clause: str, previous: str = "", sentence: str = "", heading: str = "") -> float:
    """Return the share of the question's weighted terms a clause holds, with context credit
    for the clause before, the rest of its sentence and the headings of its section."""
    found: dict[str, float] = {}
    for term in weights.by_term:
        if term in clause:
            found[term] = 1.0
        elif term in previous:
            found[term] = PREVIOUS_CLAUSE
        elif term in sentence:
            found[term] = SAME_SENTENCE
        elif term in heading:
            found[term] = SECTION_HEADING
        elif len(term) == 2 and _split_pair(term).search(clause):
            found[term] = APART  # written apart: "专（兼）职" for 专兼职
        elif any(term in run for run in weights.unknown_runs) and (term[0] in clause or term[-1] in clause):
            found[term] = APART if term[0] in clause and term[-1] in clause else APART / 2
    # A word the reports never write may still be this clause's words split up ("税费" in
    # "减税降费") or said another way ("改名" for "更名"): only when the clause holds less than
    # half of its characters does it count against it.
    unknown = any(sum(ch in clause for ch in run) * 2 < len(run) for run in weights.unknown_runs) or (
        weights.unknown_word and not weights.unknown_runs
    )
    return weights.share(found) * (UNKNOWN_WORD if unknown else 1.0)


@functools.lru_cache(maxsize=4096)
def _split_pair(term: str) -> re.Pattern:
    """Match a two-character term with up to two characters between its halves."""
    return re.compile(re.escape(term[0]) + ".{1,2}" + re.escape(term[1]))


def previous_share(weights: Weights, clause: str, previous: str) -> float:
    """Return the weighted share of terms found only in the clause before: its need to be quoted too."""
    return weights.share({t: 1.0 for t in weights.by_term if t in previous and t not in clause})


def anchor(phrases: Sequence[str], clause: str) -> tuple[int, int] | None:
    """Return the span in `clause` of the longest piece (2+ characters) of any question phrase, or None."""
    best: tuple[int, int] | None = None
    for phrase in phrases:
        for size in range(len(phrase), 1, -1):
            if best is not None and size <= best[1] - best[0]:
                break
            for i in range(len(phrase) - size + 1):
                at = clause.find(phrase[i : i + size])
                if at >= 0:
                    best = (at, at + size)
                    break
            else:
                continue
            break
    return best
