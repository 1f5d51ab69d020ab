"""Show what the parser made of a report: its metadata and section tree, for `python -m qa inspect`."""
from __future__ import annotations

from collections import Counter

from qa.model import Report

_INDENT = "  "


def describe(report: Report) -> str:
    """Return a plain-text summary of a report so a person can check the parse at a glance.

    Args:
        report: a parsed report.

    Returns:
        Metadata lines, then one line per section indented by level with the number of
        passages it holds itself ("[2 passages]"), the preamble first.
    """
    info = report.info
    counts = Counter(p.section for p in report.passages)
    lines = [
        f"source:    {info.source}",
        f"title:     {info.title}",
        f"issuer:    {info.issuer}",
        f"places:    {'、'.join(info.places) or '-'}",
        f"year:      {info.year if info.year is not None else '-'}",
        f"published: {info.published or '-'}",
        f"sha256:    {info.sha256 or '-'}",
        f"size:      {len(report.text)} characters, {len(report.sections)} sections, "
        f"{len(report.passages)} passages",
        "",
        f"(preamble) {_count(counts[()])}",
    ]
    for section in report.sections:
        lines.append(f"{_INDENT * section.level}{section.heading} {_count(counts[section.path])}")
    return "\n".join(lines)


def _count(n: int) -> str:
    return f"[{n} passage{'' if n == 1 else 's'}]"
