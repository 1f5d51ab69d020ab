"""Cut a quote from the passage a candidate clause stands in, exactly as the report has it.

A quote is the matched clause to the end of its sentence (with the clause before when that holds
key words of the question), within a length; the answer's span is kept as offsets into it. The best
candidate's span, so quoted, is the direct answer (best_answer).
"""
from __future__ import annotations

from qa.ingest.cleaning import HEADING_MARKER
from qa.model import Answer, Quote
from qa.reader.candidates import LEANING, Candidate
from qa.reader.clauses import ITEM_LEAD
from qa.reader.questions import Question

MAX_QUOTE, MAX_TEXT_QUOTE = 60, 120  # characters of a quote: of a figure's or name's, of a list's or text's
HEADING_CHARS = 40  # a numbered sentence this short is a heading, not a statement


def quote_of(cand: Candidate, limit: int = MAX_QUOTE) -> Quote:
    """Cut the quote: the matched clause (and the one before when it holds key terms), then on to
    the end of the sentence, and back to its start, while it stays within `limit` characters."""
    units, i = cand.clauses, cand.index
    clause = units[i]
    first = i - 1 if cand.leaning >= LEANING else i
    while (
        limit > MAX_QUOTE and first > 0 and units[first - 1].sentence == clause.sentence
        and clause.end - units[first - 1].start <= limit
    ):
        first -= 1
    last = i
    while (
        last + 1 < len(units)
        and units[last + 1].sentence == clause.sentence
        and units[last + 1].end - units[first].start <= limit
    ):
        last += 1
    start, end = units[first].start, units[last].end
    text = cand.hit.text[start - cand.hit.passage.start : end - cand.hit.passage.start]
    span = None
    if cand.span is not None:
        raw_start, raw_end = clause.raw_span(*cand.span)
        span = (raw_start - start, raw_end - start)
    return Quote(text, cand.hit.source, cand.hit.report, cand.hit.section, span, start)


def sentence_of(cand: Candidate) -> str:
    sentence = cand.clauses[cand.index].sentence
    return "".join(u.text for u in cand.clauses if u.sentence == sentence)


def sentence_key(cand: Candidate) -> tuple[str, int]:
    return cand.hit.source, cand.clauses[cand.index].start


def span_text(quote: Quote) -> str | None:
    if quote.answer_span is None:
        return None
    return quote.text[quote.answer_span[0] : quote.answer_span[1]]


def is_heading(cand: Candidate) -> bool:
    """Tell whether a candidate clause belongs to a numbered heading ("（二）强化普法宣传，营造良好法治氛围")."""
    clause = cand.clauses[cand.index]
    sentence = [u for u in cand.clauses if u.sentence == clause.sentence]
    labelled = HEADING_MARKER.match(sentence[0].text) is not None or ITEM_LEAD.match(sentence[0].text) is not None
    return labelled and sentence[-1].end - sentence[0].start <= HEADING_CHARS


def best_answer(question: Question, scored: list[Candidate], bar: float) -> Answer | None:
    """Answer with the span of the highest-scoring candidate of at least `bar`, its clause quoted."""
    scored = [c for c in scored if c.match >= bar]
    if not scored:
        return None
    best = max(scored, key=lambda c: c.score)
    quote = quote_of(best)
    return Answer(question.text, span_text(quote), True, (quote,), kind=question.kind)
