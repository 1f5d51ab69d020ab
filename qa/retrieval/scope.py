"""Work out which reports a question is about, from the issuer, places and year it names.

Look-alike reports speak of the same things with different figures, so a question that
names 田镇 must only ever be answered from 田镇's report, and with two reports of one
issuer the year decides. A question naming a place that no report covers is out of scope.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Mapping, Protocol, Sequence

import jieba.posseg
import zhconv

from qa.ingest.cleaning import fold_traditional
from qa.model import ReportInfo

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_PLACE_SUFFIXES = ("自治区", "自治州", "街道办事处", "街道", "省", "市", "区", "县", "旗", "镇", "乡", "盟")
# The longest run of characters before a suffix that _PLACE_WORD takes as a place name.
MAX_PLACE_STEM = 10
_WITHIN = re.compile(r"(?:下面|下属|下辖|辖下|所属|管辖|辖区)?的?")
_PLACE_WORD = re.compile(r"[\u4e00-\u9fff]{2,%d}?(?:%s)" % (MAX_PLACE_STEM, "|".join(_PLACE_SUFFIXES)))
# Words that end like a place but name none ("各街道", "全区", "辖区", "社区").
_NOT_IN_A_PLACE = re.compile(r"什么|哪|几|多少|谁|怎么|如何|被|为")
_NOT_A_PLACE_PREFIX = ("几", "多少", "各", "全", "本", "我", "该", "每", "辖", "社", "城", "市", "园", "街", "区", "县", "乡", "镇", "所有", "哪些", "哪个", "分别")


class Mentions(Protocol):
    """What the reports write, as scoping needs it: whole texts are never scanned per question."""

    def written(self, word: str) -> bool:
        """Tell whether any report's text (normalised) holds this place-shaped word."""
        ...

    def text(self, source: str) -> str | None:
        """Return a report's text passed through normalise_question, or None when not known."""
        ...


class TextMentions:
    """Mentions answered from texts held in memory (a handful of reports, or tests)."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = dict(texts)

    def written(self, word: str) -> bool:
        return any(word in text for text in self._texts.values())

    def text(self, source: str) -> str | None:
        return self._texts.get(source)


@dataclass(frozen=True)
class Scope:
    """The reports a question is limited to.

    Attributes:
        sources: sources of the reports in scope; None when the question names no report.
        places: the known place names found in the question, longest first.
        year: the year the question names, if any; None when it names several.
        unknown_place: a place-like name that no report covers; the question is then out of scope.
        years: every year the question names ("2022年和2024年…各…": a report of each is in scope).
        locators: known places said only to locate another ("西湖区" of "西湖区古荡街道"): not in scope,
            but no topic either.
    """

    sources: tuple[str, ...] | None
    places: tuple[str, ...] = ()
    year: int | None = None
    unknown_place: str | None = None
    years: tuple[int, ...] = ()
    locators: tuple[str, ...] = ()

    @property
    def out_of_scope(self) -> bool:
        return self.unknown_place is not None or (self.sources is not None and not self.sources)


def normalise_question(text: str) -> str:
    """Fold full-width forms and traditional characters and drop spaces, so names and years match
    as written in any width or script (report texts go through it too)."""
    return re.sub(r"\s+", "", fold_traditional(unicodedata.normalize("NFKC", text)))


def simplified(text: str) -> str:
    """Fold traditional characters to simplified, since the reports are written in simplified ones,
    and write a year given by its last two digits in full ("24年" -> "2024年"), as the reports do.

    Without it "田鎮街道" names no known place, so the question is refused as out of scope.
    Simplified text comes back unchanged.
    """
    return _SHORT_YEAR.sub(r"20\1年", zhconv.convert(text, "zh-hans"))


# "嘉善24年批了几次": two digits and 年, not a count of years ("24年来", "10年间") nor part of a number.
_SHORT_YEAR = re.compile(r"(?<![\d.．])([0-3]\d)年(?![来间内里代前后多余]|以来)")


def known_names(info: ReportInfo) -> tuple[str, ...]:
    """Return every name a question may use for this report's issuer, longest first."""
    names = {info.issuer, *info.places}
    return tuple(sorted((n for n in names if len(n) >= 2), key=len, reverse=True))


