"""Find the official heading hierarchy of a report: 一、 > （一） > 1. / 1、 > （1）.

Headings are found on the cleaned text (one paragraph a line) and their offsets mapped back
to the report as read. A heading stands alone on its line or runs inline with its body up to
the first 。; a report flattened onto one line is split where a marker follows a sentence end.
The closing signature and date block ("……街道办事处 / 2025年1月3日") becomes a section of its
own with the path ("落款",), so it is kept apart from the last section's body yet stays searchable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from qa.ingest.cleaning import DATE, IDEOGRAPH, Cleaned, clean
from qa.model import Section

SIGNATURE = "落款"
NUMERALS = "一二三四五六七八九十"
_LEVELS = (
    (1, re.compile(rf"([{NUMERALS}]{{1,3}})、\s*(?=\S)")),
    (2, re.compile(rf"[（(]([{NUMERALS}]{{1,3}})[）)]\s*(?=\S)")),
    (3, re.compile(r"([0-9]{1,2})[.．、]\s*(?=[^\s0-9.．、，,。%])")),
    (4, re.compile(r"[（(]([0-9]{1,2})[）)]\s*(?=\S)")),
)
# Where a heading's text ends when it runs inline with its body, and how long it may be.
_HEADING_END = re.compile("[。！？；]")
_CLAUSE_END = re.compile("[，：:,]")
MAX_INLINE_HEADING = 40
MAX_HEADING = 80
# A marker right after a sentence end starts a heading in a report with no line breaks.
_FLAT_BREAK = re.compile(
    rf"(?<=[。！？；])(?=[{NUMERALS}]{{1,3}}、|[（(][{NUMERALS}0-9]{{1,3}}[）)]|[0-9]{{1,2}}[.．、][^\s0-9.．、，,。%])"
)
_SIGNATURE_LINE_MAX = 40
_IDEOGRAPH = re.compile(f"[{IDEOGRAPH}]")
_ENUMERATION = re.compile(rf"(?:(?<=[。；，：\n])|^)([{NUMERALS}]{{1,2}})是", re.MULTILINE)


@dataclass(frozen=True)
class _Heading:
    level: int
    number: int
    text: str
    start: int


def parse_sections(text: str) -> tuple[Section, ...]:
    """Return the report's sections in reading order, each with its path of cleaned headings.

    Args:
        text: the report as read (decoded, not cleaned).

    Returns:
        Sections in document order; offsets are into ``text``. A closing signature block,
        when present, is the last section, with path ("落款",) and level 1.
    """
    cleaned = clean(text)
    flat = "\n" not in text.strip()
    paragraphs = _paragraphs(cleaned.text, flat=flat)
    signature = _signature_start(cleaned.text, paragraphs)
    limit = signature if signature is not None else len(cleaned.text)
    headings = _headings(cleaned, [p for p in paragraphs if p[0] < limit], flat=flat)
    ends = _ends(headings, limit)
    sections: list[Section] = []
    path: list[_Heading] = []
    for heading, end in zip(headings, ends):
        while path and path[-1].level >= heading.level:
            path.pop()
        path.append(heading)
        sections.append(Section(
            path=tuple(h.text for h in path),
            level=heading.level,
            start=cleaned.to_raw[heading.start],
            end=cleaned.to_raw[end],
        ))
    if signature is not None:
        sections.append(Section((SIGNATURE,), 1, cleaned.to_raw[signature], len(text)))
    return tuple(sections)


def _ends(headings: list[_Heading], limit: int) -> list[int]:
    """Return where each heading's section ends: at the next heading of the same or a higher level."""
    ends = [limit] * len(headings)
    open_: list[int] = []
    for i, heading in enumerate(headings):
        while open_ and headings[open_[-1]].level >= heading.level:
            ends[open_.pop()] = heading.start
        open_.append(i)
    return ends


def heading_span(cleaned: Cleaned, section: Section) -> tuple[int, int]:
    """Return the cleaned span of a heading that stands alone on its line, or an empty span.

    Inline headings ("（一）统筹工作安排，明确法治工作职责。春城街道将……") are part of their
    paragraph, so their span is empty and their words stay in the section's body.
    """
    start = cleaned.to_raw.to_clean(section.start)
    heading = section.heading
    end = start + len(heading)
    if cleaned.text.startswith(heading, start) and (end == len(cleaned.text) or cleaned.text[end] == "\n"):
        return start, end
    return start, start


