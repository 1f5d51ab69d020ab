"""Tell which figure of a clause a question asks for: by its unit, then by the words bound to it.

"收到行政复议申请19件，受理16件" holds two figures in one unit; the question "受理了多少件" is
answered by the one its asked words are bound to, never by the clause's first figure.
"""
from __future__ import annotations

import functools
import re
from typing import Sequence

import jieba

from qa.reader.figures import Figure, find_figures, unit_fit
from qa.reader.matching import Weights, anchor, coverage
from qa.reader.questions import Question
from qa.reader.words import is_verb

_RATE = re.compile(r"率|比例|比率|占比|百分(?!点)")
# "同比增长了多少" asks for a rate of change, written as a percentage, not the count that grew.
_CHANGE = re.compile(r"(?:增长|下降|增幅|降幅|涨幅|降低|上升|减少|增加|提高|提升|降|升|涨)了?(?:多少|几)")
_MONEY = re.compile(r"金额|资金|经费|收入|支出|投入|费用|多少钱|元|罚没款|罚款|款项|经济损失|减负")
# A question after the whole ("总共收到多少条") is answered by the figure a report labels as the total.
_TOTAL_ASKED = re.compile(r"一共|总共|加起来|合起来|全部|合计|总计|共计|总数|总量|累计|共有|共收到")
_TOTAL_LABEL = re.compile(r"^(?:合计|总计|共计|累计|总数|总量|共)")
# A label runs back to a break; quotes stay inside it ("组织“第一议题”学习" is not just "学习").
_LABEL_BREAK = re.compile(r"[，,、；;：:《》()（）\s]")
_LABEL_FILLER = set("的了达为是共计有并及与和“”‘’\"")
TOTAL = 100  # a total asked for outranks any label
LABEL_SHARE = 0.05  # a figure whose label is all the question's words is a little surer than one in a longer scene
LABEL_HOLDS_ASKED = 0.05
MEASURE_NOUN = 6  # characters of a counted noun kept in the answer ("9个方面"); longer ones are the scene

def asked_unit(question: Question) -> str | None:
    """Return the unit a number question wants: as written, or % for a rate or a change, 元 for money."""
    if question.unit and "百分点" in question.unit:
        return question.unit
    wording = question.asked or question.text
    # "优良率多少，比上年提高了多少": the later part asks the change of the rate the first part named.
    if _CHANGE.search(wording) and (_RATE.search(wording) or _RATE.search(question.text)):
        return "个百分点"  # "败诉率比上年降了多少": a rate's change is said in points, or else in %
    if _RATE.search(wording) or (not question.unit and _CHANGE.search(wording)):
        return "%"
    if _MONEY.search(wording) and question.unit in (None, "元"):  # "警告并罚款的有几家": 家, not money
        return "元"
    return question.unit


def choose_figure(question: Question, asked: str | None, figures: Sequence[Figure], clause: str,
                   weighting: Weights | None = None):
    """Pick the figure the question asks for: its unit first, then the words bound to it, then its
    place beside the key phrase."""
    def fit(figure: Figure) -> float:
        return unit_fit(asked, figure.unit) + (0.01 if figure.arabic else 0.0)

    best_fit = max(fit(f) for f in figures)
    fitting = [f for f in figures if fit(f) == best_fit]
    # "几个委办局…" is answered by the figure that counts 委办局 ("17个委办局对182个事项").
    fitting = [f for f in fitting if counts(question, clause, f)] or fitting
    named = _exactly_named(question, [(f, label_of(clause, figures, f)) for f in fitting])
    if named is not None:
        return named, unit_fit(asked, named.unit)
    if weighting is not None and len(fitting) > 1:
        bound = {f: coverage(weighting, _frame(clause, figures, f)) for f in fitting}
        top = max(bound.values())
        if top > 0:
            fitting = [f for f in fitting if bound[f] == top]
            if len(fitting) == 1:
                return fitting[0], unit_fit(asked, fitting[0].unit)
    key = anchor(question.phrases, clause)
    if key is not None:
        adjacent = [f for f in fitting if f.end == key[0]]
        after = [f for f in fitting if f.start >= key[1]]
        before = [f for f in fitting if f.end <= key[0]]
        chosen = (adjacent or after[:1] or before[-1:] or fitting)[0]
    else:
        chosen = fitting[0]
    return chosen, unit_fit(asked, chosen.unit)


