"""Cut the span a question asks for out of a matched clause: a name, a frequency, a list's items.

The question is aligned to the clause: its content words before the question word are
found in the clause, and so are the words after it (or the noun the answer must end with);
the answer is the gap between them ("司法所全程列席|街道党政联席会议|制度" for "司法所要全程列
席什么会"). Titles (《…》) and quoted names (“…”) are names as the report itself marks them,
so a gap that holds or touches one answers with it. Everything works on cleaned clause text
and returns [start, end) offsets into it.
"""
from __future__ import annotations

import functools
import re
from typing import Sequence

import jieba.posseg

from qa.reader.figures import find_ordinals, find_years
from qa.reader.report_marks import DOCUMENT_NUMBER
from qa.reader.edges import _BREAK, _COMMA, MAX_NAME, _lead_trimmed, _trim, _word_end
from qa.reader.persons import _OFFICE, _name_after_office, _person, holder
from qa.reader.kinds import DESTINATIONS, DOCUMENTS, HONOURS, PLATFORMS, kind_shown, noun_phrase_end, place_names_end
from qa.reader.questions import Question
from qa.reader.words import sole_tag
from qa.reader.shapes import frequency_span, negation_span
from qa.reader.whereabouts import place_span
from qa.reader.frames import framed_span
from qa.reader.marked import NOUN_GAP, called_noun, marked_names, name_prefix, noun_after_quote, said_after, short_head, with_quotes

_ITEM_SEP = re.compile(r"、|和|及|以及|与")
_YEAR_OF = re.compile(r"哪一?年的|哪个年度的")  # "按的是哪一年的工作要点": the year a document is of
UNSAID_LEAD = 2  # characters the question does not say between a quoted name and its words that follow ("专项")
_NOT_A_NAMES_WORD = re.compile(r"[^\u4e00-\u9fff]|[的地得为是等和与及之以在对把将]")
QUALIFIED_NOUN = 6  # characters between a qualifier's 的 and the question's first word ("分层分类")


def _found(words: Sequence[str], clause: str) -> list[tuple[int, int]]:
    """Return the spans where the question's words stand in the clause; a long word may stand in part."""
    spans = []
    for word in words:
        at = clause.find(word)
        if at >= 0:
            spans.append((at, at + len(word)))
        elif len(word) >= 3:
            for size in range(len(word) - 1, 1, -1):
                piece = next((word[i : i + size] for i in range(len(word) - size + 1) if word[i : i + size] in clause), None)
                if piece:
                    at = clause.find(piece)
                    spans.append((at, at + size))
                    break
    return spans


def gap_span(question: Question, clause: str) -> tuple[int, int] | None:
    """Return the span between the question's words before and after the question word, or None."""
    left = _found(question.left, clause)
    right_words = [*question.right, *([question.head] if question.head else [])]
    right = _found(right_words, clause)
    head = _found([question.head], clause) if question.head else []
    # Between the word right before the question word and one after it ("以争创|什么|为抓手"), the gap
    # holds the name even when other words of the question stand inside it ("省级法治政府建设示范区").
    start = max((e for _, e in left), default=0)
    last = _found(question.left[-1:], clause)
    if last and any(s >= last[0][1] for s, _ in right):
        start = last[0][1]
    # The first of the question's later words that stands after the gap closes it ("警示教育", not
    # the "教育" of an earlier "廉政教育馆"), so a name holding a later word stays whole.
    after = [s for s, _ in right if s >= start]
    end = after[0] if after else len(clause)
    if not head and not after and _closed_elsewhere(question, clause):
        return None
    if head:
        h_start, h_end = head[0]
        if h_start >= start:
            end = _word_end(clause, h_end)
    elif not after and left and len(clause) - start <= 1:
        # The name comes before the words the question puts first ("司法所所长任办公室主任",
        # "在辖区吴山广场组织开展“宪法与浙江”…"): the stretch right before them, back to a break;
        # else the longest stretch of the clause the question does not say.
        first = min(s for s, _ in left)
        while first > 0 and clause[first - 1] in "“‘《(（\"":
            first -= 1  # the words the question puts first may be quoted: the name stands before the quote
        # "党委领导、警种齐抓、全警参与的…工作格局": a phrase that qualifies the noun with 的 runs back
        # over its own 、 and quotes, to the clause's start or a comma.
        # "“党工委引领、…”的分层分类学习体系": the qualifier's 的 may stand a few characters before.
        de = clause.rfind("的", max(0, first - QUALIFIED_NOUN), first)
        if de >= 0 and not _BREAK.search(clause, de, first):
            first = de + 1
        qualifies = clause[first - 1 : first] == "的"
        begin = max((m.end() for m in (_COMMA if qualifies else _BREAK).finditer(clause, 0, first)), default=0)
        span = _lead_trimmed(clause, begin, first - 1) if qualifies else _trim(clause, begin, first)
        # A name marked between the question's words ("郝铁川作《…》专题讲座") is the unsaid part itself.
        between = any(first < s and e <= start and not any(ls <= s < le for ls, le in left) for s, e in marked_names(clause))
        if span and 2 <= span[1] - span[0] <= MAX_NAME and not between:
            return span
        return _unsaid(clause, left + right)
    span = _trim(clause, start, end)
    if span is None and left and after:
        # "以护航…维稳工作为主线" asked "工作以什么为主线": the question's word is the answer's own end.
        begin = max((m.end() for m in _BREAK.finditer(clause, 0, min(s for s, _ in left))), default=0)
        span = _trim(clause, begin, end)
    return span if span and span[1] - span[0] <= MAX_NAME else None


