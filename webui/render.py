"""Turn answers into the Markdown the chat shows, with every word from a report or a user escaped.

Report text and questions are data, never markup: each is HTML-escaped and its Markdown
punctuation turned into character references before the only markup we add (<mark>, bold,
tables, citation marks) goes around it, so a report holding "<script>" shows those characters
and runs nothing.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from qa.model import SECTION_SEPARATOR, Answer, Quote

NOT_FOUND = "未在报告中找到答案"
RELATED = "相关内容"
SOURCE_SEPARATOR = " › "
# HTML's own characters and those Markdown (and the chat's $$ LaTeX, autolinks) would read as
# syntax, all as character references in one pass so no reference is escaped twice.
_ESCAPED_CHARACTERS = "&<>\"'\\`*_{}[]()#+-.!|~$:"
_ESCAPES = str.maketrans({char: f"&#{ord(char)};" for char in _ESCAPED_CHARACTERS})


@dataclass(frozen=True)
class Reply:
    """An answer as the chat shows it.

    Attributes:
        answer: the reply from ReportIndex.answer.
        citations: the quotes numbered [1], [2]… in the reply and the citations panel.
        turn: which reply of the conversation this is (0 first), so a mark opens its own quote.
        notices: what the reader should know about how the question was read (cut, filters).
        reason: why nothing was found; empty when the answer was found.
        conflicts: warnings that a cited report has a rival for the same issuer and year.
    """

    answer: Answer
    citations: tuple[Quote, ...] = ()
    turn: int = 0
    notices: tuple[str, ...] = ()
    reason: str = ""
    conflicts: tuple[str, ...] = ()


def escape(text: str) -> str:
    """Return text that Markdown and HTML both show as written, so no report or user can inject markup.

    Args:
        text: any text from a report or a user.

    Returns:
        The text with HTML characters escaped, Markdown punctuation as character references,
        and line breaks as <br>.
    """
    return text.translate(_ESCAPES).replace("\n", "<br>")


def direct_answer(text: str) -> str:
    """Return a direct answer with full-width digits and signs folded ("２７件", "8 场" -> "27件", "8场"); quotes keep the report's."""
    return re.sub(r"(?<=\d)\s+(?=[^\d\s])", "", unicodedata.normalize("NFKC", text))


def highlight(quote: Quote) -> str:
    """Return the quote escaped, with its direct answer wrapped in <mark> so the eye finds it.

    Args:
        quote: a quote whose answer_span, when set, lies inside its text.

    Returns:
        Escaped quote text, the answer span marked.

    Raises:
        ValueError: answer_span is not a non-empty range inside the quote's text.
    """
    if quote.answer_span is None:
        return escape(quote.text)
    start, end = quote.answer_span
    if not 0 <= start < end <= len(quote.text):
        raise ValueError(
            f"answer_span {quote.answer_span} is outside the quote of {len(quote.text)} characters "
            f"from {quote.source}; the span must satisfy 0 <= start < end <= len(text)"
        )
    text = quote.text
    return f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}"


def source_label(quote: Quote) -> str:
    """Return where a quote comes from as "report › section › subsection", escaped."""
    return escape(SOURCE_SEPARATOR.join(source_parts(quote)))


def source_parts(quote: Quote) -> list[str]:
    """Return the report and each heading of the quote's section path, unescaped."""
    return [quote.report, *(part for part in quote.section.split(SECTION_SEPARATOR) if part)]


def cite_mark(turn: int, number: int) -> str:
    """Return the numbered mark [n] that opens citation n of reply `turn` in the panel."""
    return f'<a class="cite" href="#cite-{turn}-{number}">[{number}]</a>'


def render_quote(quote: Quote, mark: str = "") -> str:
    """Return one quote as a Markdown block quote, led by its citation mark, then its source line."""
    lead = f"{mark} " if mark else ""
    return f"> {lead}{highlight(quote)}\n\n<sub>来源：{source_label(quote)}</sub>"


def comparison_citations(rows: tuple[Answer, ...]) -> tuple[Quote, ...]:
    """Return the quote cited for each answered row of a comparison, in row order."""
    return tuple(row.quotes[0] for row in rows if row.found and row.quotes)


def render_comparison(rows: tuple[Answer, ...], turn: int = 0) -> str:
    """Return a comparison as a Markdown table, one row per report: report, answer, quote, section.

    Args:
        rows: one answer per report, each with its best quote first.
        turn: the reply's number in the conversation, for the citation marks.

    Returns:
        A Markdown table; a report without an answer shows NOT_FOUND in its answer cell.
    """
    lines = ["| 报告 | 答案 | 原文 | 章节 |", "| --- | --- | --- | --- |"]
    number = 0
    for row in rows:
        quote = row.quotes[0] if row.quotes else None
        report = escape(quote.report) if quote else escape(row.question)
        cited = bool(quote and row.found)
        if cited:
            number += 1
        mark = f" {cite_mark(turn, number)}" if cited else ""
        if row.found and row.text:
            answer = f'<span class="figure">**{escape(direct_answer(row.text))}**</span>{mark}'
        else:
            answer = mark.strip() if row.found else NOT_FOUND
        quoted = highlight(quote) if cited else ""
        section = escape(quote.section.replace(SECTION_SEPARATOR, SOURCE_SEPARATOR)) if cited else ""
        lines.append(f"| {report} | {answer} | {quoted} | {section} |")
    return "\n".join(lines)


def render_answer(answer: Answer, turn: int = 0) -> str:
    """Return the chat reply for an answer alone (the API's Markdown); see render_reply for the chat's."""
    citations = comparison_citations(answer.rows) if answer.rows else answer.quotes
    return render_reply(Reply(answer, citations if answer.found else answer.quotes, turn))


def render_reply(reply: Reply) -> str:
    """Return the chat reply: notices, the direct answer in bold with its marks, then the cited quotes.

    A refusal says so on its first line with the reason, and folds the related passages away so
    the refusal stays in view.
    """
    answer, turn = reply.answer, reply.turn
    blocks = [f"ℹ️ {escape(notice)}" for notice in reply.notices]
    if not answer.found:
        reason = f"：{escape(reply.reason)}" if reply.reason else ""
        blocks.append(f"**{NOT_FOUND}**{reason}")
        if reply.citations:
            related = "".join(
                f"<blockquote>{cite_mark(turn, number)} {highlight(quote)}<br><sub>来源：{source_label(quote)}</sub></blockquote>"
                for number, quote in enumerate(reply.citations, 1)
            )
            blocks.append(
                f"<details><summary>{RELATED}（{len(reply.citations)} 段，仅供参考，不是答案）</summary>{related}</details>"
            )
        return "\n\n".join(blocks)
    marks = " ".join(cite_mark(turn, number) for number in range(1, len(reply.citations) + 1))
    if answer.text:
        blocks.append(f"**{escape(direct_answer(answer.text))}** {marks if not answer.rows else ''}".rstrip())
    blocks.extend(f"⚠️ {escape(warning)}" for warning in reply.conflicts)
    if answer.rows:
        blocks.append(render_comparison(answer.rows, turn))
    else:
        if not answer.text:
            blocks.append("报告原文：")
        blocks.extend(render_quote(quote, cite_mark(turn, n)) for n, quote in enumerate(reply.citations, 1))
    return "\n\n".join(blocks)


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """Return an answer as plain JSON-ready data for API clients, quotes and rows included."""
    return asdict(answer)
