"""Cut report text into sentences and clauses that keep their offsets in the report.

A quote must be the report's own words, so every unit here is a raw span of the report;
its cleaned form (widths folded, spaces dropped) is what questions are matched against,
with a map back to raw offsets so an answer found in the cleaned text is shown as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from qa.ingest.cleaning import HEADING_MARKER, clean
from qa.model import Hit

_SENTENCE_END = set("。！？；!?;")
_CLAUSE_END = set("，,：:")
_OPENERS = {"“": "”", "《": "》", "（": "）", "(": ")", "‘": "’", "「": "」", "【": "】"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}
# A line break continues the sentence after these: the line was cut mid-phrase.
_CONTINUES = set("，,、：:（(《“‘")
_TRIM = " \t\r\n\u3000\xa0，,、：:。！？；!?;"
_SHORT_LINE = 40
LABEL_CHARS = 20  # an inline item's label ("（3）城市管理执法。") is no longer than this
# An inline item's label ("第三，深化多元调解。", "一是健全机制。") heads the sentences after it.
ITEM_LEAD = re.compile(r"第[一二三四五六七八九十]{1,3}(?:$|[，,、])|[一二三四五六七八九十]{1,3}是")


@dataclass(frozen=True)
class Clause:
    """One clause of a report: a raw span and the cleaned text matched against questions.

    Attributes:
        start, end: offsets in the report's text; text_of(source)[start:end] is the clause as written.
        text: the clause cleaned by qa.ingest.cleaning.clean.
        to_raw: for each character of `text`, its offset in the report's text.
        sentence: index of the sentence the clause belongs to, counted within one split call.
    """

    start: int
    end: int
    text: str
    to_raw: tuple[int, ...]
    sentence: int

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the cleaned text to report offsets."""
        return self.to_raw[start], self.to_raw[end - 1] + 1


def sentence_spans(raw: str, offset: int = 0) -> list[tuple[int, int]]:
    """Return (start, end) report offsets of the sentences in `raw`, trimmed of spaces and end marks.

    Sentences end at 。！？； and at a line break after a heading, a title or a finished
    line; a break inside a phrase ("矛\\n\\n盾调解") does not end one.

    Args:
        raw: report text as written (or a slice of it).
        offset: the offset of `raw` in the report, added to every span.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(raw):
        if ch in _SENTENCE_END:
            spans.append((start, i + 1))
            start = i + 1
        elif ch == "\n" and _line_ends_sentence(raw[start:i]):
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(raw)))
    trimmed = (_trim(raw, s, e) for s, e in spans)
    return [(s + offset, e + offset) for s, e in trimmed if e > s]


def clauses(raw: str, offset: int = 0, *, first_sentence: int = 0) -> list[Clause]:
    """Split `raw` into clauses at ，：(outside quotes and brackets), within sentences.

    Args:
        raw: report text as written (or a slice of it).
        offset: the offset of `raw` in the report.
        first_sentence: the sentence number given to the first sentence.

    Returns:
        Clauses in order, each cleaned, with their sentence numbers.
    """
    found: list[Clause] = []
    for number, (s_start, s_end) in enumerate(sentence_spans(raw, offset), start=first_sentence):
        sentence = raw[s_start - offset : s_end - offset]
        depth: list[str] = []
        start = 0
        for i, ch in enumerate(sentence + "，"):
            if ch in _OPENERS:
                depth.append(ch)
            elif ch in _CLOSERS and depth and depth[-1] == _CLOSERS[ch]:
                depth.pop()
            elif ch in _CLAUSE_END and (not depth or i == len(sentence)):
                s, e = _trim(sentence, start, i)
                if e > s:
                    found.append(_clause(sentence[s:e], s_start + s, number))
                start = i + 1
    return found


def _clause(raw: str, start: int, sentence: int) -> Clause:
    cleaned = clean(raw)
    to_raw = tuple(start + i for i in cleaned.to_raw[: len(cleaned.text)])
    return Clause(start, start + len(raw), cleaned.text, to_raw, sentence)


def _line_ends_sentence(line: str) -> bool:
    """Tell whether a line break closes a sentence: after a heading, a short title, or finished wording."""
    stripped = line.strip(" \t\u3000\xa0")
    if not stripped:
        return False
    if stripped[-1] in _CONTINUES or _unclosed(stripped):
        return False
    return bool(HEADING_MARKER.match(stripped)) or (len(stripped) <= _SHORT_LINE and "，" not in stripped)


def _unclosed(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(0, depth - 1)
    return depth > 0


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def item_labels(units: Sequence[Clause], text: str) -> dict[int, str]:
    """Map each sentence to the label of the inline item it belongs to, since the label names the
    subject its sentences leave out ("（3）城市管理执法。规范流动摊点1860处，拆除违法建设4.2万平方米").

    Args:
        units: clauses of consecutive text, as clauses() returns them.
        text: the report's text the clauses' offsets point into.

    Returns:
        The cleaned label text by sentence index, for each sentence after a short labelled
        sentence on the same line; other sentences are absent.
    """
    labels: dict[int, str] = {}
    label, previous_end = "", None
    for i, unit in enumerate(units):
        if i and unit.sentence == units[i - 1].sentence:
            continue
        if previous_end is not None and "\n" in text[previous_end : unit.start]:
            label = ""
        sentence = [u for u in units[i:] if u.sentence == unit.sentence]
        previous_end = sentence[-1].end
        short = previous_end - unit.start <= LABEL_CHARS
        if short and (HEADING_MARKER.match(unit.text) or ITEM_LEAD.match(unit.text)):
            label = "".join(u.text for u in sentence)
        elif label:
            labels[unit.sentence] = label
    return labels


WIDEN = 200  # the most characters a passage cut mid-clause is widened by, each way
_CLAUSE_END = "，,。；;！？!?\n"
_NEXT_CLAUSE_END = re.compile(r"[，,。；;！？!?\n]")


def whole_clauses(hit: Hit, text: str) -> Hit:
    """Widen a passage that a long sentence's cut left mid-clause to its clauses' ends, so that no
    answer or quote stops mid-word ("…的决定(草" of a passage cut at its size)."""
    start, end = hit.passage.start, hit.passage.end
    if end < len(text) and text[end - 1] not in _CLAUSE_END:
        more = _NEXT_CLAUSE_END.search(text, end, min(len(text), end + WIDEN))
        end = more.end() if more else end
    if start > 0 and text[start - 1] not in _CLAUSE_END:
        before = [m.end() for m in _NEXT_CLAUSE_END.finditer(text, max(0, start - WIDEN), start)]
        start = before[-1] if before else start
    if (start, end) == (hit.passage.start, hit.passage.end):
        return hit
    return replace(hit, text=text[start:end], passage=replace(hit.passage, start=start, end=end))
