"""Cut the items of an inline enumeration from a clause ("公众参与、风险评估、合法性审查、集体讨论决定").

A clause may hold two enumerations ("…等中心工作同部署、同推进、同落实"), a list may run into
the question's own words, and items may be titles or quoted names side by side: the rules here
find where the asked enumeration starts and stops.
"""
from __future__ import annotations

import re
from typing import Sequence

import jieba
import jieba.posseg

from qa.reader.figures import chinese_number
from qa.reader.questions import Question
from qa.reader.edges import _strip_edges
from qa.reader.marked import marked_names, with_quotes
from qa.reader.spans import _LEADING_FLAGS, _ITEM_SEP, _found, _restates, gap_span
from qa.reader.whereabouts import ASKS_PLACE, place_of

# Verbs that lead into an enumeration ("依托…、…", "包括…、…").
_LEAD_VERBS = "通过|依托|利用|运用|借助|包括|包含|涉及|围绕|聚焦|采取|采用|实行|推行|构建|打造|形成"
_LEAD_VERB = re.compile(_LEAD_VERBS)
_ITEM_LEAD = re.compile(rf"^(?:[一二三四五六七八九十]+、|\d+[、.．])?(?:充分|积极|深入|广泛|主动)?(?:了|从|{_LEAD_VERBS}|以|由|用|有|是|为|即|对|在|将|把|如|坚持)*")
# A numbered slogan in quotes: “四个亲自” stands for four items that each say 亲自, “三有” for three with 有.
_SLOGAN = re.compile(r"“([一二两三四五六七八九十]+)个?([\u4e00-\u9fff]{1,3})”")
# "由哪些人组成" asks the members a clause puts between 由 and 组成.
_ASKS_MAKEUP = re.compile(r"由.{0,4}(?:哪些|哪几|什么)[^，,。？?]{0,6}(?:组成|构成)")
_MADE_OF = re.compile(r"由([^，,。；;由]{4,40}?)(?:共同)?(?:组成|构成)")
_ITEMS_END = re.compile(r"等|均|分别|[一二两三四五六七八九十\d]+(?:个|项|种|类|大|方面|家)")


_PLUS_JOINED = re.compile(r"(?<=[\u4e00-\u9fff])[+＋](?=[\u4e00-\u9fff])")


