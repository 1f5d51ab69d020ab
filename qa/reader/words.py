"""The content words of a piece of question: jieba's words without fillers, light verbs, particles,
demonstratives and counts, which locate a question but are no wording a clause must hold."""
from __future__ import annotations

import re

import jieba
import jieba.posseg

from qa.reader.figures import UNITS

_UNIT = "|".join(re.escape(u) for u in UNITS)
CLASSIFIER = "个家位项种类所条部批些份次届座"
# Tokens that carry no content of their own: fillers, light verbs, particles, deictics.
STOP_TOKENS = frozenset(
    """
    的 了 和 与 及 以及 或 等 是 在 为 对 把 被 将 并 其 之 这 那 个 也 都 就 着 过 吗 呢 吧 啊 呀 么 啥
    一共 总共 共 共计 累计 合计 总计 一下 请问 那边 这边 那个 这个 那份 这份 该 其中 到底 究竟 大概 大约 左右
    报告 报告里 里 里面 中 上 说 讲 提到 提及 称 具体 主要 专门 通常 平时 分别 又 还 再 都 曾 已 已经 总 各 各种 各类
    搞 做 弄 干 办 开 看 去 来 当 要 带 让 给 用 叫 叫做 有 是 到 从 向 由 帮 把 被 得 地 能 算 下 过
    针对 面向 对于 关于 按照 按 据 写 名字 名称 全称 全名 内容 东西 情况 地方 时候 日子 样子 自己 本身 事 事情 这些事 这类 这种 之类 一类 类 一下子
    镇里 县里 区里 市里 街道里 单位 我们 他们 它 它们 老百姓 群众 人家 方面 一些 那些 这些 啊 吗
    完后 之后 以后 随后 然后 后来 下面 底下 下边 那次 这次 那回 这回
    上来 上去 下来 起来 出来 进来 进去 过来 下去 全部 最后 最终 帮着 帮忙
    谈 谈到 谈及 讲到 说到 借 次数 列 列一下 列出 列出来 对比 对比一下 比较 比较一下 比比 比一比 放 一起 各自 说说 讲讲 看看
    """.split()
)
_SPLIT = re.compile(r"[\s\W_]+")
_TOTALS = re.compile(r"一共|总共|加起来|合起来|加在一起")


def sole_tag(word: str) -> str | None:
    """Return the part-of-speech tag jieba gives a word it reads as one word, else None."""
    tags = [pair.flag for pair in jieba.posseg.cut(word)]
    return tags[0] if len(tags) == 1 else None


def is_verb(word: str) -> bool:
    """Tell whether jieba tags a word as a verb and nothing else."""
    return sole_tag(word) in ("v", "vd", "vi")


def content_words(text: str) -> list[str]:
    """Return the content words of a piece of question, in order, without fillers and light verbs."""
    words: list[str] = []
    # "一共用了几项": cut alone, 一共 keeps jieba from reading 共用.
    for piece in _SPLIT.split(_TOTALS.sub(" ", text.replace("|", " ").replace("‖", " "))):
        if not piece:
            continue
        cut = [word.strip() for word in jieba.cut(piece)]
        for k, word in enumerate(cut):
            # "一般放在每周哪天": 一般 before a verb says how often, as a filler; "一般案件" names a kind.
            usual = word == "一般" and k + 1 < len(cut) and is_verb(cut[k + 1])
            if len(word) == 2 and word[0] in LOCATIVES and (word[0] == "里" or sole_tag(word) is None) and is_verb(word[1]):
                # "评估里排第几", "方案里列了": jieba's 里排 is the locative of 评估 and the verb 排;
                # 里 starts no word, 中 and 内 do (内设) unless jieba splits them off itself.
                word = word[1]
            elif len(word) == 2 and word[0] in "来去" and word[1] in STOP_TOKENS:
                word = word[1]  # "由谁来开": jieba's 来开 is 来 and the light verb 开
            elif len(word) == 2 and word[1] in "来去" and len(cut) == 1:
                word = word[0]  # "请了哪些人来": jieba's 人来, all that follows the question word, is 人 and 来
            elif len(word) >= 3 and word.endswith("着"):
                word = word[:-1]  # "搭配着": the verb, not its aspect
            if word and word not in words and not is_function(word) and not usual:
                words.append(word)
    return words


LOCATIVES = ("里", "中", "上", "内")  # "考核里", "评估中": where in a thing, no part of its name
_FUNCTION_CHARS = set("是从对在为把被将向由于给到与和及的了")
# "这块牌子", "那项工作", "那天": a demonstrative with its classifier points at the topic, it is not one.
_DEICTIC = re.compile(r"[这那该此]一?[" + CLASSIFIER + "块件场回样天本张]")
_COUNTED = re.compile(r"(?:\d+|[一二两三四五六七八九十百千万几]+)?(?:" + _UNIT + r")")


def is_function(word: str) -> bool:
    """Tell a word that says nothing of the topic: a stop word, function characters, a count ("五个")."""
    return (
        word in STOP_TOKENS or word.isdigit() or (len(word) == 1 and word in CLASSIFIER) or all(ch in _FUNCTION_CHARS for ch in word)
        or _COUNTED.fullmatch(word) is not None or _DEICTIC.fullmatch(word) is not None
    )


MEANS_VERBS = r"(?:靠|用|凭|通过|依托|借助|利用|拿)"  # "靠啥公开…", "通过什么平台": the verbs that take a means
BY_MEANS = re.compile(MEANS_VERBS + "$")


def opens_with_deed(after: str) -> bool:
    """Tell whether words open with a verb ("公开村务信息"), not a noun ("平台公开…")."""
    first = next(iter(jieba.posseg.cut(after)), None)
    return first is not None and first.flag in ("v", "vd", "ad")
