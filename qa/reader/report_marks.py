"""Find what a report bears about itself: its date, its document number, its year, whom it is addressed to and
who put it out.

"这份报告是什么时候发的" and "报告的文号是什么" ask for marks no sentence of the body states:
a published page heads the text with "发布日期: 2024-02-19" (or 发表时间, 成文日期) and
"发文字号 济兖政字〔2024〕3号"; a signed report ends with its issuer and date.
"""
from __future__ import annotations

import re

from typing import Callable, Mapping, Sequence

from qa.model import Answer, Hit, Quote
from qa.reader.clauses import clauses
from qa.reader.figures import find_dates
from qa.reader.questions import Question

HEAD_CHARS = 400
TAIL_CHARS = 300
DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*\d{1,5}\s*号")
# "中共将乐县委员会,将乐县人民政府:" under the title: the bodies the report is sent to.
_SALUTATION = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fff、，, ]{2,60}[:：]\s*$", re.M)
_DATE_LINE = re.compile(r"^\s*((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$", re.M)
_LABEL = re.compile(r"(?:(?:发布|发表|成文|印发|公开|发文)(?:日期|时间)|(?<![\u4e00-\u9fff])时间)\s*[:：]?\s*")
# "来源:县政府办", "信息来源:街道办", "发布机构:…" in a published page's head: who put the report out.
_SOURCE = re.compile(r"(?:信息来源|来源|发布机构|发布单位)\s*[:：]\s*([\u4e00-\u9fff（）()]{2,30})")


def report_date(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Return ((start, end) of the date, (start, end) of its line) in the report's text, or None.

    A labelled date in the first HEAD_CHARS characters wins; else the last date in the closing
    TAIL_CHARS characters (the signature).
    """
    for label in _LABEL.finditer(text, 0, HEAD_CHARS):
        dates = find_dates(text[label.end() : label.end() + 20])
        if dates and dates[0][0] == 0:
            start, end = label.end() + dates[0][0], label.end() + dates[0][1]
            line_end = text.find("\n", end)
            return (start, end), (label.start(), line_end if line_end >= 0 else end)
    tail_start = max(0, len(text) - TAIL_CHARS)
    for clause in reversed(clauses(text[tail_start:], tail_start)):
        dates = find_dates(clause.text)
        if dates:
            return clause.raw_span(*dates[-1]), (clause.start, clause.end)
    # A covering letter above the report is signed with its issuer and a date on a line of its own.
    signed = _DATE_LINE.search(text, 0, HEAD_CHARS)
    if signed is not None:
        line_start = text.rfind("\n", 0, signed.start() - 1) + 1  # the issuer's line is quoted too
        return signed.span(1), (line_start, signed.end(1))
    return None


def document_number(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Return ((start, end) of the report's own document number, (start, end) of its line), or None:
    the first one in the report's first HEAD_CHARS characters."""
    match = DOCUMENT_NUMBER.search(text, 0, HEAD_CHARS)
    if match is None:
        return None
    return match.span(), _line_around(text, match.start(), match.end())


def _line_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Return (start, end) of the line holding text[start:end], quoted with a mark of the report."""
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, line_end if line_end >= 0 else end


def report_mark(question: Question, hits: Sequence[Hit], texts: Mapping[str, str],
                find: Callable[[str], tuple | None] = report_date) -> Answer | None:
    """Answer with what the first hit's report bears (its date, its document number), its line quoted."""
    hit = hits[0]
    text = texts[hit.source]
    found = find(text)
    if found is None:
        return None
    (start, end), (line_start, line_end) = found
    quote = Quote(text[line_start:line_end], hit.source, hit.report, "", (start - line_start, end - line_start), line_start)
    return Answer(question.text, text[start:end], True, (quote,), kind=question.kind)


def addressee(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Return ((start, end) of the bodies a report is addressed to, (start, end) of their line), or None:
    a line of names ending in a colon among the report's first lines."""
    match = _SALUTATION.search(text, 0, HEAD_CHARS)
    if match is None:
        return None
    line = text[match.start() : match.end()].rstrip()
    names_end = match.start() + len(line) - 1
    return (match.start(), names_end), (match.start(), match.start() + len(line))


_YEAR_OF_REPORT = re.compile(r"(?:19|20)\d{2}\s*年度|(?:19|20)\d{2}\s*年")


def report_year(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Return ((start, end) of the year a report is of, (start, end) of its line), or None: the first year
    of its opening lines, written as a 年度 where it is ("2025年度法治政府建设工作报告")."""
    head = text[:HEAD_CHARS]
    match = re.search(r"(?:19|20)\d{2}\s*年度", head) or _YEAR_OF_REPORT.search(head)
    if match is None:
        return None
    return match.span(), _line_around(text, match.start(), match.end())


def publisher(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Return ((start, end) of the body a published page names as the report's source, (start, end) of its
    line), or None: "来源:县政府办" among the report's first lines."""
    match = _SOURCE.search(text, 0, HEAD_CHARS)
    if match is None:
        return None
    return match.span(1), _line_around(text, match.start(), match.end())


# The report itself, named by its kind or pointed at ("这份报告", "法治政府建设总结"): what it bears
# about itself no sentence of its body states.
_THE_REPORT = r"(?:报告|总结|这份|那份)"
_OWN_NUMBER = re.compile(_THE_REPORT + r".{0,12}(?:文号|字号|发文号)")
_OWN_YEAR = re.compile(r"(?:这份|那份|本|该)报告.{0,12}哪(?:一|个)?年")
# "这份报告是报送给哪个机构的", "总结是呈报给谁的".
_SENT_TO = re.compile(_THE_REPORT + r".{0,16}(?:报送|报|呈报|呈送|递交|提交|上报|交|写)给?的?是?(?:哪|谁|什么)")
# "这份报告是哪个部门发的".
_PUT_OUT_BY = re.compile(_THE_REPORT + r".{0,16}(?:哪个|哪家|什么)?(?:部门|单位|机构|谁).{0,4}(?:发|发布|公布|公开|挂|登)")
_REPORT_DATE = re.compile(r"报告|总结|发布|印发|落款|成文|签发|出具|提交|报送|上报|呈报|报给|报上|日期")


def own_mark(question: Question, hits: Sequence[Hit], texts: Mapping[str, str]) -> Answer | None:
    """Answer a question about the report itself from what it bears: whom it is sent to, who put it out, its
    document number, the year it is of; None when the question asks none of these or the report bears none."""
    asked = question.text
    marks = (
        (question.kind in ("entity", "list") and _SENT_TO.search(asked), addressee),
        (question.kind == "entity" and _PUT_OUT_BY.search(asked), publisher),
        (question.shape == "document number" and _OWN_NUMBER.search(asked), document_number),
        (_OWN_YEAR.search(asked), report_year),
    )
    for asks, find in marks:
        answer = report_mark(question, hits, texts, find) if asks else None
        if answer is not None:
            return answer
    return None


def asks_report_date(question: Question) -> bool:
    """Tell whether a date question may ask when the report itself was made or sent ("报告是哪天发布的")."""
    return _REPORT_DATE.search(question.text) is not None
