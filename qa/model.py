"""Values that flow through the pipeline: reports, sections, passages, hits, answers.

Every value is a frozen dataclass so it can be shared between threads and sessions
without copying. Offsets are character offsets into ``Report.text``, the report as
read (decoded but not cleaned), so anything shown to a user can be cut from the
report's own words.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SECTION_SEPARATOR = " > "


@dataclass(frozen=True)
class ReportInfo:
    """What a report says about itself: who issued it, for which year, when.

    Attributes:
        source: the report's file path as given to the reader (relative to the corpus folder when indexed).
        title: the title as written, lines joined ("田镇街道 2024 年度法治政府建设情况报告").
        issuer: the issuing body ("四平市铁西区人民政府", "田镇街道").
        places: place names in the issuer with their short forms, longest first
            ("四平市", "铁西区", "铁西"); used to tell look-alike reports apart.
        year: the year reported on (not the publication year); None when the report never says.
        published: the date of the signature block as written ("2025年1月3日"), or None.
        sha256: hash of the file's bytes, so a rebuild can skip unchanged reports.
    """

    source: str
    title: str
    issuer: str
    places: tuple[str, ...] = ()
    year: int | None = None
    published: str | None = None
    sha256: str = ""

    @property
    def name(self) -> str:
        """Return the short label users see: issuer and year ("田镇街道 2024年")."""
        return f"{self.issuer} {self.year}年" if self.year else self.issuer


@dataclass(frozen=True)
class Section:
    """One heading of the official hierarchy 一、 > （一） > 1. > （1）.

    Attributes:
        path: headings from the top level down to and including this one, cleaned.
        level: 1 for 一、, 2 for （一）, 3 for 1. / 1、, 4 for （1）.
        start: offset in Report.text where the heading starts.
        end: offset where the section (heading and body, before the next heading of
            the same or a higher level) ends.
    """

    path: tuple[str, ...]
    level: int
    start: int
    end: int

    @property
    def heading(self) -> str:
        return self.path[-1]


@dataclass(frozen=True)
class Passage:
    """A retrieval unit: whole sentences of one section, sized for the embedding model.

    Attributes:
        source: the report's source path (ReportInfo.source).
        section: heading path of the innermost section holding it; () before the first heading.
        text: cleaned text (whitespace and punctuation variants normalised) used for search.
        start: offset in Report.text of the passage's first character.
        end: offset just past its last character; Report.text[start:end] is the passage as written.
    """

    source: str
    section: tuple[str, ...]
    text: str
    start: int
    end: int

    @property
    def section_label(self) -> str:
        return SECTION_SEPARATOR.join(self.section)


@dataclass(frozen=True)
class Report:
    """A parsed report: its words as read, its metadata, section tree and passages."""

    info: ReportInfo
    text: str
    sections: tuple[Section, ...]
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class ReadFailure:
    """A file that could not be read (or was read with a warning), with the reason and the fix.

    Attributes:
        path: the file, relative to the corpus folder.
        reason: what is wrong and what to do about it.
        indexed: True for a warning: the report was indexed all the same.
    """

    path: str
    reason: str
    indexed: bool = False


@dataclass(frozen=True)
class Hit:
    """One search result, best first in a list.

    Attributes:
        text: the passage as written in the report.
        score: fused relevance, higher is better; comparable only within one search.
        source: the report's file path.
        report: issuer and year ("田镇街道 2024年").
        section: heading path joined by " > ".
        passage: the passage itself, with offsets, for answer extraction.
    """

    text: str
    score: float
    source: str
    report: str
    section: str
    passage: Passage = field(repr=False)


@dataclass(frozen=True)
class Quote:
    """A verbatim span of a report shown as evidence.

    Attributes:
        text: exact substring of the report as written.
        source: the report's file path.
        report: issuer and year.
        section: heading path joined by " > ".
        answer_span: (start, end) of the direct answer inside ``text``; None when the
            quote is evidence without a marked answer.
        start: offset of the quote in the report's text.
    """

    text: str
    source: str
    report: str
    section: str
    answer_span: tuple[int, int] | None = None
    start: int = 0


@dataclass(frozen=True)
class Answer:
    """The reply to a question.

    Attributes:
        question: the question as understood: capped in length, traditional characters
            folded to simplified.
        text: the direct answer as written in the report ("806件"); None when the
            reports hold none or the question asks for text rather than a figure
            and no short form exists.
        found: False when the reports do not answer the question ("not found").
        quotes: evidence, best first; when not found, the nearest passages as related reading.
        rows: for comparison questions, and questions whose parts are answered from different reports,
            one Answer per report (per part); empty otherwise.
        kind: "number", "date", "list", "text", "comparison" or "none".
    """

    question: str
    text: str | None
    found: bool
    quotes: tuple[Quote, ...] = ()
    rows: tuple["Answer", ...] = ()
    kind: str = "text"
