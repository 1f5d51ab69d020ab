"""Scoping by the names table decides exactly as scanning every report's text did."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from qa.ingest.reports import read_corpus
from qa.retrieval.names import NamesTable, write_names
from qa.retrieval.scope import ScopeResolver, _tails, normalise_question, place_tails

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "北京市朝阳区2024年收到行政复议申请多少件？",  # a place no report covers
    "推进向乡镇下放审批权限的情况如何",  # place-shaped
    "铁西区2024年收到行政复议申请多少件？",
    "田镇街道2023年调处矛盾纠纷多少件",  # a named report of another year: its text decides
    "上白作街道2024年度工作计划有哪些",
    "各街道开展了哪些普法活动",
    "青山区和白杨镇的法治宣传",
    "全市法治政府建设存在哪些不足",
    "春城街道探索实施了什么样的普法方式？",
    "长春市绿园区2025年工作打算",
]


@pytest.fixture(scope="module")
def corpus():
    reports, _ = read_corpus(REPO / "corpus")
    return reports


@pytest.fixture(scope="module")
def resolvers(corpus, tmp_path_factory):
    infos = [report.info for report in corpus]
    texts = {report.info.source: report.text for report in corpus}
    path = tmp_path_factory.mktemp("names") / "names.sqlite"
    write_names(path, texts.values())
    scanning = ScopeResolver(infos, [normalise_question(text) for text in texts.values()])
    table = ScopeResolver(infos, mentions=NamesTable(path, texts.__getitem__))
    return scanning, table


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_table_scopes_as_the_texts_do(resolvers, question):
    scanning, table = resolvers
    assert table.resolve(question) == scanning.resolve(question)


def test_unknown_and_known_place_words_are_told_apart(resolvers):
    _, table = resolvers
    assert table.resolve(QUESTIONS[0]).out_of_scope
    assert table.resolve(QUESTIONS[0]).unknown_place is not None
    assert table.resolve(QUESTIONS[2]).unknown_place is None


def test_every_tail_lookup_equals_a_scan_of_the_texts(corpus, tmp_path):
    """Each ending a question's place-shaped word can have: written in some text iff the table holds it."""
    texts = [normalise_question(report.text) for report in corpus]
    path = tmp_path / "names.sqlite"
    write_names(path, (report.text for report in corpus))
    table = NamesTable(path, lambda source: "")
    rng = random.Random(0)
    words = sorted({m.group() for text in texts for m in re.finditer(r"[\u4e00-\u9fff]{2,10}?(?:区|市|县|镇|街道)", text)})
    words += ["北京市朝阳区", "向乡镇", "青山区", "不存在的县"]
    for word in rng.sample(words, min(300, len(words))) + words[-4:]:
        for tail in _tails(word):
            assert table.written(tail) == any(tail in text for text in texts), tail
    assert all(any(tail in text for text in texts) for tail in place_tails(texts[0]))