def items_span(question: Question, clause: str) -> tuple[int, int] | None:
    """Return the span of an inline enumeration ("公众参与、风险评估、合法性审查、集体讨论决定") in a clause.

    Titles or quoted names side by side (“法律保障”“经济创新”) count as items too. The first
    item starts after the question's words; the last ends before 等 or a count ("五个方面").
    """
    clause = _PLUS_JOINED.sub("、", clause)  # "统一集中学法+部门不定期学法": items joined by +, same positions
    made = _MADE_OF.search(clause) if _ASKS_MAKEUP.search(question.text) else None
    if made is not None and _ITEM_SEP.search(made.group(1)):
        return made.span(1)  # "由哪些人组成": the members between 由 and 组成, however the question orders its words
    names = marked_names(clause)
    runs = _runs_of_names(clause, names)
    marker = re.match(r"[一二三四五六七八九十]+、|\d+[、.．]", clause)
    body_start = _enumeration_start(question, clause, marker.end() if marker else 0)
    if "、" in clause[body_start:]:
        first = clause.find("、", body_start)
        segment = max((body_start + m.end() for m in re.finditer(r"[，,：:；]", clause[body_start:first])), default=body_start)
        opening = clause.rfind("“", segment, first)
        quoted = opening >= 0 and "”" not in clause[opening:first] and clause.find("”", first) > 0
        segment = opening + 1 if quoted else segment  # “服务零距离、工作零差错…”: the list is the quote
        whole = clause
        if quoted:  # and nothing after its closing quote is of it ("“…规则意识”贯穿到推动发展、维护稳定")
            clause = clause[: clause.find("”", first) + 1]
        # The question's words before the first item cut it only where words remain before the 、.
        # A verb of the question may open the first item ("整合人民调解、…" asked "整合了哪几类").
        cuts = [e for b, e in _found(question.left, clause)
                if segment <= e and first - e >= 2 and (e - segment >= 4 or clause[b:e] in question.verbs)]
        # The word right before the question word opens the list ("公开|行政执法主体、…" for
        # "要公开哪些内容"); the question's other words inside the first item ("执法") do not cut it.
        last = [e for _, e in _found(question.left[-1:], clause) if e in cuts]
        cuts = last or cuts
        begin = _item_start(clause, first, max([segment, *cuts]))
        # "白沙镇充分利用“3·15”…、…": the items start after the verb that leads into them, wherever it stands.
        leads = [m.end() for m in _LEAD_VERB.finditer(clause, begin, first) if first - m.end() >= 2]
        begin = leads[-1] if leads else begin
        # Words the first item holds too ("社区" of 鹤山社区) are the items' kind, not what follows them.
        said = [w for w in (*question.left, *question.right) if len(w) >= 2 and w not in clause[begin:first]]
        named_things = re.findall(r"“([^”]{2,20})”", question.text)
        last, cut_short = _last_separator(clause, first, named_things)
        stop = _item_stop(clause, last)
        closed = not cut_short and stop < len(clause) and _ITEMS_END.match(clause, stop) is not None
        # "参考率、通过率和优秀率" asked "哪几个率": the noun ends every item, not the list.
        suffix = bool(question.head) and question.head in clause[begin:first]  # or starts it: "同部署、同推进"
        named = clause.find(question.head, last) if question.head and not suffix else -1
        if clause.count("《", last, max(named, 0)) > clause.count("》", last, max(named, 0)):
            named = -1  # the noun inside a title ("《…的决定(草案)》") is the title's, not the list's end
        if 0 <= named < stop:
            stop = named + len(question.head)  # "…公正原则办理审批事项" asked "哪些原则": the list ends at 原则
        if quoted:
            stop = min(stop, clause.find("”", last))  # a quoted list ends at its quote
        later = [at for at in (clause.find(w, last) for w in said) if at >= last + 3 and clause[at:].strip("，,。；") not in said]
        # "…法治教育网组织干部学法" asked "依托哪些平台组织干部学法": the list ends before 组织, unless
        # 等 closes it after those words ("微信群意见征集等方式" asked "征集意见用了哪些办法").
        # "…、领导干部任前法律知识考试制度" asked "哪几项领导干部学法制度": an item ending in the noun asked
        # holds the question's words as its kind; they do not end the list.
        head = question.head
        ends_in_head = len(head) >= 2 and clause[:stop].endswith(head[-2:]) and not clause[:stop].endswith(head)
        stop = stop if closed or ends_in_head else min([stop, *later])
        begin = _parallel_items(clause, begin, stop, question.head)
        span = _strip_edges(clause, begin, stop)
        while span and _dangling(clause[span[0] : span[1]]):
            span = _strip_edges(clause, span[0], span[1] - 1)
        if span and span[1] - span[0] >= 4 and not _restates(question, clause[span[0] : span[1]]):
            return _without_head(question, clause, span)
        clause = whole
    if runs:
        return with_quotes(clause, runs[0])  # “扫楼”“五经普”, each item in its quotes
    headed = _headed_items(question, clause)
    if headed is not None:
        return headed
    # Two items joined by 和 ("前往乐昌监狱和韶关市粮食安全廉政教育馆"): the gap, when it holds a join.
    gap = gap_span(question, clause)
    if gap is not None and ASKS_PLACE.search(question.text):
        gap = place_of(clause, gap)
    if gap is not None:
        gap = _joined_to_next_head(question, clause, gap)
        items = [i for i in _ITEM_SEP.split(clause[gap[0] : gap[1]]) if i]
        if 2 <= len(items) <= 4 and all(len(i) >= 2 for i in items):
            return _without_head(question, clause, gap)
    return None


def slogan_asked(question: Question) -> bool:
    """Tell whether a list question asks for the items of a numbered slogan ("“四个亲自”是哪几个")."""
    return _SLOGAN.search(question.text) is not None


def slogan_span(question: Question, clause: str) -> tuple[int, int] | None:
    """Return the items a numbered slogan asked of stands for ("重点工作亲自部署、重大问题亲自过问、…" for
    “四个亲自”): that many items in a row that each hold its word; None when the clause has no such run."""
    slogan = _SLOGAN.search(question.text)
    count = chinese_number(slogan.group(1)) if slogan else None
    if not count:
        return None
    word = slogan.group(2)
    pieces = [(m.start(), m.end()) for m in re.finditer(r"[^、，,；;：:。]+", clause)]
    for i in range(len(pieces) - count + 1):
        run = pieces[i : i + count]
        beside = pieces[i - 1 : i] + pieces[i + count : i + count + 1]
        # The whole run: a longer one ("四个亲自" as three of them) is another slogan's.
        if all(word in clause[a:b] for a, b in run) and not any(word in clause[a:b] for a, b in beside):
            lead = _ITEM_LEAD.match(clause[run[0][0] : run[0][1]])
            return _strip_edges(clause, run[0][0] + (lead.end() if lead else 0), run[-1][1])
    return None


