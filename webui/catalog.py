"""The reports list and the filter choices, read from the index each time a page asks for them.

Dates are shown one way (2025-01-15) however the report writes them, and two reports of the same
issuer and year are a conflict shown beside both: answering silently from one would hide the other.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Protocol

from qa.model import ReportInfo

ALL_YEARS = "全部年份"
NO_DATE = "未注明"
REPORT_HEADERS = ["发布单位", "年度", "发布日期", "段落数", "文件", "冲突"]
_DATE = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?")
_CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九○", "001234567890")


class ReportCatalog(Protocol):
    """What the reports list needs from an index."""

    @property
    def reports(self) -> tuple[ReportInfo, ...]: ...

    def passage_count(self, source: str) -> int: ...


def normalise_date(written: str | None) -> str:
    """Return a report's date as YYYY-MM-DD, or NO_DATE when it has none or none can be read.

    Full-width digits ("２０２５年１月１５日"), spaces ("2025 年 1 月 10 日") and Chinese
    numerals ("二〇二五年一月十日") are all read.
    """
    if not written:
        return NO_DATE
    text = unicodedata.normalize("NFKC", written)
    text = _chinese_numerals(text)
    match = _DATE.search(text)
    if not match:
        return NO_DATE
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return NO_DATE
    return f"{year:04d}-{month:02d}-{day:02d}"


def _chinese_numerals(text: str) -> str:
    """Turn "二〇二五年一月十五日" into "2025年1月15日"; other text is returned unchanged."""

    def number(match: re.Match) -> str:
        word = match.group()
        if "十" not in word:
            return word.translate(_CHINESE_DIGITS)
        tens, _, units = word.partition("十")
        return str(int((tens or "一").translate(_CHINESE_DIGITS)) * 10 + int((units or "〇").translate(_CHINESE_DIGITS)))

    return re.sub(r"[〇零一二三四五六七八九十○]+(?=[年月日])", number, text)


def conflicts(reports: Iterable[ReportInfo]) -> dict[str, tuple[str, ...]]:
    """Return, for each report that shares its issuer and year with another, the other reports' sources."""
    groups: dict[tuple[str, int | None], list[str]] = {}
    for info in reports:
        if info.year is not None:
            groups.setdefault((info.issuer, info.year), []).append(info.source)
    return {
        source: tuple(other for other in sources if other != source)
        for sources in groups.values() if len(sources) > 1
        for source in sources
    }


def report_rows(index: ReportCatalog) -> list[list[Any]]:
    """Return one row per indexed report for the reports table, in REPORT_HEADERS order."""
    clashes = conflicts(index.reports)
    return [
        [
            info.issuer,
            str(info.year) if info.year else NO_DATE,
            normalise_date(info.published),
            index.passage_count(info.source),
            info.source,
            f"⚠️ 与 {'、'.join(clashes[info.source])} 同单位同年度" if info.source in clashes else "",
        ]
        for info in index.reports
    ]


def report_choices(index: ReportCatalog) -> list[tuple[str, str]]:
    """Return (label, source) pairs for the report filter; a label shared by two reports names the file."""
    names = [info.name for info in index.reports]
    return [
        (info.name if names.count(info.name) == 1 else f"{info.name}（{info.source}）", info.source)
        for info in index.reports
    ]


def year_choices(index: ReportCatalog) -> list[str]:
    """Return the year filter's choices: every reported year, newest first, after ALL_YEARS."""
    years = sorted({info.year for info in index.reports if info.year}, reverse=True)
    return [ALL_YEARS, *(str(year) for year in years)]


def parse_year(year: str | int | None) -> int | None:
    """Return the year filter as an int, or None for ALL_YEARS or nothing chosen."""
    if year in (None, "", ALL_YEARS):
        return None
    return int(year)
