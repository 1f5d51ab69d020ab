"""Names a clause marks, titles 《…》 and quoted names “…”, and the noun asked that follows them.

"“华南声谷”创新产业园", "“东区发布”微信公众号", "“一票否优”制": a quoted name is often followed by the
noun the question asks for, and answers with it.
"""
from __future__ import annotations

import re

import jieba.posseg

from qa.reader.questions import Question

_MARKED = re.compile(r"《[^》]{1,60}》|“[^”]{1,40}”|‘[^’]{1,40}’|\"[^\"]{1,40}\"")
NOUN_GAP = 2  # characters of a compound between a quoted name and the noun asked ("微信" of 微信公众号)
MAX_QUOTED_GAP = 12  # characters between a quoted name and its noun asked, at most
QUOTED_GAP_UNSAID = 5  # of them, characters the question does not say ("全方位优化" of “1+4+8”全方位优化营商环境工作体系)
MAX_PREFIX = 6  # characters of nouns between a verb and a quoted name that are the name's own ("光明科学城“工业上楼”论坛")
MAX_WHOLE_PREFIX = 24
_LEVEL = re.compile(r"^[全本各]?(?:省|市|区|县|镇|乡|街道|村|社区|镇街|基层)?级?$")


def marked_names(clause: str) -> list[tuple[int, int]]:
    """Return the spans of titles (with their 《》, as titles are written) and quoted names (inside the quotes)."""
    return [m.span() if m.group().startswith("《") else (m.start() + 1, m.end() - 1) for m in _MARKED.finditer(clause)]


def with_quotes(clause: str, span: tuple[int, int]) -> tuple[int, int]:
    """Widen a name to the quotes around it, when it is quoted (“东区发布”)."""
    start, end = span
    quoted = start > 0 and clause[start - 1] in "“‘" and clause[end : end + 1] in "”’"
    return (start - 1, end + 1) if quoted else span


def called_noun(question: Question) -> str:
    """Return the noun a "叫什么名字" question names the thing by ("课堂" of "培训课堂叫什么名字"), or ""."""
    if not (question.wants_name and not question.head and question.left):
        return ""
    last = question.left[-1]
    joined = "".join(question.left[-2:])
    # "公众号叫什么": a noun the tokenizer cut ("公众"+"号") is called by as written.
    return joined if len(last) == 1 and len(question.left) > 1 and joined in question.text else last


def noun_after_quote(question: Question, clause: str, quote: int, head: str) -> int | None:
    """Return where the noun asked (`head`) ends when it follows a closing quote at `quote`, right after it or
    after a few characters ("“华南声谷”创新产业园") or the question's words ("“1+4+8”全方位优化营商环境工作体系")."""
    if quote >= len(clause) or clause[quote] not in "”’\"":
        return None  # the name ends the clause
    if not head:
        return quote + 1  # "“太湖e”综合服务中心叫什么": the words the question says of it follow (see said_after)
    at = clause.find(head, quote + 1, quote + 1 + MAX_QUOTED_GAP + len(head))
    if at < 0:
        return None
    gap = clause[quote + 1 : at]
    if "等" in gap or "的" in gap:
        return None  # "“…学院”等平台", "“…”的三级联动学法体系": the kind of the things listed, or what the quote qualifies
    for word in sorted({*question.left, *question.right} - {""}, key=len, reverse=True):
        gap = gap.replace(word, "")
    return at + len(head) if len(gap) <= QUOTED_GAP_UNSAID else None


def said_after(question: Question, clause: str, at: int) -> int:
    """Return where the question's words written one after another from `at` end ("综合"+"服务中心")."""
    words = sorted({*question.left, *question.right, question.head} - {""}, key=len, reverse=True)
    while True:
        word = next((w for w in words if len(w) >= 2 and clause.startswith(w, at)), None)
        if word is None:
            return at
        at += len(word)


def short_head(head: str, clause: str, at: int) -> bool:
    """Tell whether a quoted name is followed by the first character of a two-character noun asked, alone
    ("“一票否优”制" for 制度): the noun said short."""
    return len(head) == 2 and clause[at : at + 1] == head[0] and not "\u4e00" <= clause[at + 1 : at + 2] <= "\u9fff"


def name_prefix(clause: str, quote: int, whole: bool = False) -> int:
    """Return where a quoted name with its noun starts: at its opening quote (`quote`), or before the nouns
    that stand between a verb and it ("组织开展|光明科学城“工业上楼”论坛"), a level word aside ("全区").
    A full name asked (`whole`: 全称) runs back over joined nouns to 的 or a verb ("…为成员的|卫生健康系统
    法治建设和“八五”普法工作领导小组")."""
    pairs = list(jieba.posseg.cut(clause[:quote]))
    size = 0
    for k in range(len(pairs) - 1, -1, -1):
        word, flag = pairs[k].word, pairs[k].flag
        if whole and (flag.startswith(("n", "a")) or flag == "vn" or word in ("和", "及", "与")) and size + len(word) <= MAX_WHOLE_PREFIX:
            size += len(word)
            continue
        if (flag.startswith("v") or whole) and size:
            return quote - size
        if not flag.startswith("n") or _LEVEL.match(word) or size + len(word) > MAX_PREFIX:
            return quote
        size += len(word)
    return quote - size if whole else quote