def counts(question: Question, clause: str, figure: Figure) -> bool:
    """Tell whether a figure is written right before the noun the question counts ("17个委办局"), or
    before the noun it asks a count of ("612名领导干部" for "完成述法的领导干部有多少名")."""
    noun = question.counted or _subject(question)
    return len(noun) >= 2 and clause.startswith(noun[:2], figure.end)


def _subject(question: Question) -> str:
    """Return the noun right before the question word, its words joined as written ("领导"+"干部")."""
    subject = ""
    for word in reversed(question.left):
        if word in question.verbs or (word + subject) not in question.text:
            break
        subject = word + subject
    return subject


def label_of(clause: str, figures: Sequence[Figure], figure: Figure) -> str:
    """Return the few words that name a figure: its bound words after the last break
    ("非常满意" for 802条 in "“好差评”非常满意802条")."""
    frame = _frame(clause, figures, figure)
    pieces = [p for p in _LABEL_BREAK.split(frame) if p]
    if not pieces:
        return ""
    label = pieces[0] if frame.startswith(pieces[0]) and clause.startswith(frame, figure.end) else pieces[-1]
    # A quoted term before the label's last words is its scene ("政务服务“好差评”非常满意"): the words
    # after the quote name the figure.
    scene = re.match(r".*[”’\"](?=[^”’\"]{2,}$)", label)
    return label[scene.end() :] if scene else label


def label_fit(question: Question, label: str) -> int:
    """Return how exactly a figure's label is the question's own words: its length when every
    character of it is a word the question says (or it labels the total a total question asks
    for), else 0. The longest exact label is the most specific figure ("非常满意" over "满意")."""
    if not label:
        return 0
    if _TOTAL_LABEL.match(label):
        return TOTAL if _TOTAL_ASKED.search(question.asked or question.text) else 0
    covered = _covered(question, label)
    return len(label) if all(covered) and not all(ch in _LABEL_FILLER for ch in label) else 0


def _covered(question: Question, label: str) -> list[bool]:
    covered = [ch in _LABEL_FILLER for ch in label]
    for phrase in question.phrases:
        at = label.find(phrase) if phrase else -1
        while at >= 0:
            covered[at : at + len(phrase)] = [True] * len(phrase)
            at = label.find(phrase, at + 1)
    return covered


def bound_words(question: Question, clause: str, figures: Sequence[Figure], figure: Figure) -> float:
    """Score how closely a figure's own label says the question ("镇村合同审查1077件" for "镇村合同审查多少件",
    against "…及镇村合同开展全流程审查1090件"): the share of the label the question's words cover, and
    LABEL_HOLDS_ASKED more when the label holds the word right before the question word ("复函" of
    "…征求意见后复函了多少件")."""
    label = label_of(clause, figures, figure)
    said = [ch for ch in label if ch not in _LABEL_FILLER]
    if not said or _TOTAL_ASKED.search(question.asked or question.text):
        # A total ("全部…加起来多少") is no part's label: its words are the scene of every part.
        return 0.0
    covered = _covered(question, label)
    share = sum(1 for ch, c in zip(label, covered) if c and ch not in _LABEL_FILLER) / len(said)
    asked_word = question.left[-1] if question.left and not question.right else ""
    return LABEL_SHARE * share + (LABEL_HOLDS_ASKED if asked_word and asked_word in label else 0.0)


