"""Find figures (a number with its unit) and dates in cleaned report text.

A direct answer to "多少" or "哪天" is a figure or a date cut from a clause, so both are
found as spans with their parts: the unit decides which of several figures a question
asks for ("几场" wants 4场, not 60课时), and the digits let the answer be checked
against its quote.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Longest first so "场次" wins over "场" and "人次" over "人".
UNITS: tuple[str, ...] = tuple(
    sorted(
        {
            "个百分点", "百分点", "人次", "家次", "场次", "件次", "户次", "批次", "课时", "学时", "个工作日", "工作日", "小时", "分钟",
            "万元", "亿元", "千元", "元", "平方米", "公里", "千米", "米", "公顷", "亩", "吨", "%", "％",
            "件", "次", "场", "名", "个", "项", "条", "份", "起", "家", "处", "人", "户", "所", "篇", "期",
            "批", "天", "宗", "套", "台", "辆", "册", "本", "张", "幅", "块", "轮", "支", "类", "封", "单",
            "部", "位", "座", "间", "周", "月", "年", "届", "节", "堂", "集", "盘", "组", "队",
            "卷", "只", "头", "株", "棵", "栋", "幢", "艘", "架", "回", "遍", "大", "门", "大类", "大项", "大板块",
            "微克/立方米", "毫克/立方米", "立方米", "毫克/升",
        },
        key=len,
        reverse=True,
    )
)
_UNIT = "|".join(re.escape(u) for u in UNITS)
_FIGURE = re.compile(
    r"(?:近|约|超过|超|逾)?(?<![\d.])(?P<num>\d+(?:\.\d+)?)\s*(?P<approx0>余|多)?(?P<mag>万|亿|千|百)?\s*(?P<approx>余|多)?\s*(?P<unit>" + _UNIT + r")?"
    r"(?:(?<=\D)(?:以上|以下|左右))?"
)
_CN_DIGITS = "零一二两三四五六七八九十百千万"
# Chinese numerals count only with a counting unit: "一次" is a figure, "一是" and "一次性" are not.
_CN_UNIT = "人次|场次|件次|次|场|件|名|个|项|条|份|起|家|处|批|轮|期|回|年|大|种|类"
_CN_FIGURE = re.compile(
    rf"(?<![\d{_CN_DIGITS}第余多])(?P<num>[{_CN_DIGITS}]{{1,4}})(?P<approx>余|多)?(?P<unit>{_CN_UNIT})(?!性)"
)
# "第三批", "第2届": what a "第几" question asks for.
# A rank keeps the field it is counted in ("全市第二", "全市各区第一"): without it a rank says nothing.
_ORDINAL = re.compile(
    rf"(?:全(?:国|省|市|区|县)(?:各(?:区|县|市|地|单位|部门))?|(?<=[居列])[\u4e00-\u9fff]{{2,6}}?(?=第))?"
    rf"(?:(?:[{_CN_DIGITS}\d]{{1,3}}届)?第(?:\d+|[{_CN_DIGITS}]{{1,4}})(?:{_UNIT}|号)?"
    rf"|(?<=[全国省市区县])前(?:\d+|[{_CN_DIGITS}]{{1,3}})(?:名|位)?)"  # "全市前十": a rank among the first
)
_DATE = re.compile(
    r"(?:19|20)\d{2}\s*年?\s*[-—–~～至到]\s*(?:19|20)\d{2}\s*年?"
    r"|(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月(?:底|初|中旬|上旬|下旬|末)前?"
    r"|(?:19|20)\d{2}\s*年(?:底|初|末|上半年|下半年)"
    r"|(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月"
    r"|(?:19|20)\d{2}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}"
    # A day named by its date in quotes: "“3·15”消费者权益保护日", "“12.4”国家宪法日", "“6·26禁毒日”".
    r"|(?<=[“\"‘])(?:1[0-2]|0?[1-9])[·•・．.](?:3[01]|[12]\d|0?[1-9])(?=[”\"’]|[\u4e00-\u9fff]{0,8}[日节])"
)
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_NUMBERING = (".", "、", "．", "）", ")")
_ADDRESS = ("号", "楼", "室", "弄", "栋", "幢")


@dataclass(frozen=True)
class Figure:
    """A number as written with its unit, located in a cleaned text.

    Attributes:
        start, end: offsets of the figure in the cleaned text it was found in.
        value: the digits as written ("225.34", "一").
        unit: the counting unit ("件", "万元", "%"); "" when the number stands bare.
        arabic: True for digits, False for Chinese numerals.
    """

    start: int
    end: int
    value: str
    unit: str
    arabic: bool = True


def find_figures(text: str) -> list[Figure]:
    """Return the figures in a cleaned text, in order, leaving out years and dates.

    Args:
        text: cleaned clause text.

    Returns:
        Figures with offsets into `text`; a year ("2024年"), a range end ("2021-2025年")
        and the parts of a date are not figures.
    """
    dated = [range(m.start(), m.end()) for m in _DATE.finditer(text)]
    figures: list[Figure] = []
    for m in _FIGURE.finditer(text):
        if any(m.start() in span for span in dated):
            continue
        unit = m.group("unit") or ""
        after = text[m.end() : m.end() + 1]
        if _looks_like_year(m.group("num"), unit, text[m.start() - 1 : m.start()], after):
            continue
        if unit == "年" and not m.group("approx") and len(m.group("num")) > 2:
            continue  # "连续6年" is a count; "2024年" never is
        if not unit and not m.group("mag") and after in _NUMBERING:
            continue  # a list number ("2.严格落实", "3、落实") counts nothing
        if not unit and not m.group("mag") and after in _ADDRESS:
            continue  # a house or room number ("建设路18号") counts nothing
        if re.match(r"[A-Za-z.]", text[m.start() - 1 : m.start()]) or re.match(r"[A-Za-z]", after):
            continue  # a figure in a Latin name ("PM2.5", "5G", "H7N9") counts nothing
        magnitude = (m.group("mag") or "") + (m.group("approx") or m.group("approx0") or "")
        figures.append(Figure(m.start(), m.end(), m.group("num"), magnitude + unit))
    for m in _CN_FIGURE.finditer(text):
        figures.append(Figure(m.start(), m.end(), m.group("num"), (m.group("approx") or "") + m.group("unit"), False))
    return sorted(figures, key=lambda f: f.start)


def find_dates(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of dates in a cleaned text ("2025年1月3日", "2024-12-31")."""
    return [(m.start(), m.end()) for m in _DATE.finditer(text)]