def _headed_items(question: Question, clause: str) -> tuple[int, int] | None:
    """Return items joined by 和/及/与 that each end in the noun asked ("上传教师资格证书和中等职业学校
    毕业证书电子证照" asked "哪几类证书"), wherever the question's own words stand."""
    head = question.head
    if len(head) < 2:
        return None
    item = rf"[^，,。；;：:、和及与]{{1,20}}?{re.escape(head)}"
    match = re.search(rf"{item}(?:(?:和|及|与|以及){item})+", clause)
    if match is None:
        return None
    first_end = clause.find(head, match.start()) + len(head)
    # The question's words inside the first item lead into the items ("…纳入了|目标管理考核").
    start = max([match.start(), *(e for s, e in _found(question.left, clause) if match.start() <= s and e < first_end)])
    lead = _ITEM_LEAD.match(clause[start:first_end])
    start += lead.end() if lead else 0
    for pair in jieba.posseg.cut(clause[start : match.end()]):
        if pair.flag not in _LEADING_FLAGS:
            break
        start += len(pair.word)  # "上传|教师资格证书": the verb leading into the items
    return _strip_edges(clause, start, match.end())


def _joined_to_next_head(question: Question, clause: str, gap: tuple[int, int]) -> tuple[int, int]:
    """Run a gap that ends in the noun asked on to the next item ending in it ("目标管理考核和机关干部
    年度考核" asked "哪些考核"): each item names the noun, and the join says another follows."""
    head = question.head
    if not head or not clause[gap[0] : gap[1]].endswith(head):
        return gap
    join = re.match(r"和|及|与|以及", clause[gap[1] :])
    if join is None:
        return gap
    stop = re.search(r"[，,。；;：:]", clause[gap[1] :])
    at = clause.find(head, gap[1] + join.end(), gap[1] + stop.start() if stop else len(clause))
    return (gap[0], at + len(head)) if at > 0 else gap


def _parallel_items(clause: str, begin: int, stop: int, head: str = "") -> int:
    """Start the list at a title when the items after it are titles ("…干部学习《安全生产法》、《信访条例》"):
    items of one enumeration share their form, so words before the first title are not an item."""
    items = clause[begin:stop].split("、")
    k = len(items) - 1
    while k > 0 and re.fullmatch(r"《[^《》]+》", items[k]):
        k -= 1
    if k < len(items) - 1 and re.search(r"《[^《》]+》$", items[k]):
        return begin + sum(len(item) + 1 for item in items[:k]) + items[k].rfind("《")
    # So do items of one length ("…检察机关集中受理、信息通报、提前介入"): an item well longer than the two or
    # more after it holds words that are not of the list, and the items before it are another list's.
    size = len(items[-1]) - (len(head) if head and items[-1].endswith(head) else 0)  # "提前介入|机制"
    k = len(items) - 1
    while k > 0 and len(items[k - 1]) == size:
        k -= 1
    bracketed = any(ch in clause[begin:stop] for ch in "(（")  # "业务骨干(含农服、平安、村环…)": a list inside an item
    if len(items) - k >= 2 and k > 0 and 2 <= size <= 6 and len(items[k - 1]) >= size + 3 and not bracketed:
        return begin + sum(len(item) + 1 for item in items[:k]) - size - 1
    return begin


def _without_head(question: Question, clause: str, span: tuple[int, int]) -> tuple[int, int]:
    """Drop the noun the question asks for from the end of a list ("科学、民主、依法原则" -> "科学、民主、依法")."""
    head = question.head
    items = _ITEM_SEP.split(clause[span[0] : span[1]])
    if not head or all(head in item for item in items):
        return span  # "参学率、报考率、通过率" asked "哪几个率": the noun is each item's own
    if clause[span[0] : span[1]].endswith(head) and span[1] - span[0] > len(head) + 2:
        # "人民调解、司法调解、行政调解资源" asked "哪几类调解资源": what the other items end in stays.
        shared = next((k for k in range(len(head) - 1, 0, -1) if all(i.endswith(head[:k]) for i in items[:-1])), 0)
        end = span[1] - len(head) + shared
        return span[0], end - (not shared and clause[end - 1 : end] == "的")  # "…部门自学的形式": 的 ties on the kind
    return span


