"""Turn answers into the Markdown the chat shows, with every word from a report or a user escaped.

Report text and questions are data, never markup: each is HTML-escaped and its Markdown
punctuation turned into character references before the only markup we add (<mark>, bold,
tables) goes around it, so a report holding "<script>" shows those characters and runs nothing.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from qa.model import SECTION_SEPARATOR, Answer, Quote

NOT_FOUND = "未在报告中找到答案"
RELATED = "相关内容"
SOURCE_SEPARATOR = " › "
# HTML's own characters and those Markdown (and the chat's $$ LaTeX, autolinks) would read as
# syntax, all as character references in one pass so no reference is escaped twice.
_ESCAPED_CHARACTERS = "&<>\"'\\`*_{}[]()#+-.!|~$:"
_ESCAPES = str.maketrans({char: f"&#{ord(char)};" for char in _ESCAPED_CHARACTERS})


def escape(text: str) -> str:
    """Return text that Markdown and HTML both show as written, so no report or user can inject markup.

    Args:
        text: any text from a report or a user.

    Returns:
        The text with HTML characters escaped, Markdown punctuation as character references,
        and line breaks as <br>.
    """
    return text.translate(_ESCAPES).replace("\n", "<br>")


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
    parts = [quote.report, *(part for part in quote.section.split(SECTION_SEPARATOR) if part)]
    return escape(SOURCE_SEPARATOR.join(parts))


def render_quote(quote: Quote) -> str:
    """Return one quote as a Markdown block quote followed by its source line."""
    return f"> {highlight(quote)}\n\n<sub>来源：{source_label(quote)}</sub>"


def render_comparison(rows: tuple[Answer, ...]) -> str:
    """Return a comparison as a Markdown table, one row per report: report, answer, quote, section.

    Args:
        rows: one answer per report, each with its best quote first.

    Returns:
        A Markdown table; a report without an answer shows NOT_FOUND in its answer cell.
    """
    lines = ["| 报告 | 答案 | 原文 | 章节 |", "| --- | --- | --- | --- |"]
    for row in rows:
        quote = row.quotes[0] if row.quotes else None
        report = escape(quote.report) if quote else escape(row.question)
        answer = f"**{escape(row.text)}**" if row.found and row.text else ("" if row.found else NOT_FOUND)
        quoted = highlight(quote) if quote and row.found else ""
        section = escape(quote.section.replace(SECTION_SEPARATOR, SOURCE_SEPARATOR)) if quote and row.found else ""
        lines.append(f"| {report} | {answer} | {quoted} | {section} |")
    return "\n".join(lines)


def render_answer(answer: Answer) -> str:
    """Return the chat reply for an answer: the direct answer in bold, then the quotes that support it.

    Args:
        answer: the reply from ReportIndex.answer.

    Returns:
        Markdown: a comparison table when answer.rows is set; NOT_FOUND and the nearest passages
        under RELATED when nothing answers; otherwise the bold answer and each highlighted quote.
    """
    if not answer.found:
        blocks = [f"**{NOT_FOUND}**"]
        if answer.quotes:
            blocks.append(f"{RELATED}：")
            blocks.extend(render_quote(quote) for quote in answer.quotes)
        return "\n\n".join(blocks)
    blocks = []
    if answer.text:
        blocks.append(f"**{escape(answer.text)}**")
    if answer.rows:
        blocks.append(render_comparison(answer.rows))
    else:
        if not answer.text:
            blocks.append("报告原文：")
        blocks.extend(render_quote(quote) for quote in answer.quotes)
    return "\n\n".join(blocks)


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """Return an answer as plain JSON-ready data for API clients, quotes and rows included."""
    return asdict(answer)
