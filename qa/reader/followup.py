"""Turn a follow-up question into one that stands alone, from the questions asked before it.

In a conversation people ask "那春城街道呢？" after "田镇街道2024年调处矛盾纠纷多少件", or
"成功率呢？": the place, the year or the subject is carried over from the last question.
A question with its own place and subject is left as it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from qa.reader.questions import ASK_NUMBER, analyse
from qa.retrieval.scope import locates_next

_LEAD = re.compile(r"^(?:那么|那在|那个|那|还有|另外|再问一下|再问|请问|换成|换到|改成|要是|如果是|如果)+")
# A year said relative to the last question's ("2024年…" then "去年呢？" asks 2023).
_RELATIVE_YEAR = {"前年": -2, "去年": -1, "上一年": -1, "上年": -1, "头一年": -1, "次年": 1, "第二年": 1, "明年": 1, "后一年": 1}
_TRAIL = re.compile(r"(?:的情况|情况|呢|吗|呀|啊|[？?。.！!\s])+$")
_ASKS = re.compile(r"多少|几|哪|什么|谁|怎|如何|是否|有没有|何时|多久|吗")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
# A body of a place named before it ("交通局", "司法局", "城管局", "区政府").
_ORGAN = re.compile(r"[\u4e00-\u9fff]{0,5}(?:局|委员会|委|办公室|办|厅|政府|党组)")
# A follow-up that names one of these asks about the previous subject ("成功率呢" -> 调处矛盾纠纷成功率).
_ATTRIBUTE = re.compile(r"(?:率|比例|占比|比重|金额|数量|人数|次数|增幅|降幅|同比|环比)$")
_TAIL = re.compile(
    r"(?:一共|总共|共计|共|累计)?(?:是|有|为|达到|达)?(?:多少|几)\w{0,3}$"
    r"|(?:主要)?(?:是|有)?(?:什么|哪些|怎样|如何|何时|哪天)\w{0,2}$"
)
MAX_LOCATOR = 8  # the most characters of parent places written before a named one
_SUBSET = re.compile(r"^(?:其中|最后|最终|后来|随后)")
_BODIES = r"(?:乡镇|镇街|街镇|街道|镇|乡|区县|区|县|市|单位|部门|卫健局|局|机关|地方|地|报告)"
# "这两个街道", "这三家", "这几个乡镇": the last so many places the conversation named.
_THESE = re.compile(rf"这(?P<n>[两三四五几])(?!个?年)(?:个|家|地)?{_BODIES}?|(?P<m>[两三四五])(?:个|家|地|份){_BODIES}|(?P<e>两)边")
# "…对比一下", "列一下": a comparison that asks no question of its own asks the last question's.
_COMPARES = re.compile(r"对比|比较|比一比|比比|列一下|列出")
_BOTH_YEARS = re.compile(r"这两年|这两个年份|这两个年度|两个年度")
_THAT_YEAR = re.compile(r"那一?年|当年|同年|这一?年")
# Joins a follow-up to the question whose scene it asks within; the reader answers the part after it.
SCENE_BREAK = "？"
_OWNER = re.compile(r"^(?:它|其|他们|它们|这个|该)的?|^(?:其中)")


@dataclass(frozen=True)
class FollowUp:
    """A question made to stand alone.

    Attributes:
        text: the standalone question.
        within_scene: the question asks within the last question's scene ("其中办结了多少？"):
            `text` asks both, and only its last part is to be answered.
    """

    text: str
    within_scene: bool = False


# "另外问一下，", "换个话题，": a lead-in clause that only says a new question follows.
_ASIDE = re.compile(r"^(?:(?:另外|再|顺便|还|我)?(?:想)?(?:问一下|问问|问下|打听一下|请教一下)|换个(?:话题|地方|问题|单位|部门)|"
                    r"(?:好的?|好吧|行|嗯|谢谢|明白了?)(?:，|,)?(?:再|还|另外)?(?:问一下|问问)?)[，,：:]\s*")


def without_aside(question: str) -> str:
    """Drop a lead-in that only says a new question follows ("另外问一下，…"): it asks nothing itself."""
    rest = _ASIDE.sub("", question.strip(), count=1)
    return rest if rest.strip() else question


def resolve(question: str, history: Sequence[str], places: Sequence[str]) -> str:
    """Return resolve_followup(...).text: the follow-up rewritten to stand alone."""
    return resolve_followup(question, history, places).text


def without_carried_year(standalone: str, question: str) -> str | None:
    """Drop from a rewritten follow-up the years it took from the conversation, not from the question
    ("宁安镇呢？" after "棣棠乡2023年…": 宁安镇's reports may be of another year); None when it took none."""
    said = {m.group(1) for m in _YEAR.finditer(question)}
    carried = [m for m in _YEAR.finditer(standalone) if m.group(1) not in said]
    if not carried:
        return None
    return _YEAR.sub(lambda m: "" if m.group(1) not in said else m.group(0), standalone)


def resolve_followup(question: str, history: Sequence[str], places: Sequence[str]) -> FollowUp:
    """Rewrite a follow-up into a standalone question, using the earlier questions.

    Args:
        question: the question as asked now.
        history: earlier questions of the conversation, oldest first (as asked or already resolved).
        places: every issuer and place name the index knows.

    Returns:
        The question with the place, year or subject it leaves out taken from the last
        question; the question unchanged when it stands alone or there is no history.
    """
    places = sorted((p for p in places if p), key=len, reverse=True)
    these = _THESE.search(question)
    if these and history and not _places_in(question, places):
        # "这两个街道中心组学习次数对比一下": the last two places the conversation named.
        named = list(dict.fromkeys(p for earlier in history for p in _places_in(earlier, places)))
        if len(named) >= 2:
            count = {"两": 2, "三": 3, "四": 4, "五": 5}.get(these.group("n") or these.group("m") or these.group("e"), len(named))  # 几: all
            return FollowUp(_asking_as_before(question.replace(these.group(), "和".join(named[-count:]), 1), history, places))
    if _BOTH_YEARS.search(question) and history and not _YEAR.search(question):
        # "把这两年的学习次数对比列一下": the last two years the conversation named, of its last place.
        years = list(dict.fromkeys(m.group(1) for earlier in history for m in _YEAR.finditer(earlier)))
        if len(years) >= 2:
            said = _BOTH_YEARS.sub("和".join(f"{year}年" for year in years[-2:]), question, count=1)
            owner = next((p for earlier in reversed(history) for p in _places_in(earlier, places)), "")
            return FollowUp(said if not owner or _places_in(question, places) else owner + said)
    previous = _last_question(history, places)
    if previous is None:
        return FollowUp(question)
    return _resolve(question.strip(), previous, places)


def _last_question(history: Sequence[str], places: Sequence[str]) -> str | None:
    """Return the conversation's last question made to stand alone, each earlier one read against the one before."""
    previous: str | None = None
    for earlier in history:
        if earlier and earlier.strip():
            previous = earlier.strip() if previous is None else _resolve(earlier.strip(), previous, places).text
    return previous


def _asking_as_before(question: str, history: Sequence[str], places: Sequence[str]) -> str:
    """Give a comparison that asks nothing ("这两个地方的宣讲场次对比一下") the last question's question word:
    "…，各几场" after "…宣讲了几场？", "…，各是谁" after "…组长是谁？"."""
    if _ASKS.search(question) or not _COMPARES.search(question):
        return question
    previous = _last_question(history, places)
    asks = list(_ASKS.finditer(previous or ""))
    if not asks:
        return question
    start = asks[-1].start() - (previous[asks[-1].start() - 1 : asks[-1].start()] == "是")
    return f"{_TRAIL.sub('', question)}，各{_TRAIL.sub('', previous[start:])}"


def _within_scene(question: str, places: Sequence[str]) -> bool:
    core = _TRAIL.sub("", _LEAD.sub("", question))
    if _SUBSET.match(core):
        return not _places_in(core, places)
    # "它的文号是多少" after "…总结是哪天报给市政府的": a mark of the last question's thing, named by
    # nothing but its form, is asked in that question's scene.
    owner = _OWNER.match(core)
    return bool(owner) and not _places_in(core, places) and not analyse(core[owner.end() :], places=places).phrases


def _counts_anew(question: str, previous: str, places: Sequence[str]) -> bool:
    """Tell a follow-up that names nothing new but counts in another unit ("一共开了多少次？" after
    "在几个行政村开了…"): it asks another figure of the same scene."""
    asked = analyse(question, places=places)
    return (asked.kind == "number" and not asked.phrases and asked.unit is not None
            and not _places_in(question, places) and analyse(previous, places=places).unit not in (None, asked.unit))


def _scene(question: str, previous: str) -> str:
    """Ask "其中办结了多少？" within the last question: both questions, the last to be answered."""
    core = _TRAIL.sub("", _LEAD.sub("", question))
    return f"{_TRAIL.sub('', previous)}{SCENE_BREAK}{_SUBSET.sub('', core)}"


def _resolve(question: str, previous: str, places: Sequence[str]) -> FollowUp:
    """Resolve a follow-up against the last question: asked within its scene, or standing alone."""
    said = _YEAR.search(previous)
    if said and not _YEAR.search(question):
        question = _THAT_YEAR.sub(f"{said.group(1)}年", question, count=1)  # "房县那年还搞了几次" after "2022年…"
        if not _places_in(question, places):  # "去年呢？": a year counted from the last question's
            for word, step in _RELATIVE_YEAR.items():
                question = question.replace(word, f"{int(said.group(1)) + step}年", 1)
    if _within_scene(question, places) or _counts_anew(question, previous, places):
        return FollowUp(_scene(question, previous), True)
    return FollowUp(_standing_alone(question, previous, places))


def _standing_alone(question: str, previous: str, places: Sequence[str]) -> str:
    """Return the follow-up as a question of its own, with what it leaves out taken from the last one."""
    core = _TRAIL.sub("", _LEAD.sub("", question))
    core = _OWNER.sub("", core)
    named = _places_in(core, places)
    if named and (analyse(core, places=places).comparison or (len(named) > 1 and _ASKS.search(core))):
        # A whole comparison of its own ("把2022年和2024年嘉善县的批示次数列一下", "大盛镇和黄桑乡…分别是谁").
        return question
    year = _YEAR.search(core)
    # Words before the first place named locate it ("中山的东区街道"): they ask nothing.
    rest = core[core.find(named[0]) :] if named and len(core[: core.find(named[0])]) <= MAX_LOCATOR else core
    for place in named:
        rest = rest.replace(place, "")
    rest = _YEAR.sub("", rest).strip("的 ，,")
    if named and _ORGAN.fullmatch(rest):
        rest = ""  # "鹤山市交通局呢？": the body the place names, asked as the last question was
    subject = analyse(rest, places=places).phrases if rest else ()
    # "那2023年那份报告里说的是连续几年": words the last question said already switch only the scope.
    last = analyse(previous, places=places)
    if not subject or set(subject) <= set(last.phrases):
        swapped = _swap_scope(previous, named, year.group(1) if year else None, places)
        return _in_its_unit(swapped, last.unit, core, places)
    if _ASKS.search(core):
        if named:
            return question
        # "那2023年那份报告里说的是连续几年": a year of its own replaces the last question's.
        return _scope_of(previous, places, with_year=year is None) + core
    base = _swap_scope(previous, named, year.group(1) if year else None, places)
    stem, tail = _split_tail(base)
    if _ATTRIBUTE.search(rest):
        # "学法考试的优秀率呢": a measure of a subject of its own, within the last question's scope.
        # So does "那龙溪镇的执法人员持证率呢": a new place, and a measure that names its own subject.
        own = re.search(r"[\u4e00-\u9fff]{2}的", rest) or (named and len(_ATTRIBUTE.sub("", rest)) >= 4)
        stem = _scope_of(base, places) if own else _without_measured(stem, rest)
        return f"{stem}{rest}是多少" if re.search(r"多少|几", tail) or not tail else f"{stem}{rest}{tail}"
    if not tail and re.search(r"多少|几", base):
        tail = "多少"  # "开了多少次党工委扩大会议" then "理论学习中心组学习呢": a count again
    return f"{_scope_of(base, places)}{rest}{_generic_tail(tail)}"


def _without_measured(stem: str, measure: str) -> str:
    """Drop from the last question's subject the word the measure is of ("满意率呢" after "…好差评里非常满意的
    有多少条": the rate of all the ratings, not of 非常满意), so the measure stands in the scene."""
    of = _ATTRIBUTE.sub("", measure)
    at = stem.rfind(of) if len(of) >= 2 else -1
    if at < 0:
        return stem
    # Back to where the subject's words begin: after 里/中/的 or a comma ("好差评里|非常满意的").
    start = max((m.end() for m in re.finditer(r"[里中的，,]", stem[:at])), default=at)
    return stem[:start].rstrip("里中的，,")


def _in_its_unit(question: str, before: str | None, follow_up: str, places: Sequence[str]) -> str:
    """Ask the last question (counting in `before`; its place and year swapped) in the follow-up's unit when
    it counts in another ("那各自培训了几次？" after "…各有多少人次参加？")."""
    now = analyse(follow_up, places=places).unit
    asked = ASK_NUMBER.search(question)
    if not (now and before and now != before and asked and asked.group("unit")):
        return question
    return question[: asked.start("unit")] + now + question[asked.end("unit") :]  # "各有多少人次参加" -> "各有多少次参加"


def _swap_scope(previous: str, named: Sequence[str], year: str | None, places: Sequence[str]) -> str:
    """Put the new place and year into the previous question, replacing its own."""
    result = previous
    if named:
        old = _places_in(previous, places)
        before = previous.find(old[0]) if old else 0
        if 0 < before <= MAX_LOCATOR and not re.search(r"\d", previous[:before]):
            result = result[before:]  # "湖北荆门市…" then "杭州西湖区的呢": the old place's parents go with it
        if old:
            # "长治市人社局呢？" after "宛城区人社局…": the new name brings its own body; the old one's goes.
            organ = _ORGAN.match(previous, before + len(old[0])) if _ORGAN.search(named[0]) else None
            result = result.replace(old[0] + (organ.group() if organ else ""), named[0], 1)
            for extra in old[1:]:
                result = result.replace(extra, "")
        else:
            result = named[0] + result
    if year:
        if _YEAR.search(result):
            result = _YEAR.sub(lambda m: f"{year}年" + ("度" if m.group(0).endswith("度") else ""), result, count=1)
        else:
            place = _places_in(result, places)
            at = result.find(place[0]) + len(place[0]) if place else 0
            result = f"{result[:at]}{year}年{result[at:]}"
    return result


def _scope_of(question: str, places: Sequence[str], *, with_year: bool = True) -> str:
    """Return the place and year a question opens with ("田镇街道2024年"), as written."""
    named = _places_in(question, places)
    year = _YEAR.search(question) if with_year else None
    return "".join(named) + (f"{year.group(1)}年" if year else "")  # "滨江区西兴街道": every place, in order


def _split_tail(question: str) -> tuple[str, str]:
    """Split a question into its subject and the question words that end it."""
    question = _TRAIL.sub("", question)
    tail = _TAIL.search(question)
    if tail is None:
        return question, ""
    return question[: tail.start()], tail.group(0)


def _generic_tail(tail: str) -> str:
    """Keep the kind of question but not a unit that may not fit the new subject ("多少件" -> "多少")."""
    if re.search(r"多少|几", tail):
        return "多少"
    return tail or "是什么"


def _places_in(text: str, places: Sequence[str]) -> list[str]:
    """Return the known places named in text, in order, without overlaps and without a place said only to
    locate the next ("西湖区的古荡街道", "杭州西湖区": 古荡街道, 西湖区)."""
    spans: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    for place in places:
        for m in re.finditer(re.escape(place), text):
            if not any(taken[m.start() : m.end()]):
                taken[m.start() : m.end()] = [True] * len(place)
                spans.append((m.start(), m.end(), place))
    starts = {start for start, _, _ in spans}
    kept = [(start, place) for start, end, place in spans if not locates_next(text, end, starts)]
    return list(dict.fromkeys(place for _, place in sorted(kept)))