class ScopeResolver:
    """Resolve questions to the reports they name, with name lookups prepared once per index.

    A question is matched against every issuer and place name by looking up its
    substrings, so the cost of a question does not grow with the number of reports.
    """

    def __init__(
        self, reports: Sequence[ReportInfo], texts: Sequence[str] = (), *, mentions: Mentions | None = None
    ) -> None:
        """Prepare the lookups.

        Args:
            reports: every indexed report.
            texts: the reports' texts passed through normalise_question (same order), to tell
                an unknown place from one a report mentions; empty to skip those checks.
            mentions: the same knowledge from a table (qa.retrieval.names), instead of texts.
        """
        self._reports = {info.source: info for info in reports}
        self._order = {source: i for i, source in enumerate(self._reports)}
        self._mentions = mentions or TextMentions(dict(zip((info.source for info in reports), texts)))
        self._sources_by_name: dict[str, list[str]] = {}
        for info in reports:
            for name in known_names(info):
                self._sources_by_name.setdefault(name, []).append(info.source)
        self._longest = max((len(name) for name in self._sources_by_name), default=0)
        # A place's stem that is also a common word ("紫金" of 紫金县, "永嘉" of 永嘉县) is no name
        # inside a question, but is one where the question opens with it ("紫金卫健局…").
        self._opening_stems: dict[str, list[str]] = {}
        for info in reports:
            for place in info.places:
                suffix = next((end for end in _PLACE_SUFFIXES if place.endswith(end)), "")
                stem = place[: len(place) - len(suffix)]
                if suffix and len(stem) >= 2 and stem not in self._sources_by_name:
                    self._opening_stems.setdefault(stem, []).append(info.source)

    def resolve(self, question: str) -> Scope:
        """Limit a question to the reports it names by place and year.

        Returns:
            The scope: every report when nothing is named, the named reports otherwise,
            none (out of scope) when a named place matches no report, or when the named
            reports are all of other years and none of them speaks of the year asked.
        """
        q = normalise_question(question)
        years = tuple(dict.fromkeys(int(y) for y in _YEAR.findall(q)))
        if len(years) > 1:
            return self._of_years(q, years)
        year = years[0] if years else None
        covered = [False] * len(q)
        spans: list[tuple[int, int, str]] = []
        for name in self.names_in(q):
            for m in re.finditer(re.escape(name), q):
                if any(covered[m.start():m.end()]):
                    continue
                covered[m.start():m.end()] = [True] * len(name)
                spans.append((m.start(), m.end(), name))
        # "江门下面鹤山市", "西湖区古荡街道": a place said just before another, as what it lies in, only locates it.
        starts = {start for start, _, _ in spans}
        found_places = [name for _, end, name in spans if not locates_next(q, end, starts)]
        matched: dict[str, int] = {}
        for place in set(found_places):
            for source in self._sources_by_name.get(place) or self._opening_stems[place]:
                matched[source] = matched.get(source, 0) + 1
        unknown = _unknown_place(q, covered, self._mentions)
        if not matched:
            if unknown:
                return Scope(sources=(), places=(), year=year, unknown_place=unknown)
            return Scope(sources=_by_year(tuple(self._reports.values()), None, year, TextMentions({})), places=(), year=year)
        # "西安未央区2024年": the 2024 report may not write the city the 2022 one does; the reports of
        # the year asked are weighed among themselves.
        of_year = {source: n for source, n in matched.items() if year is not None and self._reports[source].year == year}
        matched = of_year or matched
        best = max(matched.values())
        # In index order, without going through every report (100,000 of them) per question.
        named = [self._reports[source] for source in sorted((s for s, n in matched.items() if n == best), key=self._order.get)]
        # "河川县" names the county's own report, not the report of a town within it.
        named = [info for info in named if any(_is_own_place(place, info) for place in found_places)] or named
        return Scope(
            sources=_by_year(named, named, year, self._mentions),
            places=tuple(sorted(found_places, key=len, reverse=True)),
            year=year,
            unknown_place=unknown,
            locators=tuple(name for _, _, name in spans if name not in found_places),
        )

    def _of_years(self, q: str, years: tuple[int, ...]) -> Scope:
        """Scope a question naming several years ("房县2022年和2024年…各是多少"): the named reports of each year."""
        by_year = [self.resolve(_YEAR.sub(str(year), q)) for year in years]
        kept = [scope.sources for scope in by_year if scope.sources is not None]
        sources = tuple(dict.fromkeys(s for chosen in kept for s in chosen)) if kept else None
        return Scope(sources, by_year[0].places, None, by_year[0].unknown_place, years)

    def names_in(self, q: str) -> list[str]:
        """Return the known names that occur in q, longest first."""
        found = {
            q[i:j]
            for i in range(len(q))
            for j in range(i + 2, min(len(q), i + self._longest) + 1)
            if q[i:j] in self._sources_by_name
        }
        if not any(q.startswith(name) for name in found):
            found |= self._stems_at(q, 0)
        # A stem opens the second of two places joined too ("宁安镇和长治城管局").
        for name in list(found):
            for m in re.finditer(re.escape(name) + r"(?:和|与|及|、|跟|同)", q):
                found |= self._stems_at(q, m.end())
        return sorted(found, key=lambda name: (-len(name), name))

    def _stems_at(self, q: str, at: int) -> set[str]:
        """Return the place stems that are common words (紫金, 长治) opening q at `at`."""
        return {q[at : at + n] for n in (4, 3, 2) if q[at : at + n] in self._opening_stems}