def _dangling(items: str) -> bool:
    """Tell whether a list ends in a lone function character ("…和", "…的"), not a word's last one ("参与")."""
    if items[-1:] not in set("在于的为和及与"):
        return False
    last = list(jieba.cut(items))[-1]
    return len(last) == 1


def _runs_of_names(clause: str, names: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return stretches of two or more marked names joined by nothing, 、 or 和."""
    runs: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    count = 0
    for start, end in names:
        between = clause[current[1] : start].strip("“”‘’\"") if current else ""
        if current and _ITEM_SEP.fullmatch(between or "、") is not None and start - current[1] <= 3:
            current, count = (current[0], end), count + 1
            continue
        if current and count >= 2:
            runs.append(current)
        current, count = (start, end), 1
    if current and count >= 2:
        runs.append(current)
    return runs


def _item_start(clause: str, first_sep: int, floor: int) -> int:
    """Return where the first item of an enumeration starts: after the words that lead into it."""
    lead = _ITEM_LEAD.match(clause[floor:first_sep])
    return floor + (lead.end() if lead else 0)


def _enumeration_start(question: Question, clause: str, start: int) -> int:
    """Return where the enumeration to read starts: after the question's verbs when they lead into the
    rest of its second item ("区委、区政府主要负责同志主持召开区委常委会会议、…" asked "主持召开了哪些会议"); a
    later one of titles or quoted names each of which holds the noun asked for, when the first does not
    ("座谈会、微信群意见征集等方式对《…条例(草案)》、《…办法(草案送审稿)》" asked "哪些草案")."""
    first = clause.find("、", start)
    second = clause.find("、", first + 1) if first >= 0 else -1
    verbs = [w for w in question.left if w in question.verbs]
    inside = [e for s, e in _found(verbs, clause)
              if second > 0 and s - first >= 2 and second - e >= 2 and not _ITEMS_END.search(clause, e, second)]
    if inside:
        return max(inside)
    head = question.head
    if not head or first < 0:
        return start
    stop = _item_stop(clause, _last_separator(clause, first)[0])
    if head in clause[start:stop]:
        return start
    later = re.compile(r"[《“]").search(clause, stop)
    if later is None or "、" not in clause[later.start():]:
        return start
    at = clause.find("、", later.start())
    end = _item_stop(clause, _last_separator(clause, at)[0])
    items = clause[later.start() : end].split("、")
    return later.start() if all(head in item for item in items) else start


def _last_separator(clause: str, first_sep: int, named: Sequence[str] = ()) -> tuple[int, bool]:
    """Return the last 、 of the enumeration that starts at first_sep, and whether a name the question
    quotes closed it; 等, a count or that name close it ("乡村振兴、安全生产、民生保障等中心工作同部署、同推进" holds two, the first is
    asked; "法治靖边、法治政府、法治社会“一规划两方案”、…" asked of 一规划两方案 ends before it)."""
    last = first_sep
    for sep in re.finditer("、", clause[first_sep + 1 :]):
        at = first_sep + 1 + sep.start()
        item = clause[last + 1 : at]
        if _ITEMS_END.search(item):
            break
        if any(item.find(w) >= 2 for w in named):
            return last, True
        last = at
    return last, False


def _item_stop(clause: str, last_sep: int) -> int:
    """Return where the last item ends: at 等, a count, or the end of the clause."""
    rest = clause[last_sep + 1 :]
    match = _ITEMS_END.search(rest)
    return last_sep + 1 + (match.start() if match else len(rest))


_ASKED_COUNT = re.compile(r"哪([两二三四五六七八九十])")


def asked_count(question: str) -> int | None:
    """Return how many items a question asks for ("哪三个方向", "“四个亲自”是哪几个" -> 3, 4), or None."""
    match = _ASKED_COUNT.search(question) or _SLOGAN.search(question)
    return chinese_number(match.group(1)) if match else None


def item_count(items: str) -> int:
    """Return how many items an enumeration holds: quoted names side by side, or parts between separators."""
    quoted = re.findall(r"“[^”]+”|《[^》]+》", items)
    if len(quoted) >= 2 and not re.sub(r"“[^”]+”|《[^》]+》|[、和及与\s]", "", items):
        return len(quoted)
    return len([part for part in _ITEM_SEP.split(items) if part.strip("“”《》")])
