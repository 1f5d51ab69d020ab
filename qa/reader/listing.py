"""Find the items of a report section a list question asks for ("存在哪些不足", "工作计划有哪些").

Reports enumerate with headings （一）（二）… under a section, or inline with 一是……二是……
or 第一，……第二，……;
the answer is those items, taken from the section whose heading matches the question.
Questions name such sections with near-synonyms ("问题" for a heading that says "不足"),
so the few words of each family count as one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from qa.ingest.cleaning import HEADING_MARKER, clean
from qa.reader.figures import chinese_number
from qa.reader.matching import Weights, coverage
from qa.model import Answer, Hit, Quote
from qa.reader.questions import Question

# Words that name the same kind of section: problems, and plans.
SECTION_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("不足", "问题", "差距", "短板", "薄弱", "困难"),
    ("计划", "安排", "打算", "思路", "下一步", "展望"),
)
FAMILY_BONUS = 0.5
ITEM_WEIGHT = 0.5
RANK_PENALTY = 0.1
_BODY = 200
_INLINE_ITEM = re.compile(r"第(?P<ordinal>[一二三四五六七八九十]+)[，,、]|(?P<counted>[一二三四五六七八九十]+)是")
_ITEM_END = "。；;\n"
_LEADING_SPACE = " \t\u3000\xa0"


@dataclass(frozen=True)
class Heading:
    """A heading line of a report: its level (1 for 一、 … 4 for （1）), title span and section end."""

    level: int
    start: int
    end: int
    body_end: int

    def title(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True)
class Items:
    """The section a list question matched and its items as raw (start, end) spans of the report.

    Attributes:
        heading: the matched section heading.
        score: how well the section fits the question (heading, family words, items).
        heading_match: the share of the question's terms the heading alone holds.
        items: (start, end) of each item's title in the report text.
        markers: length of each item's marker ("（一）", "一是"), so the answer can leave it out.
    """

    heading: Heading
    score: float
    heading_match: float
    items: tuple[tuple[int, int], ...]
    markers: tuple[int, ...]


def headings(text: str) -> list[Heading]:
    """Return the numbered headings of a report, each with the end of the section it opens."""
    found: list[tuple[int, int, int]] = []
    offset = 0
    for line in text.split("\n"):
        lead = len(line) - len(line.lstrip(_LEADING_SPACE))
        marker = HEADING_MARKER.match(line, lead)
        if marker:
            start = offset + lead
            end = _item_end(text, start, offset + len(line))
            found.append((_level(marker.group()), start, end))
        offset += len(line) + 1
    result = []
    for i, (level, start, end) in enumerate(found):
        body_end = next((s for lv, s, _ in found[i + 1 :] if lv <= level), len(text))
        result.append(Heading(level, start, end, body_end))
    return result


def find_items(question_text: str, weights: Weights, text: str, threshold: float) -> Items | None:
    """Return the items of the section whose heading best matches the question, or None.

    Args:
        question_text: the question as asked (its family words select sections).
        weights: the question's term weights.
        text: the report as read.
        threshold: the least heading score that counts as a match.

    Returns:
        The matched section and its items (sub-headings of the next level, else 一是…
        items), or None when no heading matches or the section enumerates nothing.
    """
    families = [f for f in SECTION_FAMILIES if any(word in question_text for word in f)]
    best: Items | None = None
    all_headings = headings(text)
    for heading in all_headings:
        title = clean(heading.title(text)).text
        named = [family for family in families if any(word in title for word in family)]
        # The heading says the question's word in its own ("主要安排" for "计划"): count it as said.
        synonyms = "".join(word for family in named for word in family if word in question_text)
        heading_match = score = coverage(weights, title + synonyms)
        if named:
            score += FAMILY_BONUS
        if score < threshold:
            continue
        spans, markers = _items_under(heading, all_headings, text)
        if not spans:
            continue
        # Among matching sections, prefer the one whose items speak of what the heading leaves out.
        rest = weights.without(title)
        if rest.total > 0:
            ends = [s for s, _ in spans[1:]] + [heading.body_end]
            score += ITEM_WEIGHT * max(coverage(rest, clean(text[s:e][:_BODY]).text) for (s, _), e in zip(spans, ends))
        if best is None or score > best.score:
            best = Items(heading, score, heading_match, spans, markers)
    return best


def _items_under(heading: Heading, all_headings: list[Heading], text: str) -> tuple[tuple, tuple]:
    inside = [h for h in all_headings if heading.end <= h.start < heading.body_end and h.level > heading.level]
    if inside:
        level = min(h.level for h in inside)
        subs = [h for h in inside if h.level == level]
        return tuple((h.start, h.end) for h in subs), tuple(_marker_length(text, h.start) for h in subs)
    body = text[heading.end : heading.body_end]
    spans, markers = [], []
    expected = 1
    for m in _INLINE_ITEM.finditer(body):
        if chinese_number(m.group("ordinal") or m.group("counted")) != expected:
            continue
        start = heading.end + m.start()
        spans.append((start, _item_end(text, start, heading.body_end)))
        markers.append(len(m.group()))
        expected += 1
    return (tuple(spans), tuple(markers)) if len(spans) >= 2 else ((), ())


def _item_end(text: str, start: int, limit: int) -> int:
    """Return where an item's title ends: its first full stop or the end of its line."""
    end = start
    while end < limit and text[end] not in _ITEM_END:
        end += 1
    while end > start and text[end - 1] in " \t\u3000\xa0，,：:":
        end -= 1
    return end


def _marker_length(text: str, start: int) -> int:
    marker = HEADING_MARKER.match(text, start)
    return len(marker.group()) if marker else 0


def _level(marker: str) -> int:
    if marker[0] in "（(":
        return 4 if marker[1].isdigit() else 2
    return 3 if marker[0].isdigit() else 1


def list_answer(
    question: Question, hits: Sequence[Hit], texts: Mapping[str, str], weights: Weights, threshold: float
) -> tuple[float, Answer] | None:
    """Answer with the items of the best-matching section across the hits' reports.

    Args:
        question: the analysed question.
        hits: search results, best first; a report ranked lower must match clearly better.
        texts: full text of each hit's report, by source.
        weights: the question's term weights.
        threshold: the least heading score that counts as a match.

    Returns:
        (how well the heading alone matches, the list Answer), or None when no section matches.
    """
    best = None
    for rank, source in enumerate(dict.fromkeys(hit.source for hit in hits)):
        items = find_items(question.text, weights, texts[source], threshold)
        # A report search ranked lower must match clearly better to win.
        if items is not None and (best is None or items.score - RANK_PENALTY * rank > best[0]):
            best = (items.score - RANK_PENALTY * rank, source, items)
    if best is None:
        return None
    _, source, items = best
    return items.heading_match, _items_answer(question, hits, texts, source, items)


def _items_answer(question: Question, hits: Sequence[Hit], texts: Mapping[str, str], source: str, items: Items) -> Answer:
    text = texts[source]
    report = next(hit.report for hit in hits if hit.source == source)
    heading = clean(items.heading.title(text)).text
    quotes = []
    for (start, end), marker in zip(items.items, items.markers):
        section = next((h.section for h in hits if h.passage.start <= start < h.passage.end and h.source == source),
                       heading)
        quotes.append(Quote(text[start:end], source, report, section, (marker, end - start), start))
    joined = "；".join(q.text[q.answer_span[0] : q.answer_span[1]] for q in quotes)
    return Answer(question.text, joined, True, tuple(quotes), kind="list")