def labelled_figure(question: Question, labelled: Sequence[tuple[object, str]]):
    """Return the item whose label is the question's words exactly and longest, when it is the only one
    and no other label holds more of the question's words ("学习" does not beat "理论学习中心组学习")."""
    scored = [(label_fit(question, label), item) for item, label in labelled]
    best = max((score for score, _ in scored), default=0)
    winners = [item for score, item in scored if score == best]
    if best <= 0 or len(winners) != 1:
        return None
    said = {id(item): sum(1 for ch, c in zip(label, _covered(question, label)) if c and ch not in _LABEL_FILLER)
            for item, label in labelled}
    return winners[0] if best >= TOTAL or said[id(winners[0])] >= max(said.values()) else None


def _exactly_named(question: Question, labelled: Sequence[tuple[Figure, str]]) -> Figure | None:
    return labelled_figure(question, labelled) if len(labelled) > 1 else None


def _frame(clause: str, figures: Sequence[Figure], figure: Figure) -> str:
    """Return the words bound to a figure: after it, up to the next figure or 、, when it leads what
    it counts ("召开22次党组会、18次中心组理论学习", "印发了15家单位的规定"); else before it, back
    to the previous figure or 、 ("保留行政规范性文件13件、废止行政规范性文件4件").
    """
    later = [f.start for f in figures if f.start >= figure.end]
    stop = re.compile(r"[、，,；;）)]").search(clause, figure.end)  # a clause inside brackets goes on past its commas
    after = clause[figure.end : min(later + ([stop.start()] if stop else []) + [len(clause)])]
    if re.search(r"[\u4e00-\u9fff]{2}", after):
        return after
    start = max([f.end for f in figures if f.end <= figure.start] + [clause.rfind("、", 0, figure.start) + 1])
    return clause[start : figure.start]


def listed_figure(question: Question, asked: str | None, units: Sequence, i: int):
    """Return (clause index, figure) of the figure the question names exactly in a sentence that lists
    figures clause by clause ("“好差评”非常满意802条,满意163条,合计965条"): the scene is said once,
    in the first clause, and each figure has its own label; "满意的有多少条" is 163条, "总共多少条"
    965条. None when no label is the question's words alone."""
    labelled = []
    for j in range(i, len(units)):
        if units[j].sentence != units[i].sentence:
            break
        figures = [f for f in find_figures(units[j].text) if f.unit or not asked]
        labelled += [((j, f), label_of(units[j].text, figures, f)) for f in figures]
    # "含多少个子项": the figure written before the noun counted is the one, whatever the labels say.
    labelled = [(item, label) for item, label in labelled if counts(question, units[item[0]].text, item[1])] or labelled
    if len(labelled) < 2:
        return None
    best_fit = max(unit_fit(asked, f.unit) for (_, f), _ in labelled)
    return labelled_figure(question, [(item, label) for item, label in labelled if unit_fit(asked, item[1].unit) == best_fit])


@functools.lru_cache(maxsize=256)
def _words_of(text: str) -> frozenset[str]:
    """Return jieba's words of a question; cut once, as every candidate figure of it asks."""
    return frozenset(jieba.cut(text))


def figure_span(question: Question, text: str, figure) -> tuple[int, int]:
    """Return a figure's span, with the noun it counts when the report writes it right after and the question
    names it ("9个方面", "13项证明" asked "证明有几项"): the figure alone does not say what it counts."""
    tokens = _words_of(question.text)

    def asked(word: str) -> bool:  # a word of the question, not a figure inside one ("20" of 2024年)
        return word in tokens or (len(word) >= 2 and not word.isdigit() and word in question.text)

    end = figure.end
    words = list(jieba.cut(text[figure.end : figure.end + MEASURE_NOUN + 8]))
    for k, word in enumerate(words):
        last = k + 1 == len(words) or not asked(words[k + 1])
        if not asked(word) or (last and len(word) > 1 and is_verb(word)):
            break  # the question's verb after the noun ("86项事项|下放") is not the noun's
        end += len(word)
    # A noun longer than MEASURE_NOUN is the scene; one cut short would name something else ("18名行政").
    return figure.start, end if 2 <= end - figure.end <= MEASURE_NOUN else figure.end
