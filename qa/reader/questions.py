"""Read a question: which kind of answer it wants, whether it spans reports, and its content terms.

The terms are what is left of the question once the places, years, question words and
particles are gone ("田镇街道2024年调处矛盾纠纷多少件" -> "调处矛盾纠纷"); answer
extraction looks for the clause that holds them. No segmenter is needed: each content
phrase is kept whole (to anchor the answer) and as character bigrams (to match wording
that is split or reordered in the report).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from qa.ingest.cleaning import clean
from qa.reader.figures import UNITS

KINDS: tuple[str, ...] = ("number", "date", "list", "text")

_UNIT = "|".join(re.escape(u) for u in UNITS)
_COMPARISON = re.compile(
    r"各个|各(?:街道|乡镇|镇|乡|区县|区|县|市|单位|部门|地区?|报告|份报告)|所有(?:的)?(?:报告|街道|单位|地区)"
    r"|每(?:个|一个|份)(?:报告|街道|单位|乡镇|地区|区县)"
    r"|哪(?:些|几个|个)(?:报告|街道|单位|地区|区县|乡镇|部门)|分别"
)
_DATE_WORDS = re.compile(r"哪(?:一)?天|什么时候|什么时间|何时|日期|几月几[日号]|哪(?:一)?年|哪个月")
_LIST_WORDS = re.compile(r"哪些|哪几|有何|存在.{0,8}(?:不足|问题|差距|短板)|(?:计划|安排|打算|举措|措施)(?:有|是)")
_NUMBER_WORDS = re.compile(r"多少|几|比例|比率|占比|百分之|金额|数量|人数|次数|[^\W\d_]率")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?|今年|去年|本年度?|上一?年度?|全年|年度")
# A question word with the light verb before it and the unit after it ("共有多少名" -> unit 名).
_ASK_NUMBER = re.compile(
    r"(?:一共|总共|共计|合计|累计|共)?(?:是|有|为|达到|达|约|了)?(?:多少|几)(?P<unit>" + _UNIT + r")?"
)
# The share asked for ("占全部案件的比例是多少"): the report writes the share ("占…的36.6%"),
# rarely the noun, which would otherwise count as a word the reports never use.
_ASK_SHARE = re.compile(r"的?(?:比例|比率|百分比|占比)(?=(?:是|为|有|达到|达|约)?(?:多少|几)|$)")
# An issuer named by its short form after its place ("临川市场监管局" for 临川市市场监督管理局).
_ORGAN = re.compile(r"(?<=\|)([\u4e00-\u9fff]{1,8}?(?:局|委员会|委|办公室|人民政府|政府|办事处|中心))")
# "2025年计划组织…" says when, not what: the plan's own words are the verb after it.
_INTENT = re.compile(r"(?<=\|)(?:计划|打算|准备|拟)(?![有是的中为和与及])")
_ASK_OTHER = re.compile(
    r"(?:主要|具体)?(?:做法|举措|措施)(?=有|是|包括|为|$)|请问|什么样的?|什么|怎么样|怎样|怎么|如何|哪(?:一)?天|什么时候|何时|哪些|哪几|哪个|哪里|哪|是否|有没有|是不是"
    r"|有何|吗|呢|么|提到|提及|谈到|讲到|说到|涉及到|具体"
)
_PARTICLES = re.compile(r"了(?!解)|(?<![目])的(?!确)")
_LEADING = "和与及等"
_TRAILING = "是有为和与及等"
# One-character leftovers that carry no subject ("有哪些工作安排" leaves "有").
_LONE = set("是有为在的了和与及等把被将对从向给让使其之这那该共都也还又就才")
_SPLIT = re.compile(r"[\s\W_]+")


@dataclass(frozen=True)
class Question:
    """A question read for answering.

    Attributes:
        text: the question as asked.
        kind: "number", "date", "list" or "text": the form of the direct answer.
        comparison: True when the question asks across reports ("各街道", "哪些报告").
        terms: content phrases, then their character bigrams (single characters when a phrase has one).
        phrases: the content phrases alone, longest first, used to anchor the answer in a clause.
        unit: the unit the question asks in ("件" for "多少件"), or None.
    """

    text: str
    kind: str
    comparison: bool
    terms: tuple[str, ...]
    phrases: tuple[str, ...] = ()
    unit: str | None = None

    @property
    def bigrams(self) -> tuple[str, ...]:
        """Return the terms matched for coverage: bigrams, plus one-character phrases."""
        return tuple(t for t in self.terms if len(t) == 2 or (len(t) == 1 and t in self.phrases))


def analyse(text: str, *, places: Iterable[str] = ()) -> Question:
    """Read a question's kind, scope and content terms.

    Args:
        text: the question as asked.
        places: issuer and place names to leave out of the terms (longest first is best;
            they are sorted here anyway).

    Returns:
        The Question; its terms are empty when nothing but places and question words was asked.
    """
    cleaned = clean(text).text
    comparison = bool(_COMPARISON.search(cleaned))
    body = _COMPARISON.sub("|", cleaned)
    names = sorted({clean(p).text for p in places if p}, key=len, reverse=True)
    for place in names:
        body = body.replace(place, "|")
    body = _ORGAN.sub(lambda m: "|" if any(_abbreviates(m.group(1), name) for name in names) else m.group(), body)
    body = _YEAR.sub("|", body)
    body = _INTENT.sub("|", body)
    kind = _kind(body)
    unit_match = _ASK_NUMBER.search(body)
    unit = unit_match.group("unit") if unit_match and unit_match.group("unit") else None
    body = _ASK_SHARE.sub("|", body)
    body = _ASK_NUMBER.sub("|", body)
    body = _ASK_OTHER.sub("|", body)
    body = _PARTICLES.sub("|", body)
    phrases: list[str] = []
    for piece in _SPLIT.split(body):
        piece = piece.lstrip(_LEADING).rstrip(_TRAILING) if len(piece) > 1 else piece
        if piece and piece not in phrases and piece not in _LONE:
            phrases.append(piece)
    phrases.sort(key=len, reverse=True)
    bigrams = [p[i : i + 2] for p in phrases for i in range(len(p) - 1)]
    terms = tuple(dict.fromkeys([*phrases, *bigrams]))
    return Question(text, kind, comparison, terms, tuple(phrases), unit)


def _abbreviates(short: str, name: str) -> bool:
    """Tell whether `short` keeps the characters of `name` in order, as a short form of it does."""
    rest = iter(name)
    return len(short) < len(name) and all(ch in rest for ch in short)


def _kind(body: str) -> str:
    """Tell the form of answer wanted from the question words left after places and years."""
    if _DATE_WORDS.search(body):
        return "date"
    if _LIST_WORDS.search(body) and not re.search(r"多少|几(?!个方面)", body):
        return "list"
    if _NUMBER_WORDS.search(body):
        return "number"
    return "text"
