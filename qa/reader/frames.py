"""Answers a clause gives in the frame the question asks in: "把A作为B" (把什么当成…, 把A摆在什么位置),
"在X的有力指导下" (哪个机构在指导), "由X召开" (由谁来开) and "以X为主要阵地" (靠啥). The frame, not the
wording, says which words answer.
"""
from __future__ import annotations

import re

import jieba.posseg

from qa.reader.questions import Question
from qa.reader.words import MEANS_VERBS

# "把A作为B": what is taken (A) and what it is taken as (B), whichever verb says so.
_PUT = r"(?:作为|当作|当成|列为|纳入|摆在|放在|放进|放到|设在|设于|挂靠)"
_BA_FRAME = re.compile(r"(?:把|将)([^，,。；;]{2,40}?)" + _PUT + r"([^，,。；;]{2,40})")
_BA_ASKS_A = re.compile(r"把(?:什么|啥|哪)")
_ASKS_WHERE_PUT = re.compile(_PUT + r"(?:了)?(?:哪|什么|啥)")  # "法治机构放在哪个科室": B, whether or not 把 is said


def _ba_frame_span(question: Question, clause: str) -> tuple[int, int] | None:
    """Answer "把什么当成首要政治任务" with A and "把学习…摆在什么位置" with B of the clause's "把A作为B"."""
    if not _BA_FRAME.search(question.text) and not _BA_ASKS_A.search(question.text) and not _ASKS_WHERE_PUT.search(question.text):
        return None
    match = _BA_FRAME.search(clause)
    if match is None:
        return None
    return match.span(1) if _BA_ASKS_A.search(question.text) else match.span(2)


# "在县委、县政府的坚强领导下", "和省自然资源厅的大力支持下": who leads, guides or supports.
_GUIDED_BY = re.compile(r"(?:在|和|及)([^，,。；;和在的]{2,20}?)的?(?:正确|有力|坚强|大力|精心|悉心|具体)?(领导|指导|支持|帮助)(?=下|和|及)")


def _guided_by(question: Question, clause: str) -> tuple[int, int] | None:
    """Answer "哪个机构在具体指导" with the body the clause says it is under the guidance of ("在X的有力指导下")."""
    if question.asks_person or not re.search(r"哪|谁|什么", question.text):
        return None
    return next((m.span(1) for m in _GUIDED_BY.finditer(clause) if m.group(2) in question.text), None)


# "以村信息公开栏为主要阵地": what a deed is done by, asked "靠啥公开", "用什么", "通过什么平台".
_YI_FRAME = re.compile(r"以([^，,。；;以]{2,24}?)为(?:主要|重要|主)?(?:阵地|平台|载体|抓手|依托|方式|渠道|手段|途径|窗口|媒介)")
_ASKS_MEANS = re.compile(MEANS_VERBS + r"(?:的是)?(?:啥|什么|哪)")


def _means_used(question: Question, clause: str) -> tuple[int, int] | None:
    """Answer "靠啥公开村务信息" with X of the clause's "以X为主要阵地"."""
    if not _ASKS_MEANS.search(question.text):
        return None
    match = _YI_FRAME.search(clause)
    return match.span(1) if match else None


_BY_WHOM = re.compile(r"由(?:谁|哪个|哪位|哪些|什么人)")
MAX_DOER = 20  # characters between 由 and the deed


def _done_by(question: Question, clause: str) -> tuple[int, int] | None:
    """Answer "由谁来开" with who the clause says does it: the words after 由, up to the deed ("由街道主要负责人|召开")."""
    if not _BY_WHOM.search(question.text) or "由" not in clause:
        return None
    start = clause.index("由") + 1
    at = start
    for pair in jieba.posseg.cut(clause[start : start + MAX_DOER + 4]):
        if pair.flag.startswith("v") and len(pair.word) >= 2 and at > start:
            return (start, at) if at - start <= MAX_DOER else None
        if pair.word in "，,。；;":
            return None
        at += len(pair.word)
    return None


def framed_span(question: Question, clause: str) -> tuple[int, int] | None:
    """Return the span a clause gives in the very frame the question asks in ("把A作为B", "在X的指导下",
    "由X召开", "以X为主要阵地"), or None."""
    return (_ba_frame_span(question, clause) or _guided_by(question, clause) or _done_by(question, clause)
            or _means_used(question, clause))