def locates_next(text: str, end: int, starts: set[int]) -> bool:
    """Tell whether a place name ending at `end` is said only to locate the one that starts right after it, or after
    下面/下属/的 ("西湖区古荡街道", "江门下面鹤山市", "西湖区的古荡街道"); `starts` are where the text's place names start."""
    within = _WITHIN.match(text, end)
    return end in starts or (within is not None and within.end() in starts)


def resolve_scope(question: str, reports: Sequence[ReportInfo], texts: Sequence[str] = ()) -> Scope:
    """Limit a question to the reports it names by place and year (see ScopeResolver.resolve).

    Args:
        question: the question as asked.
        reports: every indexed report.
        texts: the reports' texts passed through normalise_question, to tell an unknown
            place from one a report mentions.
    """
    return ScopeResolver(reports, texts).resolve(question)


def _is_own_place(place: str, info: ReportInfo) -> bool:
    """Tell whether a place is the issuer's own (the last one its name gives), not a place above it."""
    written = [(info.issuer.rfind(name), name) for name in info.places if name in info.issuer]
    if not written:
        return False
    own = max(written, key=lambda found: (found[0], len(found[1])))[1]
    # "鹤城区红星街道": the own place written after the place it lies in is the own place still.
    return own.startswith(place) or place.startswith(own) or place.endswith(own)


def _by_year(
    candidates: Sequence[ReportInfo], named: Sequence[ReportInfo] | None, year: int | None, mentions: Mentions
) -> tuple[str, ...] | None:
    """Prefer the reports of the year asked; else keep the named reports that speak of that year.

    A named report of another year stays in scope when its text names the year, because the
    year may be the subject rather than the report's year ("上白作街道2024年度工作计划" lives
    in its 2023 report). One that never names it cannot answer for that year: its figures
    are another year's, so the question is out of scope. Without texts, all are kept.
    """
    if year is None:
        return tuple(info.source for info in candidates) if named is not None else None
    of_year = [info.source for info in candidates if info.year == year]
    if of_year:
        return tuple(of_year)
    if named is None:
        return None
    # The year written as a year of its own ("2024年度工作计划"), not an end of a span
    # ("（2021-2025年）", "2023-2027"), which says nothing about that year's figures.
    written = re.compile(rf"(?<![\d\-—–~－至到]){year}(?!\d)(?!\s*[\-—–~－至到])\s*年")
    texts = {info.source: mentions.text(info.source) for info in candidates}
    return tuple(info.source for info in candidates if texts[info.source] is None or written.search(texts[info.source]))


