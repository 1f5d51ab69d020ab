"""Answers that take a fixed written form whatever the question's words: how often (每季度, 周二) and the
report's own no (没有出现…, 未发生, 零败诉)."""
from __future__ import annotations

import re

from qa.reader.edges import MAX_NAME, _strip_edges
from qa.reader.questions import Question

_FREQUENCY = re.compile(r"每(?:半|一|两|三|个|隔)?(?:年度|季度|年|季|月|周|星期|旬|天|日)(?:度)?"
                        r"(?:(?<=[周期])[一二三四五六日天](?!次)|(?<=月)(?:\d{1,2}日|[上中下]旬))?"
                        r"(?:(?:\d|[一两二三四])次)?")  # "每两月1次": the count per period is part of how often
_WEEKDAY = re.compile(r"(?:周|星期)[一二三四五六日天](?![次期])")
_NEGATION = re.compile(r"暂无|暂未|没有|未(?:发生|出现|发现|有|收到)|不存在|“?零(?:败诉|事故|投诉|差错|发生)”?")


def negation_span(clause: str) -> tuple[int, int] | None:
    """Return what a clause says did not happen ("没有出现被法院撤销现象发生", "暂无发现…问题"), or None:
    the report's own no to a yes-or-no question."""
    match = _NEGATION.search(clause)
    if match is None:
        return None
    return _strip_edges(clause, match.start(), min(len(clause), match.start() + MAX_NAME))


def negation_word(question: Question, clause: str) -> tuple[int, int] | None:
    """Return the report's no to a count ("未发生", "零败诉"): there were none of what is asked."""
    match = _NEGATION.search(clause)
    return (match.start() + match.group().startswith("“"), match.end() - match.group().endswith("”")) if match else None


def frequency_span(clause: str) -> tuple[int, int] | None:
    """Return the span of a frequency ("每季度", "每半年") in a clause, or None."""
    match = _FREQUENCY.search(clause) or _WEEKDAY.search(clause)  # "利用周二“夜学”" asked "每周哪天"
    return match.span() if match else None