def _closed_elsewhere(question: Question, clause: str) -> bool:
    """Tell whether the words after the question word are all missing here ("…目录放在哪里公开" at
    "形成…规范性文件目录"): the gap they close is in another clause, not before the clause's words."""
    closing = _closing(question)
    return bool(closing) and not any(w in clause for w in closing)


def _closing(question: Question) -> list[str]:
    """Return the verbs after the question word ("公开" of "放在哪里公开"): they close the gap."""
    return [w for w in question.right if len(w) >= 2 and w != question.head and (w in question.verbs or _adverbial(w))]


@functools.lru_cache(maxsize=4096)
def _adverbial(word: str) -> bool:
    """Tell a word jieba reads as an adverbial verb ("公开"), which closes a gap as a verb does."""
    return sole_tag(word) == "ad"


def entity_span(question: Question, clause: str) -> tuple[int, int] | None:
    """Return the span of the name, frequency or short fact the question asks for in a clause;
    the year written in it when the question asks which year's document it is ("哪一年的工作要点")."""
    span = _entity_span(question, clause)
    if span is not None and not question.asks_person:
        span = with_quotes(clause, span)  # “流动法治服务队”: the name as the report marks it
    title = next((m.span() for m in re.finditer(r"《[^》]{1,60}》", clause) if span is not None
                  and m.start() <= span[0] and span[1] <= m.end() and span != m.span()), None)
    if title is not None and not _YEAR_OF.search(question.text):
        return title  # "百年法治大事记" inside 《中国共产党百年法治大事记》: the whole title names it
    if span is not None and _YEAR_OF.search(question.text):
        # "…2024年…情况及2025年度工作思路" asked "哪一年的工作思路": the year written before the thing asked.
        words = [w for w in (*question.left, *question.right, question.head) if len(w) >= 2]
        before = [y for y in find_years(clause) if any(clause.startswith(w, y[1]) for w in words)]
        if len(before) == 1:
            return before[0]
        years = find_years(clause[span[0] : span[1]])
        if len(years) == 1:
            return span[0] + years[0][0], span[0] + years[0][1]
    return span


