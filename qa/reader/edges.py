"""The edges of a span cut from a clause: words that lead into a name or follow it, and marks.

A name asked for is cut between the question's words; what is left at its edges ("由", "担任",
"，") belongs to the sentence, not to the name.
"""
from __future__ import annotations

import re

MAX_NAME = 40  # characters of a name at most
# Words at the edge of a gap that belong to the sentence, not to the name.
_LEAD = re.compile(r"^(?:如|并|特邀|特聘|成员|人员|的|了|为|是|叫|叫做|即|由|在|于|对|向|将|把|从|以|通过|包括|包含|涉及|围绕|聚焦|采取|采用|"
                   r"经|被|给|与|同|和|及|赴|到|去|前往|走进|进入|设在|位于|任命|聘请|邀请|请|更名为|命名为|称为|纳入|划入|提交|"
                   r"列入|依托|利用|运用|推广|推广运用|建立|成立|设立|组建|形成|构建|制定|印发|出台|开展|推进|实施|落实|建成|打造|实行|执行|"
                   r"作为|成为|担任|列席|参加|出席|组织|共|等|全程|常态化|集中|观看)+")
_TRAIL = re.compile(r"(?:的|了|等|为|(?<!工)作为?|担任|任|负责|牵头|参与|组成|人员组成|共同|一起|参观学习|开展|进行|常态化|组织开展|组织召开|"
                    r"举办|举行|召开)+$")
_BREAK = re.compile(r"[、，,：:；;“”‘’《》()（）]")
_COMMA = re.compile(r"[，,：:；;]")


def _word_end(clause: str, end: int) -> int:
    """Extend a matched head noun to the end of its word ("会" -> "会议")."""
    while end < len(clause) and clause[end] in "议室所局院站点中心处厅馆":
        end += 1
    return end


def _trim(clause: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim the words that lead into or follow a name in its sentence, and punctuation."""
    edges = _strip_edges(clause, start, end)
    if edges is None:
        return None
    start, end = edges
    piece = clause[start:end]
    lead = _LEAD.match(piece)
    if lead and lead.end() < len(piece):
        start += lead.end()
    piece = clause[start:end]
    trail = _TRAIL.search(piece)
    if trail and trail.start() > 0:
        end = start + trail.start()
    return _strip_edges(clause, start, end)


def _lead_trimmed(clause: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim only the words that lead into a phrase: its last words are its own ("…群众参与")."""
    lead = _LEAD.match(clause[start:end])
    return _strip_edges(clause, start + lead.end() if lead and start + lead.end() < end else start, end)


def _strip_edges(clause: str, start: int, end: int) -> tuple[int, int] | None:
    """Strip separators, a closing mark at the start and an opening mark at the end (“…” left of a cut)."""
    while start < end and clause[start] in "，,：:；、 ”’》)）":
        start += 1
    while end > start and clause[end - 1] in "，,：:；、 “‘《(（":
        end -= 1
    return (start, end) if end > start else None
