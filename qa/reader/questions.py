"""Read a question once into the value the reader works from.

A question is read into what it asks for and the words it asks with: the kind of answer
(a figure, a date, a name, the items of a list, a description), the unit it counts in, the
noun a name must end with ("什么会" wants a 会议), the content words on either side of the
question word (they locate the answer in a clause: the answer is the gap between them), and
the parts of a question that asks two things ("多少场…多少人次？"). Places, years and
filler words locate the question; they never count as wording a clause must hold.
Content words come from jieba, so "一共出具了几份意见书" gives 出具 and 意见书, not
"一共出具".
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import Iterable

import jieba
import jieba.posseg

from qa.ingest.cleaning import clean
from qa.reader.figures import UNITS
from qa.reader.kinds import MEANS
from qa.reader.wording import asks_person, written_question_words
from qa.reader.words import BY_MEANS, CLASSIFIER, LOCATIVES, STOP_TOKENS, content_words, is_verb, opens_with_deed

jieba.setLogLevel(logging.WARNING)

KINDS: tuple[str, ...] = ("number", "date", "entity", "list", "text")

_UNIT = "|".join(re.escape(u) for u in UNITS)
_COMPARISON = re.compile(
    r"对比|比较|列(?:一下|出)|各个|各(?:街道|乡镇|镇|乡|区县|区|县|市|单位|部门|地区?|报告|份报告)|所有(?:的)?(?:报告|街道|单位|地区)"
    r"|每(?:个|一个|份)(?:报告|街道|单位|乡镇|地区|区县)"
    r"|哪(?:些|几个)(?:报告|街道|地区|区县|乡镇)(?!的)"
)
# Place names above a known one ("山东省淄博市高青县" before 田镇街道) locate, they do not describe.
_PARENT_PLACES = re.compile(r"(?:[\u4e00-\u9fff]{1,8}?(?:省|自治区|自治州|市|州|盟|地区|区|县|旗))+(?=\|)")
# Words before the first known place at the start of a question locate it ("重庆巫溪" before 通城镇).
_LEADING_LOCATOR = re.compile(r"^(?:\|*[\u4e00-\u9fff]{2,8}(?=\|))+")
_YEAR = re.compile(
    r"(?:19|20)\d{2}\s*年度?|今年以来|今年|去年|明年|本年度?|上一?年度?|全年|(?<!哪)(?<!哪个)(?<!哪一)年度|这一年|一年来|一年里|(?<!哪)一年"
    r"|当年|那一?年|目前|现在|截至目前|近年来"
)
# The question word, with a light verb before it and a unit after it ("共有多少名" -> unit 名).
ASK_NUMBER = re.compile(
    r"(?:一共|总共|共计|合计|累计|共)?(?:是|有|为|达到|达|约|了)?(?:百分之)?(?:多少|几|多高)(?P<unit>" + _UNIT + r")?"
)
_ASK_SHARE = re.compile(r"的?(?:比例|比率|百分比|占比)(?=(?:是|为|有|达到|达|约)?(?:多少|几)|$)")
_ORGAN = re.compile(r"(?<=\|)([\u4e00-\u9fff]{1,8}?(?:局|委员会|委|办公室|人民政府|政府|办事处|中心))")
# The organ a known place names ("白云区委", "区政府" after 白云) locates too.
_PLACE_ORGAN = re.compile(r"(?<=\|)(?:党委|党工委|区委|县委|市委|人民政府|政府|委)")
_INTENT = re.compile(r"(?<=\|)(?:计划|打算|准备|拟)(?![有是的中为和与及])")
_WH = re.compile(r"百分之多少|多少|多高|几|哪|什么|啥|谁|何时|多久|多长时间|怎么|怎样|如何|是否|有没有|没有(?=[？?])")
# A question asked yes or no ("有没有被法院撤销的？", "发现问题没有？"): the answer is what the report says of it.
_YES_NO = re.compile(r"有没有|是否|是不是|没有[？?]*$|吗[？?]*$")
_DATE_WORDS = re.compile(r"哪(?:一)?天|(?<!第)几号(?![令文])|什么时候|什么时间|何时|日期|几月几[日号]|哪(?:一|几|个|两|三)?年(?!的[\u4e00-\u9fff])|哪个月|多会儿|什么年份")
_LIST_WORDS = re.compile(r"哪些|些什么|哪[几两三四五六七八九十]|分别是(?!谁)|包括什么|有何|存在.{0,8}(?:不足|问题|差距|短板)|(?:计划|安排|打算|举措|措施)(?:有|是)")
_NUMBER_WORDS = re.compile(r"多少|多高|几|比例|比率|占比|百分之|金额|数量|人数|次数|件数|场次数|[^\W\d_]率")
_ENTITY_WORDS = re.compile(r"什么(?!样)|啥|哪(?!些|几)|谁|多久|多长时间|叫|名字|名称|全称|全名")
# Money asked in everyday words ("花了多少钱"): the answer is in 元, and the words say no topic.
_ASK_MONEY = re.compile(r"(?:花|花了|花费了?|用了|投了)?多少钱")
_FREQUENCY_WORDS = re.compile(r"多久|多长时间|频次|频率|每隔|每(?:周|月|星期)(?:几|哪天|哪一天)|周几|星期几")
# Answers of a fixed written form, asked for by what the question names.
_SHAPE_WORDS = (
    ("document number", re.compile(r"文号|字号|发文号|几号文|什么号文")),
    ("ordinal", re.compile(r"第几|第多少|排名(?:怎么样|如何|情况)|排在?(?:什么|哪)|(?:什么|哪个)位置|名次")),
    ("year", re.compile(r"哪(?:一|个|两|三)?年(?!\d*月)(?!的[\u4e00-\u9fff])|什么年份|哪个年度")),
    ("until", re.compile(r"截至|截止|为止|到哪(?:一)?天|到什么时候")),
    ("since", re.compile(r"从哪(?:一)?天|(?:哪一?天|什么时候)(?:开始|起)")),
)
_NAME_WORDS = re.compile(r"名字|名称|全称|全名|叫什么|叫啥|题目|标题|主题|(?:怎么|如何)(?:表述|概括|说的|讲的|提的)|提法")
# Words around a question word that ask rather than say: a question's own scaffolding.
_ASK_OTHER = re.compile(
    r"(?:主要|具体)?(?:做法|举措|措施)(?=有|是|包括|为|$)|请问|叫做?(?:什么|啥)|什么样的?|什么|怎么样|怎样|怎么|如何|哪(?:一)?天|什么时候|何时"
    r"|哪些|哪几|哪个|哪家|哪位|哪里|哪儿|哪|是否|有没有|是不是|有何|吗|呢|么|啥|谁|多久|多长时间"
    r"|提到|提及|谈到|讲到|说到|涉及到|表述|概括|提法|没有(?=[？?]*$)"
)
_PARTICLES = re.compile(r"了(?!解)|(?<![目])的(?!确)")
_BOUNDS = ("until", "since")  # shapes of a date question only: "截至2024年，…几年" asks a count
# A last part that only names what changes ("…？线上呢？").
_ECHO = re.compile(r"[？?]\s*([^？?]{1,12}?)呢[？?]?\s*$")
# Two things asked the same of each: "A和B分别…几次", "A、B各是多少".
_EACH = re.compile(r"(?:和|与|及|、)(?P<b>[\u4e00-\u9fff“”《》]{2,12}?)(?:分别|各自|各(?=[^，,；;？?]{0,3}(?:多少|几)))(?P<rest>[^，,；;？?]*)")
_PART_BREAK = re.compile(r"[？?，,；;、]|以及|还有|并且|同时|另外|又|和|与|及")
# Nouns that say a name is wanted without saying of what kind.
_GENERIC_HEADS = ("名", "名字", "名称", "全称", "全名", "内容", "东西", "情况", "地方", "时候", "日子", "样子", "题目", "标题", "主题", "表述", "概括", "提法")


@dataclass(frozen=True)
class Question:
    """A question read for answering.

    Attributes:
        text: the question as asked.
        kind: "number", "date", "entity", "list" or "text": the form of the direct answer.
        comparison: True when the question asks across reports ("各街道", "哪些报告").
        terms: content words, then their character bigrams.
        phrases: the content words alone, longest first.
        unit: the unit the question asks in ("件" for "多少件"), or None.
        focus: the content words of the part of the question that holds the question word
            ("行政诉讼" in "诉讼案件里，行政诉讼有几起"): they weigh more than the rest.
        left, right: the content words before and after the question word, in order: the
            answer in a clause is the gap between them.
        head: the noun the answer names ("会" in "列席什么会", "律师事务所" in "哪家律师事务所"); "".
        wants_name: the question asks what something is called ("叫什么名字", "全称").
        parts: each question of a question that asks two or more; empty for one.
        verbs: the content words that are verbs ("拿到", "改名"): a report says the same deed
            in its own verb, so a verb it never writes does not mean it holds no answer.
        asked: this part's own wording without places and years ("覆盖率多少" of
            "办了多少场？覆盖率多少？"): what decides its unit.
        shape: a fixed written form the answer takes: "frequency" (每季度), "document number"
            (城中政办函〔2025〕19号), "ordinal" (第三批), "year" (2023年度), "until" / "since" (the
            date a period ends or starts: 截至…, 自…起), "yes-no" (有没有…, …没有？: what the report
            says of it, "没有出现…"); "" for none.
        counted: the noun a number question counts ("委办局" in "有几个委办局参与"): the figure
            written right before it ("17个委办局") is the one asked for; "" for none.
    """

    text: str
    kind: str
    comparison: bool
    terms: tuple[str, ...]
    phrases: tuple[str, ...] = ()
    unit: str | None = None
    focus: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    head: str = ""
    wants_name: bool = False
    parts: tuple["Question", ...] = ()
    verbs: tuple[str, ...] = ()
    asked: str = ""
    shape: str = ""
    counted: str = ""

    @property
    def asks_person(self) -> bool:
        """Tell whether the answer is a person ("谁", "哪位领导"): a name with its title, never a quoted name."""
        return asks_person(self.asked or self.text)

    @property
    def frequency(self) -> bool:
        """Tell whether the question asks how often ("多久一次", "每周几")."""
        return self.shape == "frequency"

    @property
    def bigrams(self) -> tuple[str, ...]:
        """Return the terms matched for coverage: bigrams, plus one-character words."""
        return tuple(t for t in self.terms if len(t) == 2 or (len(t) == 1 and t in self.phrases))


def analyse(text: str, *, places: Iterable[str] = ()) -> Question:
    """Read a question's kind, parts and content words.

    Args:
        text: the question as asked.
        places: issuer and place names to leave out of the words.

    Returns:
        The Question; its terms are empty when nothing but places and question words was asked.
    """
    cleaned = written_question_words(clean(text).text)
    comparison = bool(_COMPARISON.search(cleaned))
    body = _COMPARISON.sub("|", cleaned)
    names = sorted({clean(p).text for p in places if p}, key=len, reverse=True)
    for place in names:
        # "静海区长" names the 区长 of 静海区: the place goes, the office stays.
        if place[-1] in "省市区县镇乡":
            body = re.sub(re.escape(place) + r"(?=长)", "|" + place[-1], body)
        body = body.replace(place, "|")
    body = _PLACE_ORGAN.sub("|", body)
    body = _PARENT_PLACES.sub("|", body)
    body = _LEADING_LOCATOR.sub("|", body)
    body = _ORGAN.sub(lambda m: "|" if any(_abbreviates(m.group(1), name) for name in names) else m.group(), body)
    body = _YEAR.sub("|", body)
    body = _INTENT.sub("|", body)
    pieces = _parts(body)
    echo = _ECHO.search(body)
    if echo and len(pieces) == 1 and _WH.search(body[: echo.start()]) and not _WH.search(echo.group(1)):
        # "为群众提供了多少次法律服务？为企业呢？": the second part asks the first's question of 企业.
        asked = ASK_NUMBER.search(body[: echo.start()]) or _WH.search(body[: echo.start()])
        pieces = [*_parts(body[: echo.start()]), echo.group(1) + asked.group()]
    each = _EACH.search(body) if len(pieces) == 1 and not comparison else None
    if each and _WH.search(each.group("rest")):
        # "学法培训和会前学法分别搞了几次": one question of each thing named before 分别.
        pieces = [body[: each.start("b")].rstrip("和与及、") + each.group("rest"), each.group("b") + each.group("rest")]
    parts = [_read_part(text, piece, comparison) for piece in pieces]
    if len(parts) == 1:
        return parts[0]
    phrases = tuple(dict.fromkeys(p for part in parts for p in part.phrases))
    terms = tuple(dict.fromkeys(t for part in parts for t in part.terms))
    first = parts[0]
    parts = [_with_scene(part, first) for part in parts]
    verbs = tuple(dict.fromkeys(v for part in parts for v in part.verbs))
    return Question(text, first.kind, comparison, terms, phrases, first.unit, first.focus, first.left, first.right,
                    first.head, first.wants_name, tuple(parts), verbs, body, first.shape, first.counted)


def _with_scene(part: Question, first: Question) -> Question:
    """Give a part that names nothing ("总共多少人？") the words of the first part, which set its scene."""
    if part.phrases or part is first:
        return part
    return replace(part, terms=first.terms, phrases=first.phrases, focus=first.focus, left=first.left,
                   right=first.right, verbs=first.verbs)


def _parts(body: str) -> list[str]:
    """Split a question that asks two or more things at the break before each later question word."""
    asks = [m for m in _WH.finditer(body)]
    merged: list[re.Match] = []
    for m in asks:
        if merged and m.start() - merged[-1].end() <= 1:
            continue  # "哪几", "几个方面": one question word
        merged.append(m)
    if len(merged) < 2:
        return [body]
    pieces, start = [], 0
    for previous, ask in zip(merged, merged[1:]):
        breaks = [b for b in _PART_BREAK.finditer(body, previous.end(), ask.start())]
        if breaks:
            marks = [b for b in breaks if not b.group().isalpha()]
            cut = (marks or breaks)[-1]
            pieces.append(body[start : cut.start()])
            start = cut.end()
            continue
        verb = _counted_then_verb(body, previous, ask)
        if verb is None:
            return [body]
        pieces.append(body[start:verb])  # "从多少个部门划了多少项": the second count starts at its verb
        start = verb
    pieces.append(body[start:])
    return pieces if all(_WH.search(p) for p in pieces) else [body]


def _counted_then_verb(body: str, first: re.Match, second: re.Match) -> int | None:
    """Return where a second count's verb starts when two counts are asked without a break between them
    ("从多少个部门划了多少项"), or None."""
    if not (ASK_NUMBER.match(body, first.start()) and ASK_NUMBER.match(body, second.start())):
        return None
    at, verb = first.end(), None
    for word in jieba.cut(body[first.end() : second.start()]):
        if at > first.end() and is_verb(word):
            verb = at  # the last verb: the counted noun before it may hold a character jieba tags a verb (站所)
        at += len(word)
    return verb


def _read_part(text: str, body: str, comparison: bool) -> Question:
    kind = _kind(body)
    unit_match = ASK_NUMBER.search(body)
    unit = unit_match.group("unit") if unit_match and unit_match.group("unit") else None
    money = _ASK_MONEY.search(body) is not None
    if money:
        unit = "元"
    if unit in ("个",) and kind != "number":
        unit = None
    wh = _WH.search(body)
    # "谁入选了…": what follows 谁 is what the person did, not a noun the answer ends with.
    head = _head(body[wh.end():], wh.group() in ("哪", "什么")) if wh and wh.group() != "谁" and kind in ("entity", "list", "text") else ""
    if head and wh and BY_MEANS.search(body[: wh.start()]) and opens_with_deed(body[wh.end():]):
        head = ""  # "靠啥公开村务信息": what follows the means asked is the deed done by it, not its kind
    wants_name = bool(_NAME_WORDS.search(body))
    shape = "frequency" if _FREQUENCY_WORDS.search(body) and not _asks_duration(body) else next(
        (name for name, words in _SHAPE_WORDS if words.search(body) and (name not in _BOUNDS or kind == "date")), "")
    if not shape and kind == "text" and _YES_NO.search(body):
        shape = "yes-no"
    if shape in ("year", "until", "since"):
        kind = "date"
    elif shape or (kind == "text" and wants_name):
        kind = "entity"
    focus_span = _clause_around(body, wh.start() if wh else len(body))
    marked = _ASK_SHARE.sub("|", body)
    for name, words in _SHAPE_WORDS:
        if name == shape:
            marked = words.sub("‖", marked)  # "文号" says the answer's form, not what a clause must hold
    marked = _ASK_MONEY.sub("‖", marked)
    if kind == "date":
        marked = _DATE_WORDS.sub("‖", marked)
    if shape == "frequency" or _asks_duration(body):
        marked = _FREQUENCY_WORDS.sub("‖", marked)  # "每周哪天": the period asked in is no word to match  # "几号" asks a day; its 号 is no word a clause must hold
    marked = ASK_NUMBER.sub("‖", marked)
    marked = _ASK_OTHER.sub("‖", marked)
    marked = _PARTICLES.sub("|", marked)
    gap = marked.find("‖")
    left_words = content_words(marked[:gap] if gap >= 0 else marked)
    right_words = content_words(marked[gap + 1 :]) if gap >= 0 else []
    words = list(dict.fromkeys([*left_words, *right_words]))
    focus = [w for w in words if w in content_words(ASK_NUMBER.sub("‖", _ASK_OTHER.sub("‖", body[focus_span[0] : focus_span[1]])))]
    if len(focus) < 2:
        focus = words  # "…这些事，一共研究了几次": the asking clause leans on the words before it
    phrases = sorted(words, key=len, reverse=True)
    bigrams = [p[i : i + 2] for p in phrases for i in range(len(p) - 1)]
    terms = tuple(dict.fromkeys([*phrases, *bigrams]))
    verbs = tuple(w for w in words if is_verb(w))
    counted = _counted(body[unit_match.end():]) if kind == "number" and unit_match and not money else ""
    if unit == "个" and body[unit_match.end() : unit_match.end() + 1] == "人":
        unit, counted = "人", ""  # "几个人" counts people, in whatever unit of people the report writes (名, 位)
    return Question(text, kind, comparison, terms, tuple(phrases), unit, tuple(focus), tuple(left_words),
                    tuple(right_words), head, wants_name, (), verbs, body, shape, counted)


def _head(after: str, named: bool = False) -> str:
    """Return the noun right after a question word ("会" in "什么会", "律师事务所" in "哪家律师事务所")."""
    if named and after[:1] in "里儿":
        return ""  # "哪里公开": a place is asked, no noun named
    after = re.sub(r"^(?:一|个)?年度?的", "", after)  # "哪一年的称号": the thing whose year is asked
    counted = after[:1] in "几两三四五六七八九十"
    after = re.sub(r"^[一二两三四五六七八九十几\d]+(?=[\u4e00-\u9fff])", "", after)  # "哪两个称号": a count
    # "哪几道程序": 道 counts steps only after a count ("什么道理" names no 道).
    after = after[1:] if len(after) > 1 and (after[:1] in CLASSIFIER or (counted and after[:1] in "道门")) else after
    match = re.match(r"[\u4e00-\u9fff]{1,16}", after)
    if not match:
        return ""
    # "哪部支持民营经济的条例": the noun after the last 的 of the asked phrase is what the answer is.
    phrase = match.group()
    described = phrase.split("的")
    first = next(iter(jieba.posseg.cut(phrase)), None)
    # So is the noun of "哪几部和基层工作贴近的法律法规", described by a phrase opening with 和.
    if len(described) > 1 and 2 <= len(described[-1]) <= 6 and first is not None and first.flag.startswith(("v", "c", "p")):
        phrase = described[-1]
    head = re.split(r"[了的呢吗啊呀是在被由对给为有]", phrase)[0]
    # The noun is the words before the first verb or filler: "载体" of "载体搞", "考核" of "考核里".
    words = []
    whole = next(iter(jieba.cut(head)), "")
    # "等次" is one word though the tagger reads "等" + "次": a word the plain cut keeps whole stays so.
    pairs = [pair for pair in jieba.posseg.cut(head)]
    if len(whole) >= 2 and pairs and len(pairs[0].word) < len(whole) and pairs[0].word in STOP_TOKENS:
        words.append(whole)
        pairs = [p for p in jieba.posseg.cut(head[len(whole):])]
    for k, pair in enumerate(pairs):
        compound = k + 1 < len(pairs) and pairs[k + 1].flag.startswith("n")  # "合同管理办法": 管理 inside a noun
        # "平台公开政务信息": an adverbial verb (公开) after the noun starts what is done with it.
        if pair.word in ("时", "时候", "期间") or (words and pair.flag in ("v", "vn") and not compound) or (words and pair.flag == "ad"):
            break
        if pair.word in STOP_TOKENS and pair.word not in LOCATIVES:
            break
        words.append(pair.word)
    while words and words[-1] in LOCATIVES:
        words.pop()
    means = next((k for k, word in enumerate(words) if word in MEANS), None)
    if means is not None:
        words = words[: means + 1]  # "哪几种方式搭配着来": the means asked, not what is done by it
    head = "".join(words)
    # A unit is no noun after 几 ("几个"), but is one after 哪 ("哪个处" wants …处).
    if not head or head in _GENERIC_HEADS or head in STOP_TOKENS or (_UNIT_RE.fullmatch(head) and not named):
        return ""
    return head


def _counted(after: str) -> str:
    """Return the noun a count is of, right after its unit ("委办局" of "几个委办局搞了", "方面" of "几个方面")."""
    first = next(iter(jieba.cut(after)), "")
    return _head(after) or (first if len(first) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", first) and not is_verb(first) else "")


_UNIT_RE = re.compile(_UNIT)


def _clause_around(body: str, at: int) -> tuple[int, int]:
    """Return the span of the comma-separated part of the question holding position `at`."""
    start = max((m.end() for m in re.finditer(r"[，,；;]", body[:at])), default=0)
    end = next((m.start() + at for m in re.finditer(r"[，,；;？?]", body[at:])), len(body))
    return start, end


def _abbreviates(short: str, name: str) -> bool:
    """Tell whether `short` keeps the characters of `name` in order, as a short form of it does."""
    rest = iter(name)
    return len(short) < len(name) and all(ch in rest for ch in short)


_COUNTED_ITEMS = re.compile(r"[两二三四五六七八九十]个[^，,。？?]{1,8}?(?:是|为|有)(?:什么|啥|哪)")


def _asks_duration(body: str) -> bool:
    """Tell "读书班办了多长时间" (how long: a figure in days or hours) from "多久开一次会" (how often)."""
    return bool(re.search(r"多久|多长时间", body)) and not re.search(r"一次|一回|每|隔|频", body)


def _kind(body: str) -> str:
    """Tell the form of answer wanted from the question words left after places and years."""
    if _DATE_WORDS.search(body):
        return "date"
    if re.search(r"哪[几两三四五六七八九十]|哪些|些什么", body) or (_LIST_WORDS.search(body) and not re.search(r"多少|几", body)):
        return "list"
    if _COUNTED_ITEMS.search(body):
        return "list"  # "两个突出问题是啥": the items of a count the question gives
    if (_NUMBER_WORDS.search(body) and not _FREQUENCY_WORDS.search(body)) or _asks_duration(body):
        return "number"
    if _ENTITY_WORDS.search(body):
        return "entity"
    return "text"
