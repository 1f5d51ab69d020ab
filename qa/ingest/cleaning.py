"""Normalise a report's text for search while keeping an exact map back to the words as read.

Characters are only deleted or replaced one for one, so every cleaned character has one
source character and any cleaned span can be cut from the report as written. What changes:
layout whitespace (full-width spaces, tabs, indentation, spaces around Chinese), full-width
letters and digits, ASCII punctuation inside Chinese text, traditional characters (folded to
simplified one for one, so a report in traditional characters is searched like the others
while its quotes keep the characters it wrote), and lines broken inside a sentence (page
breaks, hard wrapping), which are joined. Paragraph breaks stay as a single "\\n".
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from types import MappingProxyType

import zhconv.zhconv

from qa.ingest.offsets import OffsetMap

IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007"
# Chinese punctuation and full-width forms: anything a Chinese sentence sits next to without a space.
CJK_PUNCT = "\u3001-\u3003\u3008-\u3011\u3014-\u301f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f\u2026\u2014\u00b7"
CJK = IDEOGRAPH + CJK_PUNCT
SENTENCE_END = "。！？；：…"
CLOSERS = "”’」』）》】〉\"')"
BRACKETS = ("《》", "（）", "“”", "【】", "〈〉", "「」", "『』")
CLAUSE_PUNCT = "，、；,"
STOPS = "。！？"

# A heading marker at the start of a line: 一、 （一） (一) 1. 1、 1． （1） (1); never "2024." or "1.5万".
HEADING_MARKER = re.compile(
    r"(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|[（(][0-9]{1,2}[）)])(?=[ \u3000]*\S)"
    r"|[0-9]{1,2}[.．、](?=[ \u3000]*[^\s0-9.．、，,。%])"
)
DATE = re.compile(r"[0-9〇零一二三四五六七八九]{4}\s*年\s*[0-9一二三四五六七八九十]{1,3}\s*月\s*[0-9一二三四五六七八九十]{1,3}\s*日")

# The longest heading or title line kept on its own line; longer lines are body text.
MAX_HEADING = 80
MAX_TITLE = 50
# How a document title ends, so a flattened title is told from the year that opens the body.
TITLE_ENDINGS = ("报告", "总结", "汇报", "情况")

_SPACES = "\t\u000b\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_BREAKS = "\r\u000c\u0085\u2028\u2029"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_WHITESPACE = f" \n{_ZERO_WIDTH}"
# Whitespace runs that may need changing; a lone space between two non-Chinese characters stays
# as it is, and skipping those keeps long English or code-like files fast.
_WHITESPACE_RUN = re.compile(
    f"[{_WHITESPACE}]{{2,}}|[\n{_ZERO_WIDTH}]|\\A |(?<=[{CJK}]) | (?=[{CJK}0-9(（])| \\Z"
)
_REAL_SPACE = re.compile("[ \n]")
# A line that opens with punctuation or a one-character clause ("求，及时改进") goes on the line before.
_CONTINUATION = re.compile(f"[{IDEOGRAPH}]?[，、。；：！？）》”,.;:!?)]")
_IDEOGRAPH_CHAR = re.compile(f"[{IDEOGRAPH}]")
_CJK_CHAR = re.compile(f"[{CJK}]")


def _simplified_forms() -> dict[int, str]:
    """Map each traditional character with a one-character simplified form to that form.

    Only characters outside GB2312 (the simplified character set) are folded, so simplified text
    never changes; phrase-level conversions (zhconv's longer entries) would change lengths and
    are left out: a character for a character keeps every offset. 後, 於 and 麽 are in GB2312 but
    are written almost only in traditional text ("關於", "以後"), and so are the corner quotes
    「」『』 for “”‘’ ("「菜單式普法」").
    """
    forms = {}
    for traditional, simplified in zhconv.zhconv.getdict("zh-hans").items():
        if len(traditional) == len(simplified) == 1 and traditional != simplified and (
            not _in_gb2312(traditional) and _in_gb2312(simplified) or traditional in "後於麽「」『』"
        ):
            forms[ord(traditional)] = simplified
    return forms


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _translation() -> MappingProxyType[int, str]:
    """Build the one-for-one character table: layout whitespace, full-width ASCII, traditional forms."""
    spaces = re.compile(f"[{_SPACES}]")
    table: dict[int, str] = dict(_SIMPLIFIED)
    table.update({code: " " for code in range(0x3001) if spaces.match(chr(code))})
    table.update({ord(ch): "\n" for ch in _BREAKS})
    # Full-width letters, digits and symbols become ASCII; Chinese punctuation
    # （）：；，！？ stays full width because that is the form Chinese text uses.
    table.update({code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F) if chr(code) not in "（），：；！？"})
    return MappingProxyType(table)


_SIMPLIFIED = MappingProxyType(_simplified_forms())
# Scanning for one of them is much faster than translating: most reports hold none.
_TRADITIONAL_CHAR = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_SIMPLIFIED)) + "]")
_TABLE = _translation()
_TO_FULL = MappingProxyType({",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"})


@dataclass(frozen=True)
class Cleaned:
    """Cleaned text and, for each cleaned character, its offset in the text as read.

    Attributes:
        text: the cleaned text.
        to_raw: len(text) + 1 offsets, strictly increasing; to_raw[i] is where text[i]
            came from, and the last entry is the length of the text as read.
    """

    text: str
    to_raw: OffsetMap

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Return the span of the text as read that holds cleaned text[start:end].

        Args:
            start: cleaned start offset, 0 <= start <= end.
            end: cleaned end offset, end <= len(text).

        Returns:
            (raw_start, raw_end) with nothing of the cleaned span outside it and no
            whitespace after its last character.

        Raises:
            ValueError: when the span is not inside the cleaned text.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(
                f"span ({start}, {end}) is outside the cleaned text of length {len(self.text)}; "
                "give 0 <= start <= end <= len(text)"
            )
        if start == end:
            return self.to_raw[start], self.to_raw[start]
        return self.to_raw[start], self.to_raw[end - 1] + 1


def fold_traditional(text: str) -> str:
    """Return text with traditional characters folded to simplified, one for one (same length)."""
    return text.translate(_SIMPLIFIED) if _TRADITIONAL_CHAR.search(text) else text


def same_char(raw: str, cleaned: str) -> bool:
    """Return True when ``cleaned`` is ``raw`` or a form clean() may give it."""
    if raw == cleaned:
        return True
    if raw.isspace() or raw in _ZERO_WIDTH:
        return cleaned in " \n"
    normal = _TABLE.get(ord(raw), raw)
    if normal == "\n":
        return cleaned in " \n"
    forms = {normal, _TO_FULL.get(normal, normal)} | {".": {"。"}, '"': {"“", "”"}}.get(normal, set())
    return cleaned in forms


def clean(text: str) -> Cleaned:
    """Normalise layout and character forms of a report so search sees one form of each word.

    Args:
        text: the report as read.

    Returns:
        The cleaned text with its exact map back into ``text``.

    Raises:
        TypeError: when ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise TypeError(f"clean() needs the report text as str, got {type(text).__name__}; decode the file first")
    chars = _convert_punctuation(text.translate(_TABLE))
    return _fold_whitespace(chars, len(text))


def _convert_punctuation(text: str) -> str:
    """Give ASCII punctuation inside Chinese text its full-width form, one character for one."""
    ideo, cjk = f"[{IDEOGRAPH}]", f"[{CJK}]"
    text = _convert_pairs(text, r"\(([^()\n]{0,80})\)", "（", "）")
    text = re.sub(rf"(?<={cjk})\(|\((?={cjk})", "（", text)
    text = re.sub(rf"(?<={cjk})\)|\)(?={cjk})", "）", text)
    text = _convert_pairs(text, r'"([^"\n]{0,200})"', "“", "”")
    text = re.sub(rf"(?<={cjk})[,:;!?]|[,:;!?](?={cjk})", lambda m: _TO_FULL[m.group()], text)
    # A full stop after a Chinese character ends a sentence; after a digit it is a decimal or "1." heading.
    return re.sub(rf"(?<={ideo})\.(?![0-9A-Za-z])", "。", text)


def _convert_pairs(text: str, pattern: str, open_: str, close: str) -> str:
    """Turn an ASCII bracket or quote pair full width when it holds or touches Chinese."""

    def convert(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if _IDEOGRAPH_CHAR.search(before + m.group(1) + after):
            return f"{open_}{m.group(1)}{close}"
        return m.group()

    return re.sub(pattern, convert, text)


@dataclass
class _Line:
    """What is known of the logical line being built, updated as text is appended."""

    start: int
    scanned: int
    marker: bool
    stop: bool = False
    clause: bool = False
    unclosed: int = 0

    def extend(self, text: str, end: int) -> None:
        piece = text[self.scanned:end]
        self.scanned = end
        if not self.stop and any(c in piece for c in STOPS):
            self.stop = True
        if not self.clause and any(c in piece for c in CLAUSE_PUNCT):
            self.clause = True
        for open_, close in BRACKETS:
            self.unclosed += piece.count(open_) - piece.count(close)


def _fold_whitespace(text: str, raw_length: int) -> Cleaned:
    """Decide each whitespace run: paragraph break, one space, or nothing; build the offset map."""
    first_stop = min((i for i in (text.find(c) for c in STOPS) if i >= 0), default=len(text))
    last_stop = max(text.rfind(c) for c in STOPS + "；")
    pieces: list[str] = []
    clean_starts, raw_starts = array("q"), array("q")
    length = 0
    kept_from = 0
    line = _Line(0, 0, HEADING_MARKER.match(text, 0) is not None)
    line_end = -1
    physical_start = 0

    def keep(raw_start: int, raw_end: int) -> None:
        nonlocal length
        if raw_end <= raw_start:
            return
        if not clean_starts or raw_starts[-1] + (length - clean_starts[-1]) != raw_start:
            clean_starts.append(length)
            raw_starts.append(raw_start)
        pieces.append(text[raw_start:raw_end])
        length += raw_end - raw_start

    for run in _WHITESPACE_RUN.finditer(text):
        a, b = run.span()
        keep(kept_from, a)
        kept_from = b
        if a == 0:
            line = _Line(b, b, HEADING_MARKER.match(text, b) is not None)
            continue
        if b == len(text) or not _REAL_SPACE.search(text, a, b):
            continue
        line.extend(text, a)
        if line_end < b:
            line_end = text.find("\n", b)
            line_end = len(text) if line_end < 0 else line_end
        run_on = line_end - physical_start > MAX_HEADING
        # Title and signature lines only run on with a space when the report was flattened.
        flattened = run_on if a < first_stop else physical_start <= last_stop
        decision = _decide(text, a, b, line, first_stop, last_stop, run_on, flattened)
        if text.find("\n", a, b) >= 0:
            physical_start = b
        if decision == "\n":
            at = text.find("\n", a, b)
            keep(at if at >= 0 else a, (at if at >= 0 else a) + 1)
            pieces[-1] = "\n"
            line = _Line(b, b, HEADING_MARKER.match(text, b) is not None)
        elif decision == " ":
            keep(a, a + 1)
            pieces[-1] = " "
    keep(kept_from, len(text))
    clean_starts.append(length)
    raw_starts.append(raw_length)
    return Cleaned("".join(pieces), OffsetMap(clean_starts, raw_starts, length + 1))


def _decide(
    text: str, a: int, b: int, line: _Line, first_stop: int, last_stop: int, run_on: bool, flattened: bool
) -> str:
    """Return "\\n" to keep a paragraph break, " " to keep one space, "" to delete the run.

    ``run_on`` says the physical line goes on well past this run, as in a report flattened onto
    one line, where a space between a heading or title and the next words was a line break;
    ``flattened`` says the same of the title or signature lines around this run.
    """
    prev, nxt = text[a - 1], text[b]
    hard = text.find("\n", a, b) >= 0
    ends_sentence = prev in SENTENCE_END or (prev in CLOSERS and a >= 2 and text[a - 2] in SENTENCE_END)
    next_heading = HEADING_MARKER.match(text, b) is not None
    heading_done = (
        line.marker and not line.stop and line.unclosed <= 0
        and a - line.start <= MAX_HEADING and prev not in CLAUSE_PUNCT
    )
    in_head_or_tail = a < first_stop or a > last_stop
    title_like = in_head_or_tail and not line.clause and a - line.start <= MAX_TITLE and not line.stop
    ideo = _IDEOGRAPH_CHAR
    if hard:
        if not ends_sentence and not next_heading and _CONTINUATION.match(text, b):
            return ""
        if ends_sentence or next_heading or heading_done or title_like:
            return "\n"
        return " " if _is_ascii_word(prev) and _is_ascii_word(nxt) else ""
    # A space inside a line: a layout break when the report was flattened onto one line.
    word_gap = ideo.match(prev) or prev in "”》）"
    if (next_heading and not prev.isdigit()) or ends_sentence:
        return "\n"
    if a > last_stop and DATE.match(text, b):
        return "\n"
    if run_on and word_gap and heading_done and a - line.start > 3 and (ideo.match(nxt) or nxt.isdigit()):
        return "\n"
    if flattened and word_gap and title_like and not line.marker and (
        ideo.match(nxt) or (nxt.isdigit() and text.endswith(TITLE_ENDINGS, line.start, a))
    ):
        return "\n"
    if _CJK_CHAR.match(prev) or _CJK_CHAR.match(nxt):
        return ""
    return " "


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()