# When in the year a thing is done, said without a date ("每年年初", "国家宪法日来临之际").
_TIME_OF_YEAR = re.compile(
    r"(?:每年|每季度|每月|当年|年度)?(?:年初|年底|年末|年中|年终|岁末|上半年|下半年|一季度|二季度|三季度|四季度|季度末|季末|月初|月底|月末)"
    r"|(?<=[在于])[^，,。；;在于]{2,10}?(?:来临之际|之际|前夕|期间)"
    r"|(?<=利用)[^，,。；;、]{2,10}?(?=时机|之机)"  # "利用周三夜学时机": the occasion is the time
    r"|^[^，,。；;]{3,16}?(?<![同及适随按准届此当平临小定实暂])时$"  # "选举产生新任副镇长时": a clause saying when
)


def find_times_of_year(text: str) -> list[tuple[int, int]]:
    """Return the spans of times in the year said without a date ("每年年底", "国家宪法日来临之际")."""
    return [(m.start(), m.end()) for m in _TIME_OF_YEAR.finditer(text)]


_YEAR_ONLY = re.compile(r"(?:19|20)\d{2}\s*年(?:度|底|初|末)?")


def find_years(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of years in a cleaned text ("2024年", "2023年度"), dates' years included."""
    return [(m.start(), m.end()) for m in _YEAR_ONLY.finditer(text)]


# What marks a date as the end or the start of a period ("至2021年12月31日止", "自2021年1月1日起").
_BOUND = {"until": re.compile(r"至|到"), "since": re.compile(r"自|从|于")}


def bound_dates(shape: str, text: str, dates: list[tuple[int, int]]):
    """Return (dates marked as the bound `shape` asks for, dates marked as the other bound)."""
    if shape not in _BOUND:
        return [], []
    other = "since" if shape == "until" else "until"

    def marked(bound: str) -> list[tuple[int, int]]:
        # A range's first date starts it ("2022年1月1日至2022年12月31日").
        return [d for d in dates if _BOUND[bound].search(text[max(0, d[0] - 2) : d[0]])
                or (bound == "since" and re.match(r"\s*(?:至|到|起)", text[d[1] :]))]

    return marked(shape), marked(other)


def find_ordinals(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of ordinals in a cleaned text ("第三批", "第2届")."""
    return [(m.start(), m.end()) for m in _ORDINAL.finditer(text)]


def figures_in(text: str) -> tuple[str, ...]:
    """Return the numbers written in a text, as digits, so an answer can be checked against its quote.

    Full-width digits count as their ASCII forms and spaces are ignored, so "４８ 件"
    holds the figure "48".
    """
    # Spaces go, except between two digits: "2025-03-18 16:56" holds 18 and 16, not 1816.
    folded = re.sub(r"(?<!\d)\s+|\s+(?!\d)", "", unicodedata.normalize("NFKC", text))
    return tuple(_DIGITS.findall(folded))


# Units that count the same kind of thing: a question asking "几次" is answered by "4场" too.
UNIT_FAMILIES: tuple[frozenset[str], ...] = tuple(
    frozenset(words.split())
    for words in (
        "次 场 场次 期 轮 批 批次 届 节 堂 回 遍",
        "名 人 位 人次 户 户次",
        "件 起 宗 项 条 件次 单 封 份 篇 部 册 本 卷",
        "个 家 所 处 家次 座 间 支 队 组 台 辆 套 只 头 株 棵 栋 幢 艘 架",
        "元 万元 亿元 千元",
        "% ％",
        "个百分点 百分点",
        "天 小时 分钟 个工作日 工作日 课时 学时 周 月 年",
    )
)
EXACT_UNIT, SAME_FAMILY, OTHER_UNIT = 0.2, 0.1, -0.3


def unit_fit(asked: str | None, unit: str) -> float:
    """Score how well a figure's unit fits the unit a question asks in.

    Args:
        asked: the unit asked for ("件", "%", "元"), or None when the question names none.
        unit: the figure's unit as found ("余件", "万元").

    Returns:
        EXACT_UNIT for the same unit, SAME_FAMILY for one counting the same kind of thing,
        OTHER_UNIT for a different kind (or a bare number when a unit is asked), 0 when none is asked.
    """
    if not asked:
        return 0.0
    unit = base_unit(unit)
    if unit == asked or (asked == "元" and unit.endswith("元")) or {unit, asked} <= {"%", "％"}:
        return EXACT_UNIT
    if asked == "个" and unit:
        return 0.0  # the general classifier: "几个" is answered in whatever unit the report counts
    # "多少条经验做法" of "24个经验做法": the general classifier counts things of any kind, not people or time.
    things = unit == "个" and any(asked in family for family in UNIT_FAMILIES[2:4])
    if things or any(unit in family and asked in family for family in UNIT_FAMILIES) or (asked.endswith("百分点") and unit in ("%", "％")):
        return SAME_FAMILY
    return OTHER_UNIT


def base_unit(unit: str) -> str:
    """Return a figure's unit without magnitude or approximation ("万余人次" -> "人次")."""
    return unit.lstrip("万亿千百余多") or unit


def _looks_like_year(num: str, unit: str, before: str, after: str) -> bool:
    """Tell a year or a range of years ("2021-2025年", "2024年度") from a count."""
    if len(num) != 4 or not num.startswith(("19", "20")):
        return False
    return unit in {"", "年"} or (after != "" and after in "-—–~～至") or (before != "" and before in "-—–~～")


_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)} | {"两": 2}


def chinese_number(word: str) -> int:
    """Return the value of a Chinese numeral up to 十九 ("三" -> 3, "十二" -> 12, "两" -> 2), or -1."""
    if word in _NUMERALS:
        return _NUMERALS[word]
    if word.startswith("十"):
        return 10 + _NUMERALS.get(word[1:], 0)
    return -1
