"""Ask the index and gather everything the chat shows with the answer.

Besides the answer itself: a notice when the question was cut or the filters exclude what it
names, the reason for a refusal, related passages only from report bodies within the filters,
and, when a cited report has a rival for the same issuer and year, the rival's passage beside it.
"""
from __future__ import annotations

from typing import Any, Protocol, Sequence

from qa.config import IndexConfig
from qa.model import Answer, Hit, Quote, ReportInfo
from qa.retrieval.scope import Scope
from webui.catalog import conflicts
from webui.messages import WordedQuestionError
from webui.notices import allowed_sources, filter_conflict, length_notice, named, refusal_reason, related_quotes
from webui.render import Reply, comparison_citations

MAX_QUESTION_CHARS = IndexConfig().max_question_chars


class AnsweringIndex(Protocol):
    """What a reply needs from qa.ReportIndex."""

    @property
    def reports(self) -> tuple[ReportInfo, ...]: ...

    def scope(self, question: str, *, sources: Any = None, year: int | None = None) -> Scope: ...

    def search(self, question: str, k: int = 5, *, sources: Any = None, year: int | None = None) -> list[Hit]: ...

    def answer(self, question: str, *, history: Any = (), sources: Any = None, year: int | None = None) -> Answer: ...


def check_question(question: str) -> str:
    """Return the question stripped, or raise WordedQuestionError when there is nothing to ask."""
    question = question.strip()
    if not question:
        raise WordedQuestionError("请输入问题，例如“田镇街道2024年调处矛盾纠纷多少件”。")
    if not any(char.isalnum() for char in question):
        raise WordedQuestionError("问题中没有文字。请换个问法，例如“田镇街道2024年调处矛盾纠纷多少件”。")
    return question


def build_reply(
    index: AnsweringIndex,
    question: str,
    *,
    history: Sequence[str] = (),
    sources: Sequence[str] | None = None,
    year: int | None = None,
    turn: int = 0,
) -> Reply:
    """Answer a question and return it with its citations, notices and, for a refusal, the reason.

    Raises:
        QuestionError: the question is empty or has no words (message in Chinese), or qa refused it.
        QAError: qa failed to answer; the caller words it for the reader.
    """
    question = check_question(question)
    sources = list(sources) if sources else None
    found = named(index, question, history)
    conflict = filter_conflict(index, found, sources, year)
    notices = tuple(text for text in (length_notice(question, MAX_QUESTION_CHARS), conflict) if text)
    answer = index.answer(question, history=tuple(history), sources=sources, year=year)
    if not answer.found:
        allowed = allowed_sources(index.reports, sources, year)
        related = related_quotes(answer.quotes, allowed)
        reason = refusal_reason(index, found, conflict)
        # The conflict is the reason here: said once, on the refusal line.
        notices = tuple(text for text in notices if text != conflict)
        return Reply(answer, related, turn, notices, reason)
    citations = comparison_citations(answer.rows) if answer.rows else answer.quotes
    citations, warnings = _with_rivals(index, question, citations)
    return Reply(answer, citations, turn, notices, conflicts=warnings)


def _with_rivals(index: AnsweringIndex, question: str, citations: tuple[Quote, ...]) -> tuple[tuple[Quote, ...], tuple[str, ...]]:
    """Add the best passage of each rival report (same issuer and year) of a cited report, with a warning."""
    clashes = conflicts(index.reports)
    names = {info.source: info.name for info in index.reports}
    cited = {quote.source for quote in citations}
    extra: list[Quote] = []
    warnings: list[str] = []
    for source in sorted(cited & set(clashes)):
        rivals = [rival for rival in clashes[source] if rival not in cited]
        files = "、".join((source, *clashes[source]))
        warnings.append(f"「{names[source]}」有 {len(clashes[source]) + 1} 份报告（{files}），内容可能不一致，请核对各份原文。")
        for rival in rivals:
            hits = index.search(question, k=1, sources=[rival])
            extra.extend(Quote(hit.text, hit.source, f"{hit.report}（{hit.source}）", hit.section, None, hit.passage.start) for hit in hits)
    return citations + tuple(extra), tuple(dict.fromkeys(warnings))