def _entity_span(question: Question, clause: str) -> tuple[int, int] | None:
    if question.frequency:
        return frequency_span(clause)
    if question.shape == "yes-no":
        return negation_span(clause)
    framed = framed_span(question, clause)
    if framed is not None and not (question.asks_person and holder(question, clause) is not None):
        return framed  # "由谁担任组长" is the role's holder (persons.holder), not just who does something
    noun, shown = kind_shown(question.head)
    showing = shown.search(clause) if noun in (*HONOURS, *PLATFORMS, *DESTINATIONS) and noun not in clause else None
    if showing is not None:
        # "获评|全省首批校外培训清朗环境试点区", "依托|镇便民服务中心|推行…", "赴|英国伦敦|研学": what follows it,
        # its noun phrase or its place names; an honour holds verbs (示范) and runs on.
        end = (place_names_end(clause, showing.end()) if noun in DESTINATIONS
               else noun_phrase_end(clause, showing.end()) if noun in PLATFORMS else len(clause))
        return _trim(clause, showing.end(), end)
    if question.shape == "document number":
        match = DOCUMENT_NUMBER.search(clause)
        return match.span() if match else None
    if question.shape == "ordinal":
        found = find_ordinals(clause)
        if not found:
            return None
        # "第几督导组": the ordinal keeps the noun the question counts in, where the report writes it.
        noun = re.search(r"第几([\u4e00-\u9fff]{1,4})", question.text)
        start, end = found[0]
        named = noun.group(1) if noun else ""
        if named[:1] and clause[start:end].endswith(named[:1]):
            named = named[1:]  # "第几号令": 号 is the ordinal's own, 令 follows it ("第232号令")
        for size in range(len(named), 0, -1):
            if clause.startswith(named[:size], end):
                return start, end + size
        # "第几次依法治县会议" of "依法治县第四次会议": the question's noun may stand around the ordinal.
        asked = question.text[noun.start(1) :] if noun else ""
        before = next((size for size in range(8, 1, -1) if start >= size and clause[start - size : start] in asked), 0)
        after = next((size for size in range(6, 1, -1) if clause[end : end + size] in asked and len(clause) >= end + size), 0)
        return (start - before, end + after) if before else (start, end)
    nouns = [w for w in question.left[-2:] if len(w) >= 2 and w not in question.verbs]
    if question.wants_name and nouns and not any(w in clause for w in nouns):
        return None  # "…综合服务中心叫什么": a clause that names none of it cannot name it
    gap = gap_span(question, clause)
    if gap is not None and question.head and clause[gap[0] : gap[1]] == question.head:
        gap = None  # "以《理论“兴”课堂》…为载体" asked "依托什么载体": the noun is not the name
    if question.asks_person:
        held = holder(question, clause)
        if held is not None:
            return held
        # "带队参加旁听庭审的区长叫什么" in "区长曲海富带队参加…": the name after the office asked of.
        for word in (w for w in (*question.left, *question.right) if _OFFICE.search(w) and w in clause):
            at = clause.find(word)
            stop = _BREAK.search(clause, at + 1)
            office = (at, stop.start() if stop else len(clause))
            found = _person(clause, office)
            if found == office:
                found = _name_after_office(question, clause, at + len(word))
            if found is not None:
                return found
        return _person(clause, gap) if gap is not None else None  # a person is never the quoted name beside
    placed = place_span(question, clause, gap)
    if placed is not None:
        return placed
    names = marked_names(clause)
    compound = _named_noun(clause, question.head) if _names_kind(question.head) else None
    compound = compound and _trim(clause, *compound)
    if compound is not None and compound[1] - compound[0] <= len(question.head):
        compound = None  # "为载体": the noun alone names nothing
    if (compound is not None and gap is not None and gap[1] == compound[1] and compound[0] < gap[0]
            and sum(w in clause[compound[0] : gap[0]] for w in question.left) <= 1):
        # "市局执法监督管理委员会" asked "哪个委员会": the compound runs back past a word of the question
        # inside it; past several ("政企通平台升级至2.0版本") they are the scene before the name.
        gap = compound
    if names:
        touching = [n for n in names if gap is not None and n[0] <= gap[1] and n[1] >= gap[0]]
        # A brand in quotes with its noun right after ("“太湖e”综合服务中心") is named whole.
        whole = "全称" in question.text or "全名" in question.text
        if whole:
            # "议事规则全称是什么": the name that holds the words the question knows of it.
            known = [w for w in (*question.left, *question.right) if len(w) >= 2]
            holding = [n for n in names if known and all(w in clause[n[0] : n[1]] for w in known)]
            if holding:
                return holding[0]
        # "培训课堂叫什么名字": a quoted name ending in the noun asked of (“法学课堂”) is the name.
        called = called_noun(question)
        kind, _ = kind_shown(question.head or called)
        titles = [n for n in names if clause[n[0]] == "《"] if kind in DOCUMENTS else []
        if titles:
            # "出台的重大行政决策制度文件叫啥": of the titles, the one holding most of the question's words.
            known = [w for w in (*question.left, *question.right) if len(w) >= 2]
            return max(titles, key=lambda n: sum(w in clause[n[0] : n[1]] for w in known))
        headed = [
            n for n in names if called and (clause[n[0] : n[1]].rstrip("》").endswith(called)
                                            or called in clause[n[1] : n[1] + 1 + len(called) + NOUN_GAP]
                                            or noun_after_quote(question, clause, n[1], called))
        ] or [
            n for n in names if question.head and (
                clause[n[0] : n[1]].rstrip("》").endswith(question.head)
                or question.head in clause[n[1] : n[1] + 1 + len(question.head) + NOUN_GAP]  # “东区发布”微信公众号
                or short_head(question.head, clause, n[1] + 1))  # “一票否优”制 for 什么制度
        ]
        if not headed and compound is not None and not any(s <= compound[0] < e for s, e in names):
            return compound  # "修订区园林绿化局“三定”规定" asked "哪个局": the 局, not the quoted term
        if headed:
            start, end = headed[0]
            noun = noun_after_quote(question, clause, end, question.head or called) if clause[end : end + 1] in "”’\"" else None
            if noun is not None:
                noun_end = max(_word_end(clause, noun), said_after(question, clause, end + 1))
                return name_prefix(clause, start - 1, whole), noun_end  # “优秀”等次, “…”专项行动, “华南声谷”创新产业园: quoted, with its noun
            return with_quotes(clause, (start, end))
        for n in names:
            end = n[1] + 1
            if clause[n[1] : n[1] + 1] == "”":
                # "“微宣讲、走基层”专项宣传" asked "…宣传活动叫什么": the question's words after it, a short word before them.
                end = next((said for lead in range(0, UNSAID_LEAD + 1)
                            if not _NOT_A_NAMES_WORD.search(clause[n[1] + 1 : n[1] + 1 + lead])
                            and (said := said_after(question, clause, n[1] + 1 + lead)) > n[1] + 1 + lead), end)
            if end > n[1] + 1:
                return n[0] - 1, _word_end(clause, end)
        if touching:
            return touching[0]
        if gap is None and ((question.wants_name and (not called or called in clause))
                            or (question.head and question.head in clause)):
            return names[0]  # "以《理论“兴”课堂》机关学习会为载体" for "依托什么载体"
    if question.wants_name and question.left:
        noun = clause.find(question.left[-1])  # "…综合服务中心叫什么": a clause without the noun named cannot name it
        beside = [n for n in names if noun >= 0 and 0 <= noun - n[1] <= 3]
        if beside:
            return beside[-1]  # "观看《越界》等警示教育片"
        named = _named_noun(clause, question.left[-1])
        if named is not None and not (gap is not None and clause[gap[1] : gap[1] + 1] == "的"):
            return named  # unless the gap qualifies the noun ("党委统筹、部门协同的…格局")
    if question.head and question.head in clause and (gap is None or question.head not in clause[gap[0] : gap[1]]):
        # "联系局里哪个处" in "请与市人社局法规处联系": the name written into the noun asked for.
        named = _named_noun(clause, question.head)
        # "全县27个部门" counts the kind asked of; a name holds no count.
        if named is not None and not re.search(r"\d|[一二两三四五六七八九十几多]+个", clause[named[0] : named[1]]):
            return _trim(clause, *named) or gap
    return gap


