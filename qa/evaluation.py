"""Measure retrieval and answers against questions with gold report, quote and answer.

A retrieved passage is right when it comes from the gold report and contains the gold
quote; an answer is right when its direct answer contains the gold answer and one of its
quotes, from that report, contains it too. Text is compared ignoring whitespace and
full/half-width differences, as tests/data/questions.md defines.
"""
from __future__ import annotations

import json
import re
import statistics
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from qa.errors import QAError


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    report: str | None
    quote: str | None
    answer: str | None
    kind: str


@dataclass(frozen=True)
class Outcome:
    """What happened to one question."""

    id: str
    rank: int | None
    answered: bool | None
    refused_right: bool


@dataclass(frozen=True)
class Scores:
    """Figures over a question set.

    Attributes:
        hit_at_1, hit_at_5, mrr: retrieval over the questions that have a gold quote.
        answer_accuracy: over the questions that have a gold quote.
        refusal_accuracy: over all questions: refused exactly when the reports hold no answer.
        search_ms_p50, answer_ms_p50: median latency of one search / one answer.
    """

    questions: int
    hit_at_1: float
    hit_at_5: float
    mrr: float
    answer_accuracy: float
    refusal_accuracy: float
    search_ms_p50: float
    answer_ms_p50: float
    outcomes: tuple[Outcome, ...]


def same_text(text: str) -> str:
    """Fold width and drop whitespace, so "受理信访 48 件" equals "受理信访48件"."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def load_questions(path: str | Path) -> list[GoldQuestion]:
    """Read gold questions from JSON Lines.

    Raises:
        QAError: the file is missing or a line lacks a field; the message names the line.
    """
    path = Path(path)
    if not path.is_file():
        raise QAError(f"question file {path} not found; give a .jsonl file with one question a line.")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            questions.append(GoldQuestion(
                str(record.get("id", number)), record["question"], record.get("report"), record.get("quote"),
                record.get("answer"), record.get("kind", "number" if record.get("answer") else "text"),
            ))
        except (ValueError, KeyError) as error:
            raise QAError(f"{path} line {number}: {error}; each line needs at least a \"question\".") from error
    return questions


def evaluate(index, questions: Sequence[GoldQuestion], *, k: int = 5, answers: bool = True) -> Scores:
    """Run every question through search (and answer) and score the results."""
    outcomes, search_ms, answer_ms = [], [], []
    infos = {info.source: info for info in index.reports}
    for gold in questions:
        started = time.perf_counter()
        hits = index.search(gold.question, k=k)
        search_ms.append((time.perf_counter() - started) * 1000)
        rank = None
        if gold.quote:
            for position, hit in enumerate(hits, 1):
                if _from_report(infos[hit.source], gold.report) and same_text(gold.quote) in same_text(hit.text):
                    rank = position
                    break
        answered, refused_right = None, True
        if answers:
            started = time.perf_counter()
            reply = index.answer(gold.question, k=k)
            answer_ms.append((time.perf_counter() - started) * 1000)
            refused_right = reply.found == (gold.kind != "none")
            if gold.quote:
                answered = _answer_right(reply, gold, infos)
        outcomes.append(Outcome(gold.id, rank, answered, refused_right))
    with_quote = [o for o in outcomes if any(g.id == o.id and g.quote for g in questions)]
    n = max(len(with_quote), 1)
    return Scores(
        questions=len(questions),
        hit_at_1=sum(o.rank == 1 for o in with_quote) / n,
        hit_at_5=sum(o.rank is not None and o.rank <= 5 for o in with_quote) / n,
        mrr=sum(1 / o.rank for o in with_quote if o.rank) / n,
        answer_accuracy=sum(bool(o.answered) for o in with_quote) / n if answers else 0.0,
        refusal_accuracy=sum(o.refused_right for o in outcomes) / max(len(outcomes), 1) if answers else 0.0,
        search_ms_p50=statistics.median(search_ms) if search_ms else 0.0,
        answer_ms_p50=statistics.median(answer_ms) if answer_ms else 0.0,
        outcomes=tuple(outcomes),
    )


def _from_report(info, gold_report: str | None) -> bool:
    return bool(gold_report) and (gold_report in info.issuer or gold_report in info.title)


def _answer_right(reply, gold: GoldQuestion, infos) -> bool:
    quotes = [q for q in reply.quotes if _from_report(infos[q.source], gold.report)]
    if not reply.found or not quotes:
        return False
    if gold.answer:
        target = same_text(gold.answer)
        return reply.text is not None and target in same_text(reply.text) and any(target in same_text(q.text) for q in quotes)
    return any(same_text(gold.quote) in same_text(q.text) for q in quotes)
