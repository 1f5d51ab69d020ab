"""Check that an answer stands on its quotes, and say "not found" with related reading otherwise."""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

from qa.model import Answer, Hit, Quote
from qa.reader.figures import figures_in

MAX_RELATED = 3
PART_SEPARATOR = "；"
TextOf = Callable[[str], str]


def not_found(question: str, hits: Sequence[Hit]) -> Answer:
    related = tuple(
        Quote(hit.text, hit.source, hit.report, hit.section, None, hit.passage.start) for hit in hits[:MAX_RELATED]
    )
    return Answer(question, None, False, related, kind="none")


def is_supported(answer: Answer, text_of: TextOf) -> bool:
    """Tell whether an answer stands on its quotes: each quote is the report's own words, and every
    figure of the direct answer is written in its quote (in any quote, for a list).

    Args:
        answer: a found answer.
        text_of: returns a report's full text as read.

    Returns:
        False when a quote is not an exact span of its report, when the direct answer holds a
        number its evidence does not, or when the marked span is not the direct answer.
    """
    for quote in answer.quotes:
        if text_of(quote.source)[quote.start : quote.start + len(quote.text)] != quote.text:
            return False
    if answer.text is None:
        return True
    if not answer.quotes:
        return False
    parts = answer.text.split(PART_SEPARATOR)
    if len(parts) > 1 and answer.kind != "list":
        # Each part of a two-part answer is the marked span of one of its quotes.
        marked = [q.text[q.answer_span[0] : q.answer_span[1]] for q in answer.quotes if q.answer_span]
        return all(part in marked for part in parts)
    evidence = answer.quotes if answer.kind == "list" else answer.quotes[:1]
    held = [figure for quote in evidence for figure in figures_in(quote.text)]
    for figure in figures_in(answer.text):
        if figure not in held:
            return False
        held.remove(figure)
    if answer.kind == "list":
        return True
    quote = answer.quotes[0]
    span = quote.answer_span
    return span is not None and quote.text[span[0] : span[1]] == answer.text


def checked(answer: Answer, texts: Mapping[str, str], hits: Sequence[Hit]) -> Answer:
    """Deny an answer its quotes do not support: say "not found" rather than show a figure unbacked."""
    return answer if is_supported(answer, texts.__getitem__) else not_found(answer.question, hits)
