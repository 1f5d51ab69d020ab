"""Cut each section's body into passages of whole sentences, sized for the embedding model.

What passages cover, exactly: every character of the cleaned report but newlines. A section's
first passage begins with its heading, so a heading that is itself the answer ("（一）依法行政
理念和能力待提升" for "存在哪些不足") is found and quoted like any sentence. A heading with no
text of its own, such as "二、……" right above "（一）……", begins its first subsection's passage.
So, with ``cleaned = clean(text)``: ``"".join(p.text for p in passages).replace("\\n", "")``
equals ``cleaned.text.replace("\\n", "")``.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence

from qa.ingest.cleaning import Cleaned, clean
from qa.model import Passage, Section
from qa.ingest.sections import heading_span

# m3e-small reads 512 tokens, about one per Chinese character; 300 leaves room for the heading path.
MAX_CHARS = 300
MIN_CHARS = 20
# A section's own text up to this long and ending with a colon introduces its subsections.
INTRO_CHARS = 120
_SENTENCE = re.compile(r"[^。！？；\n]*(?:[。！？；]+[”’」』）》\"']*|(?=\n)|$)")
_CLAUSE = re.compile(r"[^，,、：]*(?:[，,、：]+|$)")


def split_passages(
    text: str, source: str, sections: Sequence[Section], *, max_chars: int = MAX_CHARS
) -> tuple[Passage, ...]:
    """Split a report into passages that never cross a section and never cut a sentence.

    Args:
        text: the report as read.
        source: the report's source path, copied into each passage.
        sections: parse_sections(text), in document order.
        max_chars: the most cleaned characters in a passage; a longer sentence is cut
            after a comma, and a longer clause at this length.

    Returns:
        Passages in reading order; the title and preamble before the first heading have
        section (). Offsets are into ``text``; ``text[p.start:p.end]`` is the passage as written.

    Raises:
        ValueError: when max_chars is below MIN_CHARS or a section lies outside the text.
    """
    if max_chars < MIN_CHARS:
        raise ValueError(f"max_chars of {max_chars} is too small; give at least {MIN_CHARS} (default {MAX_CHARS})")
    for section in sections:
        if not 0 <= section.start <= section.end <= len(text):
            raise ValueError(
                f"section {section.path} spans ({section.start}, {section.end}) outside the text of "
                f"length {len(text)}; pass parse_sections() of this same text"
            )
    cleaned = clean(text)
    passages: list[Passage] = []
    bodies = _bodies(cleaned, sections)
    for path, start, end in bodies:
        for piece_start, piece_end in _pack(cleaned.text, _units(cleaned.text, start, end), max_chars):
            raw_start, raw_end = cleaned.raw_span(piece_start, piece_end)
            passages.append(Passage(source, path, cleaned.text[piece_start:piece_end], raw_start, raw_end))
    return tuple(passages)


def _bodies(cleaned: Cleaned, sections: Sequence[Section]) -> list[tuple[tuple[str, ...], int, int]]:
    """Return (path, start, end) of the text each section holds itself, heading first, before any subsection."""
    starts = [cleaned.to_raw.to_clean(s.start) for s in sections]
    bodies = [((), 0, starts[0] if starts else len(cleaned.text))]
    carried = None  # start of a heading with no body of its own, carried into its first subsection
    for i, section in enumerate(sections):
        end = cleaned.to_raw.to_clean(section.end)
        next_start = starts[i + 1] if i + 1 < len(sections) else len(cleaned.text)
        own_end = min(end, next_start)
        start = starts[i] if carried is None else carried
        heading_end = heading_span(cleaned, section)[1]
        # Only a subsection inherits the heading; a sibling or the signature would get the wrong path.
        if next_start < end and _introduces_subsections(cleaned.text[heading_end:own_end]):
            carried = start
            continue
        carried = None
        bodies.append((section.path, start, own_end))
    return bodies


def _introduces_subsections(body: str) -> bool:
    """Tell whether a section's own text only leads into its subsections.

    An empty body, or a short one ending with a colon ("……具体如下：", "重点做好以下工作："),
    reads as one unit with the first subsection, so it is carried into its passage.
    """
    body = body.strip()
    return not body or (len(body) <= INTRO_CHARS and body.endswith(("：", ":")))


def _units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the sentences of text[start:end] as spans without newlines, in order."""
    units: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        if text[pos] == "\n":
            pos += 1
            continue
        m = _SENTENCE.match(text, pos, end)
        stop = m.end() if m and m.end() > pos else end
        units.append((pos, stop))
        pos = stop
    return units


def _pack(text: str, units: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Join sentences into passages of similar size, none longer than max_chars if it can be helped."""
    pieces = [piece for unit in units for piece in _fit(text, unit, max_chars)]
    if not pieces:
        return []
    total = pieces[-1][1] - pieces[0][0]
    target = total / math.ceil(total / max_chars)
    packed: list[tuple[int, int]] = []
    start, end = pieces[0]
    for piece_start, piece_end in pieces[1:]:
        if piece_end - start > max_chars or end - start >= target:
            packed.append((start, end))
            start = piece_start
        end = piece_end
    packed.append((start, end))
    return packed


def _fit(text: str, unit: tuple[int, int], max_chars: int) -> list[tuple[int, int]]:
    """Cut a sentence longer than max_chars after commas, and a clause still too long at max_chars."""
    start, end = unit
    if end - start <= max_chars:
        return [unit]
    pieces: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        m = _CLAUSE.match(text, pos, end)
        stop = m.end() if m and m.end() > pos else end
        while stop - pos > max_chars:
            pieces.append((pos, pos + max_chars))
            pos += max_chars
        if stop > pos:
            pieces.append((pos, stop))
        pos = stop
    return pieces
