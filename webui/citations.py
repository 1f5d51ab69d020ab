"""The citations panel beside the chat, the report opened at a quote, and an answer as plain text or CSV.

A journalist checks a sentence in its place: the panel lists every quote of the current reply,
and opening one shows its section of the report (or the whole report) with the quote marked.
"""
from __future__ import annotations

import csv
import io
from typing import Sequence

from qa.model import Quote, Section
from webui.render import NOT_FOUND, Reply, direct_answer, escape, highlight, source_label, source_parts, SOURCE_SEPARATOR

EMPTY_PANEL = '<div class="citations-empty">提问后，这里列出答案引用的每一段原文及其出处。</div>'
EMPTY_SOURCE = ""


def render_citations(reply: Reply | None) -> str:
    """Return the panel's HTML: a copy button, then each numbered quote with its source and an open button."""
    if reply is None or not reply.citations:
        return EMPTY_PANEL
    title = "引用" if reply.answer.found else "相关内容（不是答案）"
    items = "".join(
        f'<li class="citation" id="citation-{number}"><div class="cite-head"><b>[{number}]</b> '
        f'<span class="cite-source">{source_label(quote)}</span></div>'
        f'<div class="cite-quote">{highlight(quote)}</div>'
        f'<button class="open-source" data-turn="{reply.turn}" data-n="{number}">在原文中查看</button></li>'
        for number, quote in enumerate(reply.citations, 1)
    )
    plain = escape(plain_text(reply)).replace("<br>", "\n")
    return (
        f'<div class="citations" data-turn="{reply.turn}"><div class="cite-bar"><b>{title}</b>'
        f'<button class="copy-answer">复制答案</button><span class="copied"></span></div>'
        f'<textarea class="answer-plain" readonly hidden>{plain}</textarea><ol>{items}</ol></div>'
    )


def plain_text(reply: Reply) -> str:
    """Return the reply as plain text to paste: the direct answer, then each quote and its source."""
    answer = reply.answer
    if not answer.found:
        head = NOT_FOUND + (f"：{reply.reason}" if reply.reason else "")
    else:
        head = direct_answer(answer.text) if answer.text else ""
    lines = [head] if head else []
    for number, quote in enumerate(reply.citations, 1):
        lines.append(f"[{number}] {quote.text}")
        lines.append(f"来源：{SOURCE_SEPARATOR.join(source_parts(quote))}")
    return "\n".join(lines)


def comparison_csv(reply: Reply) -> str:
    """Return a comparison as CSV (report, answer, quote, section, file), one row per report."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["报告", "答案", "原文", "章节", "文件"])
    for row in reply.answer.rows:
        quote = row.quotes[0] if row.quotes else None
        writer.writerow([
            quote.report if quote else row.question,
            direct_answer(row.text) if row.found and row.text else ("" if row.found else NOT_FOUND),
            quote.text if quote and row.found else "",
            SOURCE_SEPARATOR.join(source_parts(quote)[1:]) if quote and row.found else "",
            quote.source if quote else "",
        ])
    return out.getvalue()


def quote_offsets(text: str, quote: Quote) -> tuple[int, int]:
    """Return where a quote stands in its report's text: its own offset when it matches there, else the first match."""
    if text[quote.start : quote.start + len(quote.text)] == quote.text:
        return quote.start, quote.start + len(quote.text)
    found = text.find(quote.text)
    if found < 0:
        raise ValueError(f"quote from {quote.source} is not in the report's text; rebuild the index")
    return found, found + len(quote.text)


def enclosing_section(sections: Sequence[Section], offset: int) -> Section | None:
    """Return the innermost section holding an offset, or None before the first heading."""
    holding = [section for section in sections if section.start <= offset < section.end]
    return max(holding, key=lambda section: section.level, default=None)


def render_source(text: str, sections: Sequence[Section], quote: Quote, *, whole: bool = False) -> str:
    """Return the report at a quote: its section path as a heading, the section (or the whole report) with the quote marked.

    Args:
        text: the report's text as read, which the quote's offsets point into.
        sections: the report's sections, to find the one holding the quote.
        quote: the quote to mark.
        whole: show the whole report instead of the quote's section.
    """
    start, end = quote_offsets(text, quote)
    section = enclosing_section(sections, start)
    first, last = (0, len(text)) if whole or section is None else (section.start, section.end)
    marked = quote.answer_span
    inner = highlight(quote) if marked else escape(quote.text)
    body = f'{escape(text[first:start])}<mark class="source-quote" id="source-quote">{inner}</mark>{escape(text[end:last])}'
    scope = "全文" if whole else "本节"
    return (
        f'<div class="source-view"><div class="source-heading">{source_label(quote)}</div>'
        f'<div class="source-scope">{scope} · {escape(quote.source)}</div>'
        f'<div class="source-text">{body}</div></div>'
    )
