"""Answer a date question: the date a matched clause writes, or the clause beside it; a day asked is never a span of
years; the end or start of a period where the question asks one; the report's own date when no clause holds one."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Mapping, Sequence

from qa.model import Answer, Hit
from qa.reader.candidates import NEIGHBOUR, Candidate
from qa.reader.figures import bound_dates, find_dates, find_times_of_year, find_years
from qa.reader.matching import anchor
from qa.reader.quoting import best_answer
from qa.reader.questions import Question
from qa.reader.report_marks import asks_report_date, report_mark

BOUND = 0.15  # a date marked as the end (or start) a question asks for, against one marked as the other
_ASKS_DAY = re.compile(r"哪一?天|几月几[日号]|(?<![第文])几号(?!文)")
_YEAR_SPAN = re.compile(r"(?:19|20)\d{2}\s*年?\s*[-—–~～至到]\s*(?:19|20)\d{2}\s*年?")


def date_answer(question: Question, candidates: list[Candidate], hits: Sequence[Hit], texts: Mapping[str, str],
                bar: float) -> Answer | None:
    scored = []
    for cand in candidates:
        clause = cand.clauses[cand.index]
        # "哪年成立的" is answered by the year ("2024年成立…"), a date or not.
        find = find_years if question.shape == "year" else _days if _ASKS_DAY.search(question.text) else find_dates
        dates = find(clause.text)
        if not dates and not question.shape:
            dates = find_times_of_year(clause.text)  # "每年什么时候开专题会": 每年年初
        if not dates:
            near = _neighbour_date(cand, find if question.shape else lambda t: find(t) or find_times_of_year(t))  # "2024年,西塘河小学被认定为…" asked "哪一年被认定"
            if near is not None:
                scored.append(near)
            continue
        if "年度" in question.text:  # "哪一年度的考试": the year the report writes as a 年度
            dates = [d for d in dates if clause.text.startswith("度", d[1] - 1)] or dates
        key = anchor(question.phrases, clause.text)
        after = [d for d in dates if key is None or d[0] >= key[1]]
        bounded, other = bound_dates(question.shape, clause.text, dates)
        units, i = cand.clauses, cand.index
        if other and not bounded and i + 1 < len(units) and units[i + 1].sentence == units[i].sentence:
            # "自2021年1月1日起,至2021年12月31日止" asked "到哪一天为止": the end is the next clause's.
            ends, _ = bound_dates(question.shape, units[i + 1].text, find_dates(units[i + 1].text))
            if ends:
                scored.append(replace(cand, score=cand.score - NEIGHBOUR, index=i + 1, leaning=1.0, span=ends[0]))
                continue
        bonus = BOUND if bounded else -BOUND if other else 0.0  # "至2021年12月31日止" for "统计到哪一天为止"
        named = _naming(dates, question.phrases, clause.text)
        span = _joined_dates((bounded or named or after or dates)[0], dates, clause.text)
        scored.append(replace(cand, score=cand.score + bonus, match=cand.match + bonus, span=span))
    answer = best_answer(question, scored, bar)
    if answer is None and asks_report_date(question):
        return report_mark(question, hits, texts)
    return answer


def _days(text: str) -> list[tuple[int, int]]:
    """Return the dates of a text that can answer "哪天": a span of years ("2021-2025年") names no day."""
    return [d for d in find_dates(text) if not _YEAR_SPAN.fullmatch(text[d[0] : d[1]])]


def _joined_dates(span: tuple[int, int], dates: list[tuple[int, int]], text: str) -> tuple[int, int]:
    """Run a date on through the dates joined to it ("年初和年中", "2023年和2024年"): they are asked together."""
    joined = re.compile(r"和|及|与|、")
    for start, end in reversed(dates):
        if end < span[0] and joined.fullmatch(text[end : span[0]]):
            span = (start, span[1])
    for start, end in dates:
        if start > span[1] and joined.fullmatch(text[span[1] : start]):
            span = (span[0], end)
    return span


def _naming(dates: list[tuple[int, int]], phrases: tuple[str, ...], text: str) -> list[tuple[int, int]]:
    """Keep the dates written right before a phrase asked, as a day's date names it ("“3·15”消费者权益日")."""
    def names(date: tuple[int, int]) -> bool:
        for phrase in phrases:
            at = text.find(phrase, date[1])
            if len(phrase) >= 2 and 0 <= at - date[1] <= 3 and not re.search(r"[，,。；;、]", text[date[1] : at]):
                return True
        return False
    return [date for date in dates if names(date)]


def _neighbour_date(cand: Candidate, find=find_dates) -> Candidate | None:
    """Move a matched clause without a date to the date its sentence gives it in the next clause over.

    An event's date is often a clause of its own ("2024年3月15日，县政府召开推进会"), so the
    clause naming the event holds no date; the candidate keeps its match but is moved to the
    dated clause, leaning on the matched one when the date comes after it, so both are quoted.
    """
    units, i = cand.clauses, cand.index
    for j in (i - 1, i + 1):
        if 0 <= j < len(units) and units[j].sentence == units[i].sentence:
            dates = find(units[j].text)
            if dates:
                span = _joined_dates(dates[-1] if j < i else dates[0], dates, units[j].text)
                leaning = 1.0 if j > i else 0.0
                return replace(cand, score=cand.score - NEIGHBOUR, index=j, leaning=leaning, span=span)
    return None
