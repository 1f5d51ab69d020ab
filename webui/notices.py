"""What the chat tells a reader besides the answer: a cut question, a filter at odds with the
question, why nothing was found, and which related passages are worth showing.

Everything is derived from what the index exposes (its reports and the scope of a question),
so qa needs no knowledge of the chat.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, Sequence

from qa.model import Quote, ReportInfo
from qa.retrieval.scope import Scope, known_names, normalise_question, simplified

# Lower-level places written right after an unknown one ("北京市" + "朝阳区") belong to its name.
_MORE_PLACE = r"(?:[\u4e00-\u9fff]{1,5}?(?:街道|区|县|镇|乡|市)){0,2}"


class ScopedIndex(Protocol):
    """What the notices need from an index."""

    @property
    def reports(self) -> tuple[ReportInfo, ...]: ...

    def scope(self, question: str, *, sources=None, year: int | None = None) -> Scope: ...


@dataclass(frozen=True)
class Named:
    """The reports a conversation names, and the place and year it names them by."""

    places: tuple[str, ...]
    year: int | None
    unknown_place: str | None
    reports: tuple[ReportInfo, ...]


def named(index: ScopedIndex, question: str, history: Sequence[str] = ()) -> Named:
    """Return what the question names; a follow-up without a place takes it from the latest earlier question."""
    scope = index.scope(simplified(question))
    places, year, unknown = scope.places, scope.year, _whole_place(simplified(question), scope.unknown_place)
    if not places and not unknown:
        for earlier in reversed(history):
            before = index.scope(simplified(earlier))
            if before.places or before.unknown_place:
                places, unknown = before.places, _whole_place(simplified(earlier), before.unknown_place)
                year = year if year is not None else before.year
                break
    reports = tuple(info for info in index.reports if set(known_names(info)) & set(places))
    return Named(tuple(places), year, unknown, reports)


def _whole_place(question: str, place: str | None) -> str | None:
    """Return an unknown place with the lower-level places written after it ("北京市朝阳区")."""
    if not place:
        return place
    match = re.search(re.escape(place) + _MORE_PLACE, normalise_question(question))
    return match.group() if match else place


def allowed_sources(reports: Sequence[ReportInfo], sources: Sequence[str] | None, year: int | None) -> set[str]:
    """Return the sources the chosen filters let through."""
    return {
        info.source for info in reports
        if (not sources or info.source in sources) and (year is None or info.year == year)
    }


def filter_conflict(index: ScopedIndex, found: Named, sources: Sequence[str] | None, year: int | None) -> str:
    """Return a sentence when the filters exclude what the question asks about, else ""."""
    if not sources and year is None:
        return ""
    if year is not None and found.year is not None and found.year != year:
        return f"问题问的是 {found.year} 年，但年度筛选为 {year} 年。"
    allowed = allowed_sources(index.reports, sources, year)
    if found.reports and not any(info.source in allowed for info in found.reports):
        names = "、".join(f"「{info.name}」" for info in found.reports)
        return f"所选的筛选条件不包括问题所问的{names}报告；请清除筛选或改选该报告。"
    return ""


def refusal_reason(index: ScopedIndex, found: Named, conflict: str) -> str:
    """Return why nothing was found, when it is known, else a general sentence."""
    if conflict:
        return conflict
    if found.unknown_place and not found.reports:
        return f"报告库中没有关于「{found.unknown_place}」的报告。"
    if found.reports and found.year is not None and all(info.year != found.year for info in found.reports):
        covered = "、".join(f"{info.year} 年" for info in found.reports if info.year) or "未注明年度"
        issuer = "、".join(dict.fromkeys(info.issuer for info in found.reports))
        return f"「{issuer}」的报告是 {covered}度的，没有 {found.year} 年度的报告。"
    return "检索到的报告段落中没有直接回答这个问题的语句。"


def length_notice(question: str, limit: int) -> str:
    """Return a sentence when the question is longer than the index reads, else ""."""
    if len(question) <= limit:
        return ""
    return f"问题共 {len(question)} 字，超过 {limit} 字的上限，只按前 {limit} 字作答。"


def related_quotes(quotes: Sequence[Quote], allowed: set[str]) -> tuple[Quote, ...]:
    """Keep related passages that come from a report's body and lie within the filters.

    Title blocks, salutations and signatures stand before the first heading or hold no sentence
    of the report's substance; they say nothing about the question.
    """
    return tuple(
        quote for quote in quotes
        if quote.section and quote.source in allowed and not _is_boilerplate(quote.text)
    )


def _is_boilerplate(text: str) -> bool:
    """Tell a signature block or a title line (short, no sentence end) from a sentence of the body."""
    stripped = "".join(text.split())
    return len(stripped) < 40 and not any(mark in stripped for mark in "。；！？")
