"""Measure retrieval and answers against questions and conversations with gold report, quote and answer.

A retrieved passage is right when it comes from the gold report and contains the gold
quote. An answer is right when every part (";") and item ("、") of the gold answer is in
its direct answer and in one of its quotes from that report, and the direct answer is
short: at most twice the gold answer's length or 12 characters longer, whichever is more.
Text is compared ignoring whitespace and full/half-width differences, as
tests/data/questions.md defines. A conversation turn is asked with the earlier questions
as history; a comparison turn is right when every expected row has its figure and quote.
"""
from __future__ import annotations

import json
import re
import statistics
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePath
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
    found: bool = False
    kind: str = ""
    reply: str | None = None


@dataclass(frozen=True)
class Scores:
    """Figures over a question set.

    Attributes:
        hit_at_1, hit_at_5, mrr: retrieval over the questions that have a gold quote.
        answer_accuracy: over the questions that have a gold quote.
        refusal_accuracy: over the questions the reports do not answer: the share said "not found".
        wrong_answers: over the questions that have a gold quote: the share given a direct answer that
            is not right (a refusal is a miss, not a wrong answer).
        search_ms_p50, answer_ms_p50: median latency of one search / one answer.
    """

    questions: int
    hit_at_1: float
    hit_at_5: float
    mrr: float
    answer_accuracy: float
    refusal_accuracy: float
    wrong_answers: float
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
        answered, refused_right, found, text = None, True, False, None
        if answers:
            started = time.perf_counter()
            reply = index.answer(gold.question, k=k)
            answer_ms.append((time.perf_counter() - started) * 1000)
            found, text = reply.found, reply.text
            refused_right = not reply.found if gold.kind == "none" else True
            if gold.quote:
                answered = _answer_right(reply, gold, infos)
        outcomes.append(Outcome(gold.id, rank, answered, refused_right, found, gold.kind, text))
    with_quote = [o for o in outcomes if any(g.id == o.id and g.quote for g in questions)]
    unanswerable = [o for o in outcomes if o.kind == "none"]
    n = max(len(with_quote), 1)
    return Scores(
        questions=len(questions),
        hit_at_1=sum(o.rank == 1 for o in with_quote) / n,
        hit_at_5=sum(o.rank is not None and o.rank <= 5 for o in with_quote) / n,
        mrr=sum(1 / o.rank for o in with_quote if o.rank) / n,
        answer_accuracy=sum(bool(o.answered) for o in with_quote) / n if answers else 0.0,
        refusal_accuracy=sum(o.refused_right for o in unanswerable) / max(len(unanswerable), 1) if answers else 0.0,
        wrong_answers=sum(o.found and not o.answered for o in with_quote) / n if answers else 0.0,
        search_ms_p50=statistics.median(search_ms) if search_ms else 0.0,
        answer_ms_p50=statistics.median(answer_ms) if answer_ms else 0.0,
        outcomes=tuple(outcomes),
    )


def _from_report(info, gold_report: str | None) -> bool:
    """Tell whether a report is the gold one: by a part of its issuer or title, or of its file name
    ("2023_某区司法局" where one body has reports of two years)."""
    return bool(gold_report) and (
        gold_report in info.issuer or gold_report in info.title or gold_report in PurePath(info.source).stem)


def answer_pieces(answer: str) -> list[str]:
    """Split a gold answer into the parts (";") and items ("、") that must all be found."""
    return [piece for part in answer.split(";") for piece in same_text(part).split("、") if piece]


def short_enough(text: str, answer: str) -> bool:
    """Tell whether a direct answer is short: a whole sentence pasted as the answer does not count."""
    size, gold = len(same_text(text)), len(same_text(answer))
    return size <= max(2 * gold, gold + 12)


def _answer_right(reply, gold: GoldQuestion, infos) -> bool:
    quotes = [q for q in reply.quotes if _from_report(infos[q.source], gold.report)]
    if not reply.found or not quotes:
        return False
    if gold.answer and gold.kind != "text":
        if reply.text is None or not short_enough(reply.text, gold.answer):
            return False
        direct = same_text(reply.text)
        held = [same_text(q.text) for q in quotes]
        return all(piece in direct and any(piece in quote for quote in held) for piece in answer_pieces(gold.answer))
    # A description is right when its quotes hold the gold span: its words are the report's, not the gold's.
    return any(same_text(gold.quote) in same_text(q.text) for q in quotes)


@dataclass(frozen=True)
class GoldTurn:
    """One turn of a gold conversation; `rows` maps report names to figures for a comparison."""

    question: str
    report: str | None
    quote: str | None
    answer: str | None
    rows: tuple[tuple[str, str], ...] = ()
    row_quotes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class GoldConversation:
    id: str
    turns: tuple[GoldTurn, ...]


@dataclass(frozen=True)
class ConversationScores:
    """Figures over conversations: the share of turns right, and of conversations right in every turn."""

    conversations: int
    turns: int
    turn_accuracy: float
    conversation_accuracy: float
    missed: tuple[tuple[str, int, str], ...]  # (conversation id, turn number from 1, question)


def load_conversations(path: str | Path) -> list[GoldConversation]:
    """Read gold conversations from JSON Lines: {"id", "turns": [{"question", "report", "quote", "answer"}]}.

    Raises:
        QAError: the file is missing or a line is malformed; the message names the line.
    """
    path = Path(path)
    if not path.is_file():
        raise QAError(f"conversation file {path} not found; give a .jsonl file with one conversation a line.")
    conversations = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            turns = tuple(
                GoldTurn(t["question"], t.get("report"), t.get("quote"), t.get("answer"),
                         tuple((t.get("rows") or {}).items()), tuple((t.get("row_quotes") or {}).items()))
                for t in record["turns"]
            )
            conversations.append(GoldConversation(str(record.get("id", number)), turns))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise QAError(f"{path} line {number}: {error!r}; each line needs \"turns\" with a \"question\" each.") from error
    return conversations


def evaluate_conversations(index, conversations: Sequence[GoldConversation], *, k: int = 5) -> ConversationScores:
    """Ask every turn with the earlier questions as history and score it like a question."""
    infos = {info.source: info for info in index.reports}
    right_turns = right_conversations = turns = 0
    missed = []
    for conversation in conversations:
        history: list[str] = []
        all_right = True
        for number, turn in enumerate(conversation.turns, 1):
            reply = index.answer(turn.question, history=history, k=k)
            history.append(turn.question)
            right = _turn_right(reply, turn, infos)
            turns += 1
            right_turns += right
            all_right &= right
            if not right:
                missed.append((conversation.id, number, turn.question))
        right_conversations += all_right
    return ConversationScores(
        len(conversations), turns, right_turns / max(turns, 1), right_conversations / max(len(conversations), 1),
        tuple(missed),
    )


def _turn_right(reply, turn: GoldTurn, infos) -> bool:
    if turn.rows:
        answered = [row for row in reply.rows if row.found and row.quotes]
        for name, figure in turn.rows:
            rows = [row for row in answered if _from_report(infos[row.quotes[0].source], name)]
            gold = GoldQuestion("", turn.question, name, dict(turn.row_quotes).get(name), figure, "number")
            if not any(_answer_right(row, gold, infos) for row in rows):
                return False
        return True
    if turn.report is None:
        return not reply.found
    gold = GoldQuestion("", turn.question, turn.report, turn.quote, turn.answer, "number" if turn.answer else "text")
    return _answer_right(reply, gold, infos)
