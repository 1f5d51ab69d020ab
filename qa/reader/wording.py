"""Say a question's everyday words as the reports write them, and tell a question after a person.

Users say 一把手, 输了几件官司; the reports write 主要负责人, 败诉…件. The swap is word by word
(jieba's words), so a word is never replaced inside another (交通运输局 keeps its 输).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

import jieba

SPELT_OUT = (len("律师所") + 1, len("环境影响评价"))  # lengths of a full form a short word stands for
# The question word before the kind of thing asked ("哪家律所"): a short kind is looked for spelt out.
_ASKED_KIND = re.compile(r"哪.?|什么|啥|几.?|多少.?")
_PERSON_WORDS = re.compile(r"谁|哪位|哪名|哪个人|什么人|(?:长|书记|主任|主席|负责人|一把手)的?(?:名字)?(?:叫|是)什么")
# Spoken question words, read as the written ones the rest of the reading knows ("啥时候" is 什么时候).
_SPOKEN_QUESTION_WORDS = (("啥", "什么"), ("咋", "怎么"))
# Words everyone says for what the reports always write otherwise: "一把手" is 主要负责人.
_OFFICIAL_WORDS = dict((("一把手", "主要负责人"), ("输", "败诉"), ("打输", "败诉"), ("赢", "胜诉"), ("打赢", "胜诉"),
                        ("官司", "案件"), ("案子", "案件"), ("挂帅", "牵头")))


def official_wording(question: str, passages: Iterable[str]) -> str:
    """Say a question's everyday words ("一把手", "输了几件官司") as the reports do ("主要负责人",
    "败诉…案件"), word by word, unless the passages found use the everyday word themselves
    (“一把手”述法); a question after a person ("一把手是谁") asks for the official's name, which the
    reports give with the official word."""
    written = list(passages)
    person = asks_person(question)
    words = list(jieba.cut(question))
    return "".join(
        _OFFICIAL_WORDS[word] if word in _OFFICIAL_WORDS and (person or not any(word in p for p in written))
        else _spelt_out(word, written) if k and _ASKED_KIND.fullmatch(words[k - 1])
        else word
        for k, word in enumerate(words)
    )


def _spelt_out(word: str, passages: list[str]) -> str:
    """Return the passages' full form of a short word they never write ("律所" -> "律师事务所", "环评" ->
    "环境影响评价"): it keeps the word's characters in order, from its first to its last; the word otherwise."""
    if not (2 <= len(word) <= 3 and re.fullmatch(r"[\u4e00-\u9fff]+", word)) or any(word in p for p in passages):
        return word
    inner = "".join(f"{re.escape(ch)}[\u4e00-\u9fff]{{0,3}}?" for ch in word[1:-1])
    pattern = re.compile(f"{re.escape(word[0])}[\u4e00-\u9fff]{{0,3}}?{inner}[\u4e00-\u9fff]{{0,3}}?{re.escape(word[-1])}")
    found = Counter(m.group() for p in passages for m in pattern.finditer(p)
                    if SPELT_OUT[0] <= len(m.group()) <= SPELT_OUT[1] and _ends_a_word(p, m.end()))
    return found.most_common(1)[0][0] if found else word


def _ends_a_word(text: str, end: int) -> bool:
    """Tell whether a match ending at `end` ends a word: its last character and the next are no word together
    ("环境影响评|价" is inside 评价)."""
    return len(list(jieba.cut(text[end - 1 : end + 1], HMM=False))) != 1


def asks_person(text: str) -> bool:
    """Tell whether a question asks for a person ("谁", "哪位领导", "一把手叫什么")."""
    return bool(_PERSON_WORDS.search(text))


def written_question_words(text: str) -> str:
    """Read spoken question words as written ones ("啥时候" -> "什么时候", "咋" -> "怎么")."""
    for spoken, written in _SPOKEN_QUESTION_WORDS:
        text = text.replace(spoken, written)
    return text