def naming_neighbour(question: Question, units: Sequence, i: int) -> int | None:
    """Return the clause of clause i's sentence that holds what the answer names, when clause i does not.

    "在哪个项目决策时搞了多轮意见征集" matches "经过多轮意见征集与专家研讨", but the name is in the
    clause before ("如在15分钟公共服务配套提升项目决策过程中"); "副组长由谁担任" matches the clause
    naming the group, and the holder stands two clauses on ("镇长和政法委员为副组长"), or two before.
    """
    asks_holder = question.asks_person
    lists = question.kind == "list"
    # "目录放在哪里公开" matches "形成…规范性文件目录", and the gap closes before 公开 in the next clause.
    closing = _closing(question)
    if any(w in units[i].text for w in closing):
        closing = []  # the gap closes in clause i itself
    called = called_noun(question)
    often = question.frequency  # "领导小组多久开一次会": how often is said in a clause of its own
    if not question.head and not asks_holder and not lists and not closing and not called and not often:
        return None

    # "编了本什么辅助读物": a document is named by its title, whichever clause names its kind.
    document = not lists and kind_shown(question.head or called)[0] in DOCUMENTS

    def names_it(text: str) -> bool:
        if document:
            return "《" in text
        if lists and "、" in text:
            return not _restates(question, text)  # "在官方微博微信、办事大厅显示屏等" beside "推送解读文章、公益视频"
        return (_holds_head(question.head, text) or (asks_holder and holder(question, text) is not None)
                or (not lists and not asks_holder and bool(closing) and all(w in text for w in closing))
                or (bool(called) and any(text[a:b].endswith(called) for a, b in marked_names(text)))
                or (often and frequency_span(text) is not None))

    if names_it(units[i].text):
        return None
    for j in (i - 1, i + 1, i + 2, i - 2, i + 3, i - 3):
        if 0 <= j < len(units) and units[j].sentence == units[i].sentence and names_it(units[j].text):
            return j
    return None


