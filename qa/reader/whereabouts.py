"""Read where a thing was done or is set from a clause: "在三垟湿地公园开展…" asked "在哪儿搞的".

A place is rarely quoted or named by a kind, so it is found by the words around it: what leads to it
(在, 赴, 前往), the verb after it, or the locative that closes it (设置在党政综合办内).
"""
from __future__ import annotations

import re

from qa.reader.edges import _trim
from qa.reader.questions import Question

ASKS_PLACE = re.compile(r"哪里|哪儿|在哪|什么地方|哪个地方")
_PLACE_LEAD = re.compile(r".*(?:赴|到|去|在|于|前往|走进|进入)")
_PLACE_THEN_VERB = re.compile(r"(?:^|[^现存实])(?:在|于|赴|前往|走进)([^，,。；;在于]{2,16}?)(?=开展|举办|举行|组织|召开|进行|设立|建立|建成|开设)"
                              r"|(?:设在|设置在|位于|落户在?|放在|建在)([^，,。；;]{2,16}?)(?:内|里|中)?(?=[，,。；;]|$)")


def place_span(question: Question, clause: str, gap: tuple[int, int] | None) -> tuple[int, int] | None:
    """Return the span of the place a "在哪" question asks for in a clause, or None when it asks no place
    or the clause says none: the place between 在 and its verb or locative, else the gap less its lead."""
    if not ASKS_PLACE.search(question.text):
        return None
    at = _PLACE_THEN_VERB.search(clause)  # "在三垟湿地公园开展…普法" asked "普法在哪儿搞的"
    if at is not None:
        return at.span(1) if at.group(1) else at.span(2)  # "办公室设置在党政综合办内"
    return place_of(clause, gap) if gap is not None else None  # a place is rarely quoted: the gap is the answer


def place_of(clause: str, gap: tuple[int, int]) -> tuple[int, int] | None:
    """Return a gap less the words that lead to a place ("在辖区吴山广场" -> "辖区吴山广场")."""
    cut = _PLACE_LEAD.match(clause[gap[0] : gap[1]])
    return _trim(clause, gap[0] + cut.end(), gap[1]) if cut else gap