def enumerations(text: str) -> tuple[tuple[str, int, int], ...]:
    """Return the "一是……二是……" items inside paragraphs, which are lists but not headings.

    Args:
        text: the report as read.

    Returns:
        (cleaned item text, start, end) for each item, offsets into ``text``; an item runs from
        its marker to the next item of the same paragraph or the paragraph's end.
    """
    cleaned = clean(text)
    items: list[tuple[str, int, int]] = []
    for start, end in _paragraphs(cleaned.text, flat=False):
        run: list[re.Match[str]] = []
        for mark in _ENUMERATION.finditer(cleaned.text, start, end):
            if _numeral(mark.group(1)) == len(run) + 1:
                run.append(mark)
        for i, mark in enumerate(run):
            item_end = run[i + 1].start() if i + 1 < len(run) else end
            raw_start, raw_end = cleaned.raw_span(mark.start(), item_end)
            items.append((cleaned.text[mark.start():item_end], raw_start, raw_end))
    return tuple(items)


def _paragraphs(text: str, *, flat: bool) -> list[tuple[int, int]]:
    """Split cleaned text into (start, end) paragraphs; in a flat report also before inline markers."""
    spans: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        cuts = [m.start() for m in _FLAT_BREAK.finditer(text, start, end)] if flat else []
        for cut_start, cut_end in zip([start] + cuts, cuts + [end]):
            if cut_end > cut_start:
                spans.append((cut_start, cut_end))
        start = end + 1
    return spans


def _signature_start(text: str, paragraphs: list[tuple[int, int]]) -> int | None:
    """Return where the closing issuer-and-date block starts, or None when the report has none."""
    if not paragraphs:
        return None
    last_start, last_end = paragraphs[-1]
    date = DATE.search(text, last_start, last_end)
    if date is None or date.end() != last_end or last_end - last_start > _SIGNATURE_LINE_MAX:
        return None
    start = last_start
    for para_start, para_end in reversed(paragraphs[:-1]):
        line = text[para_start:para_end]
        if len(line) > _SIGNATURE_LINE_MAX or re.search("[。，；：！？、]", line) or _marker(line):
            break
        start = para_start
    return start


def _marker(line: str) -> tuple[int, int] | None:
    """Return (level, number) when the line starts with a heading marker."""
    for level, pattern in _LEVELS:
        m = pattern.match(line)
        if m:
            return level, _numeral(m.group(1)) if level <= 2 else int(m.group(1))
    return None


def _headings(cleaned: Cleaned, paragraphs: list[tuple[int, int]], *, flat: bool) -> list[_Heading]:
    """Pick the paragraphs that open a section, keeping numbering and nesting plausible."""
    text = cleaned.text
    headings: list[_Heading] = []
    path: list[_Heading] = []
    last_top = 0
    for start, end in paragraphs:
        line = text[start:end]
        found = _marker(line)
        if found is None:
            continue
        level, number = found
        if level == 1 and number <= last_top:
            continue  # "一、" after "三、" is a list inside the body, not a new part
        if level >= 3 and not any(h.level < level for h in path):
            continue  # "1." with no part above it is a list item, not a heading
        title = _heading_text(line, _space_cut(cleaned, start, end) if flat else None)
        if level == 1:
            last_top = number
        heading = _Heading(level, number, title, start)
        while path and path[-1].level >= level:
            path.pop()
        path.append(heading)
        headings.append(heading)
    return headings


def _space_cut(cleaned: Cleaned, start: int, end: int) -> int | None:
    """Return where a space stood after a Chinese character near a paragraph's start, if one did.

    In a report flattened onto one line that space is all that is left of the line break
    that ended an inline heading ("二、存在的不足 2024年，……").
    """
    for i in range(start + 3, min(end, start + MAX_INLINE_HEADING)):
        if cleaned.to_raw[i] - cleaned.to_raw[i - 1] > 1 and _IDEOGRAPH.match(cleaned.text[i - 1]):
            return i - start
    return None


def _heading_text(line: str, space_cut: int | None = None) -> str:
    """Return a heading's text: the whole line when it stands alone, else its first sentence."""
    stop = _HEADING_END.search(line)
    if not stop and len(line) <= MAX_HEADING:
        return line
    if space_cut is not None and (stop is None or space_cut < stop.start()) and _balanced(line[:space_cut]):
        return line[:space_cut]
    if stop and stop.start() <= MAX_INLINE_HEADING:
        return line[: stop.start()]
    clause = _CLAUSE_END.search(line, 0, MAX_INLINE_HEADING)
    return line[: clause.start()] if clause else line[:MAX_INLINE_HEADING]


def _balanced(text: str) -> bool:
    """Return True when no 《（“ is left open, so a heading is not cut inside a title or quote."""
    return all(text.count(o) <= text.count(c) for o, c in ("《》", "（）", "“”", "()"))


def _numeral(word: str) -> int:
    """Return the value of a Chinese numeral up to 九十九 ("十二" -> 12), 0 when it is not one."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if word == "十":
        return 10
    if "十" in word:
        tens, _, ones = word.partition("十")
        if len(tens) > 1 or len(ones) > 1 or (tens and tens not in digits) or (ones and ones not in digits):
            return 0
        return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)
    return digits.get(word, 0) if len(word) == 1 else 0
