"""Answer a question asking how or what was done with the report's own sentences, not a span cut from them."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Mapping

from qa.ingest.cleaning import HEADING_MARKER
from qa.model import Answer, Quote
from qa.reader.candidates import Candidate
from qa.reader.clauses import ITEM_LEAD, sentence_spans
from qa.reader.matching import anchor
from qa.reader.questions import Question
from qa.reader.quoting import MAX_TEXT_QUOTE, is_heading, quote_of, sentence_key, span_text

MAX_TEXT_QUOTES = 3
AS_GOOD = 0.85  # share of the best clause's match another clause needs to be quoted beside it
_QUOTED = re.compile(r"“([^”]{2,30})”")
# "有什么新做法", "做了哪些事": what was done, which the report's sentences describe.
_DOINGS = re.compile(r"(?:什么|哪些|哪几)[^，,。？?]{0,4}(?:做法|举措|措施|经验|亮点|特色|成效|创新|事|工作)"
                     r"|(?:做法|举措|措施|经验|亮点|特色|成效)(?:主要)?(?:有|是|包括)?(?:哪些|什么)")


def description_answer(question: Question, candidates: list[Candidate], texts: Mapping[str, str], bar: float) -> Answer | None:
    """Answer with the best-matching clause of at least `bar` and up to two more of its report as good (a
    description is the report's own sentences); a matched heading is answered by the sentences under it."""
    ranked = sorted(candidates, key=lambda c: -c.score)
    if not ranked or ranked[0].match < bar:
        return None
    best = ranked[0]
    chosen = [best]
    for cand in ranked[1:]:
        if len(chosen) == MAX_TEXT_QUOTES or cand.match < max(bar, AS_GOOD * best.match):
            break
        if cand.hit.source == best.hit.source and all(sentence_key(cand) != sentence_key(c) for c in chosen):
            chosen.append(cand)
    clause = best.clauses[best.index]
    key = anchor(question.phrases, clause.text)
    quoted = [m for m in _QUOTED.finditer(clause.text) if key is None or m.start() >= key[0]]
    if quoted and not is_heading(best):
        best = replace(best, span=quoted[0].span(1))
        chosen[0] = best
    quotes = [q for c in chosen for q in (_body_quotes(c, texts) if is_heading(c) else [quote_of(c, MAX_TEXT_QUOTE)])]
    quotes = list(dict.fromkeys(quotes))[:MAX_TEXT_QUOTES]
    return Answer(question.text, span_text(quotes[0]), True, tuple(quotes), kind="text")


def _body_quotes(cand: Candidate, texts: Mapping[str, str]) -> list[Quote]:
    """Quote the sentences under a matched heading, up to the next heading or item: the heading only
    restates the question ("（二）压实法治责任。" asked "怎么压实法治责任")."""
    text = texts[cand.hit.source]
    heading_end = max(u.end for u in cand.clauses if u.sentence == cand.clauses[cand.index].sentence)
    spans = sentence_spans(text[heading_end : heading_end + 3 * MAX_TEXT_QUOTE], heading_end)
    quotes: list[Quote] = []
    quoted_to = 0  # where the last quote ends: sentences it joined are not quoted again
    for i, (start, end) in enumerate(spans[:4]):
        opens_item = HEADING_MARKER.match(text, start) is not None or ITEM_LEAD.match(text, start) is not None
        if opens_item and quotes:
            break  # the next item is another answer's
        if opens_item or end <= quoted_to:
            continue
        # Sentences joined by "；" are one item's points: quote them together while they fit.
        for next_start, next_end in spans[i + 1 :]:
            if text[end : end + 1] != "；" or next_end - start > MAX_TEXT_QUOTE:
                break
            end = next_end
        quotes.append(Quote(text[start:end], cand.hit.source, cand.hit.report, cand.hit.section, None, start))
        quoted_to = end
        if len(quotes) == MAX_TEXT_QUOTES - 1 or "\n" in text[end : end + 2]:
            break  # a paragraph's end closes the item
    return quotes or [quote_of(cand, MAX_TEXT_QUOTE)]


def described_answer(question: Question, candidates: list[Candidate], texts: Mapping[str, str], bar: float) -> Answer | None:
    """Answer a name or list question no span answers with the report's sentences only when it asks what was
    done ("有什么新做法") or they quote a name ("依托“e起学习”主题活动"): sentences alone answer no "叫什么"."""
    answer = description_answer(question, candidates, texts, bar)
    return answer if answer is not None and (answer.text or _DOINGS.search(question.text)) else None
