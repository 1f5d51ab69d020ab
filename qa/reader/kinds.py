"""Kinds of thing a clause shows without naming the kind, and where such a thing's name ends.

A title (《…》) is a document or a work, what a body 获评 is an honour, what it 依托 a platform:
a question asking "出台了什么文件", "拿到了什么荣誉", "依托的是什么平台" is answered by a clause that
never writes 文件, 荣誉 or 平台.
"""
from __future__ import annotations

import functools
import re

import jieba
import jieba.posseg

DOCUMENTS = frozenset("文件 方案 意见 办法 规定 制度 条例 通知 规划 清单 决定 细则 规则 指引 手册 片名 电影 微电影 读本 读物 教材 法律 法规 法律法规 党内法规 书籍 书目".split())
HONOURS = frozenset("称号 荣誉 荣誉称号 奖项 表彰 殊荣".split())
PLATFORMS = frozenset("平台 载体 阵地".split())
LABELS = frozenset("代号 口号 简称 标语".split())
OFFICES = frozenset("科室 处室 股室 内设机构 部门".split())
DESTINATIONS = frozenset("城市 国家 地方 省份 地点 目的地".split())
# Each kind, with what shows a thing of it in a clause.
KINDS_SHOWN = (
    (DOCUMENTS, re.compile(r"《")),
    (HONOURS, re.compile(r"获评|荣获|评为|授予|命名为|入选|认定为|获得|争创|创建|争当|创成")),
    (PLATFORMS, re.compile(r"依托|利用|借助|通过")),
    (LABELS, re.compile(r"“")),  # "哪个数字代号" of 紧扣省委“1310”具体部署: a label is written in quotes
    (DESTINATIONS, re.compile(r"赴|前往|到访|出访")),  # "赴英国伦敦研学" for 去的哪座城市
    (OFFICES, re.compile(r"[\u4e00-\u9fff]{1,6}(?:办|科|室|股|处)(?![\u4e00-\u9fff])")),  # "设在党政办" for 哪个科室
)
_NOTHING_SHOWN = ("", re.compile(r"(?!)"))
# Words for the means by which a thing is done: "通过哪些渠道" is answered by "…等多种方式".
MEANS = frozenset("方式 渠道 形式 途径 平台 载体 手段 方法 办法 阵地 媒介 媒体".split())
# An enumeration closed by 等 and the kind of its items ("抖音、微信、微博等多渠道多平台"), by 的 and the
# kind ("部门提议案、主管领导先期审查、党政班子集体决策的程序"), or by both ("…等群众关切的热点信息").
_ENUMERATION_KIND = re.compile(r"[、+＋][^，,。；;]*?(?:等(?:[^，,。；;、]{0,8}?的)?|的)(?:多种|各种|各类|多个|多项|一系列)?([\u4e00-\u9fff]{1,6})")


@functools.lru_cache(maxsize=4096)
def lists_kind(head: str, clause: str) -> bool:
    """Tell whether a clause enumerates things of the kind a list question asks for: its items close
    with 等 and that kind ("…等重点领域" for 哪些重点领域), or a means for a means ("等多种方式" for 哪些渠道)."""
    match = _ENUMERATION_KIND.search(clause)
    if match is None or not head:
        return False
    kind = match.group(1)
    words = [w for w in jieba.cut(head) if len(w) >= 2]
    return any(w in kind for w in words) or (any(m in kind for m in MEANS) and any(m in head for m in MEANS))


def kind_shown(head: str) -> tuple[str, re.Pattern]:
    """Return the kind noun a head ends with ("荣誉" of 市级法治荣誉) and what shows a thing of that kind."""
    for nouns, shown in KINDS_SHOWN:
        noun = next((n for n in nouns if head.endswith(n)), "")
        if noun:
            return noun, shown
    return _NOTHING_SHOWN


def noun_phrase_end(clause: str, start: int) -> int:
    """Return where the noun phrase from `start` ends: before the first verb after a noun ("镇便民服务中心|推行")."""
    at, nouns = start, False
    for pair in jieba.posseg.cut(clause[start:]):
        if nouns and pair.flag in ("v", "vd"):
            return at
        nouns = nouns or pair.flag.startswith("n")
        at += len(pair.word)
    return len(clause)


def place_names_end(clause: str, start: int) -> int:
    """Return where the place names from `start` end ("赴|英国伦敦|研学"), or where its noun phrase does."""
    at = start
    for pair in jieba.posseg.cut(clause[start:]):
        if pair.flag != "ns":
            break
        at += len(pair.word)
    return at if at > start else noun_phrase_end(clause, start)
