"""The clauses of the searched passages that may answer a question, each scored by its wording.

A clause is scored by the question's weighted terms it holds, with credit for the clause before,
the rest of its sentence and its section's headings (see matching.coverage).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from qa.ingest.cleaning import clean
from qa.model import Hit
from qa.reader.clauses import Clause, clauses, item_labels, whole_clauses
from qa.reader.matching import Weights, coverage, previous_share
from qa.reader.questions import Question
from qa.reader.frames import framed_span
from qa.reader.kinds import kind_shown, lists_kind

LISTED_KIND = 0.1  # a clause enumerating things of the kind a list question asks for is likely its answer
FRAMED = 0.1  # so is a clause that says what a name question asks in the question's own frame
NEIGHBOUR = 0.05  # a date, name or figure in the clause beside the matched one is a little weaker evidence
LEANING = 0.25  # share of the question only the clause before holds, above which it is quoted too
RANK_STEP = 0.01
# A clause opening with a comparison ("比上年提高4.2个百分点", "占全部案件的36.6%") has no
# subject of its own: it says more of the figure in the clause before.
_CONTINUATION = re.compile(r"^(?:(?:比|较)(?:上一?年|去年|前一年|年初|\d{4}年)|同比|环比|占(?:比|全|总|[^，。；]{1,15}?的))")


def _with_kind_named(question: Question, clause: str) -> str:
    """Return a clause as matched: with the noun asked for when the clause shows a thing of that kind."""
    # "…文件叫什么" names its kind before the question word, as "什么文件" does after it.
    noun, shown = kind_shown(question.head)
    if not noun and (question.wants_name or question.kind == "list") and question.left:
        noun, shown = kind_shown(question.left[-1])
    if noun and noun not in clause and shown.search(clause):
        return clause + noun
    return clause


@dataclass(frozen=True)
class Candidate:
    """A clause of a searched passage, scored by how much of the question it holds."""

    score: float
    match: float
    hit: Hit
    clauses: tuple[Clause, ...]
    index: int
    leaning: float = 0.0  # share of the question held only by the clause before: it is quoted too
    span: tuple[int, int] | None = None  # cleaned span of the answer in clauses[index]


def score_clauses(question: Question, hits: Sequence[Hit], texts: Mapping[str, str], weighting: Weights) -> list[Candidate]:
    """Score every clause of every hit; a hit's rank lowers its clauses' scores a little."""
    found: list[Candidate] = []
    for rank, hit in enumerate(hits):
        text = texts[hit.source]
        hit = whole_clauses(hit, text)
        units = clauses(text[hit.passage.start : hit.passage.end], hit.passage.start)
        labels = item_labels(units, text)
        heading = clean(hit.section).text
        for i, clause in enumerate(units):
            before = units[i - 1].text if i and units[i - 1].sentence == clause.sentence else ""
            sentence = labels.get(clause.sentence, "") + "".join(u.text for u in units if u.sentence == clause.sentence)
            own = clause.text
            if before and _CONTINUATION.match(own):
                own = before + own
                before = units[i - 2].text if i > 1 and units[i - 2].sentence == clause.sentence else ""
            # An inline item's label ("(一)规范决策程序。") names what its sentences do, as the clause
            # before does: its words count as much.
            match = coverage(weighting, _with_kind_named(question, own), labels.get(clause.sentence, "") + before,
                             sentence, heading)
            leaning = max(previous_share(weighting, own, before), LEANING if own != clause.text else 0.0)
            if question.kind == "list" and lists_kind(question.head, own):
                match += LISTED_KIND
            elif question.kind == "entity" and framed_span(question, own) is not None:
                match += FRAMED  # "在县依法治县办的有力指导下" asked "哪个机构在具体指导"
            found.append(Candidate(match - RANK_STEP * rank, match, hit, tuple(units), i, leaning))
    return found