def _unknown_place(q: str, covered: list[bool], mentions: Mentions) -> str | None:
    """Return a place-like name in the question that is neither known nor mentioned in any report."""
    # No place name holds 的, 了 or 是: "年落实的区里" is no place; nor a question word, 被 or 为:
    # "什么市级荣誉", "哪一年被认定为省…".
    q = re.sub(r"(?:19|20)\d{2}\s*年度?", lambda m: " " * len(m.group()), q)  # "2025年请区法院": 年 starts no name
    for run in re.finditer(r"(?:(?![的了是])[\u4e00-\u9fff])+", q):
        if any(covered[run.start():run.end()]):
            continue
        for m in _PLACE_WORD.finditer(run.group()):
            word = m.group()
            asking = list(_NOT_IN_A_PLACE.finditer(word))
            if asking:  # "哪个桃源县" may still name a place after its question word
                word = word[asking[-1].end():]
                if not _PLACE_WORD.fullmatch(word):
                    continue
            if word.startswith(_NOT_A_PLACE_PREFIX) or _verb_then_organ(word, run.group()[m.end():]):
                continue
            # "向乡镇下放" matches the shape, but its tail "乡镇" is a word the reports use:
            # only a name none of whose tails (a character or more before the suffix) is written counts.
            if any(mentions.written(tail) for tail in _tails(word)):
                continue
            return word
    return None


_ORGAN_AFTER = re.compile(r"人大|人民|政府|政协|委|党委|法院|检察院|纪委|监委")


def _verb_then_organ(word: str, rest: str) -> bool:
    """Tell a place-like name that is a verb and a body's name starting at the suffix: "提交市人大常委会"
    is 提交 and 市人大常委会, no place 提交市."""
    suffix = next(s for s in _PLACE_SUFFIXES if word.endswith(s))
    stem = list(jieba.posseg.cut(word[: len(word) - len(suffix)]))
    # "报给市政府", "呈报给市政府": 给/向/到 before a body's name mark whom something goes to.
    verb = bool(stem) and ((len(stem[-1].word) >= 2 and stem[-1].flag == "v") or stem[-1].word[-1] in "给向到往")
    return verb and _ORGAN_AFTER.match(rest) is not None


def place_tails(text: str) -> set[str]:
    """Return every string of a text that _unknown_place may look up: 1..MAX_PLACE_STEM Han characters and a suffix.

    A table of these answers "does any report write this tail?" exactly as scanning every text would.
    """
    found = set()
    for suffix in _PLACE_SUFFIXES:
        at = text.find(suffix)
        while at >= 0:
            start = at
            while start > 0 and at - start < MAX_PLACE_STEM and "\u4e00" <= text[start - 1] <= "\u9fff":
                start -= 1
                found.add(text[start : at + len(suffix)])
            at = text.find(suffix, at + 1)
    return found


def _tails(word: str) -> list[str]:
    """Return the word and its shorter endings that keep a character before the place suffix."""
    suffix = next(s for s in _PLACE_SUFFIXES if word.endswith(s))
    return [word[i:] for i in range(len(word) - len(suffix))]


def topic_of(question: str, scope: Scope) -> str:
    """Drop the names and year that chose the reports: within them they only favour title lines."""
    if scope.sources is None or not scope.places:
        return question
    topic = normalise_question(question)
    for name in sorted((*scope.places, *scope.locators), key=len, reverse=True):
        topic = topic.replace(name, " ")
    if scope.year is not None:
        topic = re.sub(rf"{scope.year}\s*年?度?", " ", topic)
    return topic if any(ch.isalnum() for ch in topic) else question
