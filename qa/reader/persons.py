"""Who a clause names: the holder of a role ("由X任组长"), a person with the office before the
name ("全国政协副主席周强") or a name after an office the tokenizer does not know ("区长曲海富").
"""
from __future__ import annotations

import re

import jieba.posseg

from qa.reader.edges import _BREAK, MAX_NAME, _trim
from qa.reader.questions import Question

# Offices a person's name is written beside ("区长曲海富", "主要负责人周立新同志").
_OFFICE = re.compile(r"(?:主席|书记|负责人|省长|市长|县长|区长|镇长|乡长|局长|主任|部长|厅长|院长|所长|委员|检察长|庭长|组长)$")
# The commonest surnames: a name the tokenizer does not know still starts with one of them.
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
                "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲")
# The title after a person's name ("郝铁川教授"): what a "谁" question's answer may end with.
_PERSON_TITLE = re.compile(r"(?:教授|律师|同志|老师|博士|院士|法官|检察官|主任|书记|局长|院长|所长)?")
_HOLDING = ("担任", "兼任", "任", "为", "当", "负责", "来当")


def holder(question: Question, clause: str) -> tuple[int, int] | None:
    """Return who holds a role the question names ("由谁担任副组长"): the words before "为副组长" /
    "任双组长", back to a break or 由 ("由党委书记、乡长任双组长" -> "党委书记、乡长")."""
    words = [w for w in (*question.left, *question.right) if w not in _HOLDING]
    joined = [a + b for a, b in zip(words, words[1:]) if a + b in question.text]  # "副"+"主任"
    for role in sorted((*joined, *words), key=len, reverse=True):
        if len(role) < 2:
            continue
        # "主任由分管党政办的街道领导担任": the role first, its holder between 由 and 担任.
        given = re.search(rf"(?<!副)(?<!常务){re.escape(role)}由([^，,；;]{{2,30}}?)(?:担任|兼任|负责)", clause)
        given = given or re.search(rf"由([^，,；;]{{2,30}}?)(?:担任|兼任|做|当)[^，,；;]{{0,8}}?(?<!副){re.escape(role)}", clause)
        if given is not None:
            return given.span(1)
        match = re.search(rf"(?:担任|任|为|当)(?:双|常务)?{re.escape(role)}", clause)
        if match is None:
            # "部长唐登杰认真履行推进…第一责任人职责": who carries out the role is the clause's subject.
            duty = re.search(rf"(?:认真|切实|带头|全面|严格)?(?:履行|作为)[^，,；;]{{0,12}}?{re.escape(role)}", clause)
            begin = max((m.end() for m in re.finditer(r"[，,；;：:]", clause[: duty.start()])), default=0) if duty else 0
            span = _trim(clause, begin, duty.start()) if duty else None
            if span is not None and span[1] - span[0] <= MAX_NAME and names_person(clause[span[0] : span[1]]):
                return span
            continue
        # Another role given before it ("…任副组长、司法所所长任办公室主任") ends where this holder starts.
        # "明确党委书记为组长", "以镇党委书记、镇长任双组长": the verb that names the holder is not part of it.
        begin = max((m.end() for m in re.finditer(r"[，,；;：:]|由|以|明确|确定|指定|(?:担任|任|为)[^、，,]{1,8}、",
                                                  clause[: match.start()])),
                    default=0)
        span = _trim(clause, begin, match.start())
        if span is not None and span[1] - span[0] <= MAX_NAME:
            return span
    return None


def _person(clause: str, gap: tuple[int, int]) -> tuple[int, int]:
    """Cut a "谁" answer to the person it names, with the title after the name ("…宣讲团成员郝铁川教授"
    -> "郝铁川教授"); a gap naming no person (a role: "分管副主任") stays whole."""
    offset, person, words = gap[0], None, []
    for word in jieba.posseg.cut(clause[gap[0] : gap[1]]):
        if word.flag == "nr" and 2 <= len(word.word) <= 4:
            person = (offset, offset + len(word.word))  # the last name: the one right before the title
        words.append((offset, word.flag, offset + len(word.word)))
        offset += len(word.word)
    if person is None:
        return gap
    last = words[-1]
    if person[1] - person[0] == 2 and last[0] == person[1] and last[2] == gap[1] == person[1] + 1 \
            and not last[1].startswith(("v", "p", "u", "c", "d", "x")):
        person = (person[0], gap[1])  # "丁祖年": a three-character name the tokenizer cut after two
    title = _PERSON_TITLE.match(clause, person[1], gap[1])
    start = person[0]
    before = [w for w in words if w[2] <= person[0]]
    # An office right before the name ("全国政协副主席周强") is part of who the person is.
    if before and _OFFICE.search(clause[before[-1][0] : before[-1][2]]):
        while before and not before[-1][1].startswith(("v", "p", "u", "c", "x", "r")):
            start = before.pop()[0]
    return start, title.end() if title else person[1]


def names_person(text: str) -> bool:
    """Tell whether a span names a person: a name the tokenizer tags as one ("马炜同志"), or two or
    three characters after a common surname ("周立新", which it does not know)."""
    name = re.sub(r"(?:同志|教授|律师|老师|博士)$", "", text)
    return (2 <= len(name) <= 3 and name[0] in _SURNAMES) or any(
        pair.flag == "nr" and 2 <= len(pair.word) <= 4 for pair in jieba.posseg.cut(text))


def _name_after_office(question: Question, clause: str, end: int) -> tuple[int, int] | None:
    """Return the name right after an office ("区长曲海富带队…"), which the tokenizer may not know:
    a common surname and one or two characters, up to the question's next words, 同志 or a break."""
    if end >= len(clause) or clause[end] not in _SURNAMES:
        return None
    stops = [at for w in (*question.left, *question.right, "同志", "等") if (at := clause.find(w, end + 2)) > 0]
    stop = min([end + 3, *stops, *(m.start() for m in _BREAK.finditer(clause, end))])
    return (end, stop) if stop - end >= 2 else None