def _holds_head(head: str, text: str) -> bool:
    """Tell whether text holds the noun asked; a one-character noun only where it ends a word ("…工作组,"
    for 什么组, not 副组长)."""
    if len(head) != 1:
        return bool(head) and head in text
    return any(not "\u4e00" <= text[at + 1 : at + 2] <= "\u9fff" for at in (m.start() for m in re.finditer(head, text)))


_INNER_BRACKET = re.compile(r"(?<=[\u4e00-\u9fff])[(（][\u4e00-\u9fff]{1,6}[)）](?=[\u4e00-\u9fff])")
_LEADING_FLAGS = ("a", "ad", "d", "v", "vd", "vn", "p", "c", "x")  # verbs, adverbs, marks before a name ("高效运作")


def _names_kind(head: str) -> bool:
    """Tell whether an asked noun names a kind of body or thing ("委员会", "局"), not a bare character ("会")."""
    return len(head) >= 2 or (len(head) == 1 and head in "局处科所院站室厅馆社")


def _named_noun(clause: str, noun: str) -> tuple[int, int] | None:
    """Return the name written into a noun ("镇和为贵调解室" for 调解室): back from the noun to a break,
    less the words leading to it that are no noun ("重新修订区园林绿化局" -> "区园林绿化局")."""
    at = clause.find(noun)
    if at <= 0 or clause[at - 1] in "为是的":
        return None  # "…为载体": the noun is what the thing before serves as, not a name's end
    # "重庆天亿(涪陵)律师事务所": a bracket right before the noun is the name's own.
    inside = max(clause.rfind("(", 0, at), clause.rfind("（", 0, at)) if clause[at - 1] in ")）" else at
    # "青年(涉外)律师成长学院": a short bracket inside a name is the name's own too.
    before = _INNER_BRACKET.sub(lambda m: "口" * len(m.group()), clause[:inside])
    start = max((m.end() for m in re.finditer(r"[、，,：:；“”‘’《》()（）]|通过|利用|依托|建立|设立|成立", before)), default=0)
    # "专门聘请江苏承匠律师事务所": a name that starts with a place starts after the verb before it.
    pairs, at_pair = list(jieba.posseg.cut(clause[start:at])), start
    for pair, following in zip(pairs, pairs[1:]):
        at_pair += len(pair.word)
        if pair.flag in ("v", "vd") and following.flag == "ns":
            start = at_pair
    for pair in jieba.posseg.cut(clause[start:at]):
        if pair.flag not in _LEADING_FLAGS or start + len(pair.word) >= at:
            break
        start += len(pair.word)
    return (start, at + len(noun)) if at - start >= 1 and at + len(noun) - start <= MAX_NAME else None


def _restates(question: Question, items: str) -> bool:
    """Tell whether a list only repeats the question's own words ("推送解读文章、公益视频" asked
    "在哪些渠道推送解读文章和公益视频"): it is the question's scene, not its answer."""
    words = [w for w in (*question.left, *question.right) if len(w) >= 2]
    said = sum(len(w) for w in words if w in items)
    return said * 5 >= len(items.replace("、", "")) * 3


def _unsaid(clause: str, said: list[tuple[int, int]]) -> tuple[int, int] | None:
    covered = [False] * len(clause)
    for s, e in said:
        for i in range(s, e):
            covered[i] = True
    best, start = None, None
    for i in range(len(clause) + 1):
        if i < len(clause) and not covered[i]:
            start = i if start is None else start
        elif start is not None:
            span = _trim(clause, start, i)
            if span and (best is None or span[1] - span[0] > best[1] - best[0]):
                best = span
            start = None
    return best if best and best[1] - best[0] <= MAX_NAME else None


