"""BM25 as sparse vectors: the inner product of a passage's and a question's vector is the local BM25 score."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.errors import IndexLoadError
from qa.ingest.reports import read_corpus
from qa.retrieval.bm25_vectors import Bm25Statistics
from qa.retrieval.building import lexical_input
from qa.retrieval.lexical import LexicalIndex
from qa.retrieval.tokenize import Tokenizer

CORPUS = Path(__file__).parent.parent / "corpus"


def inner(passage: dict[int, float], question: dict[int, float]) -> float:
    return sum(value * question.get(dim, 0.0) for dim, value in passage.items())


@pytest.fixture(scope="module")
def seed_tokens() -> list[list[str]]:
    reports, _ = read_corpus(CORPUS)
    tokenizer = Tokenizer()
    return [tokenizer.tokens(lexical_input(r.info, p)) for r in reports for p in r.passages]


@pytest.mark.parametrize("question", ["调处矛盾纠纷多少件", "行政复议 复议 案件", "普法宣传 法治讲座", "不存在的词语"])
def test_inner_product_equals_the_local_bm25(seed_tokens, question):
    local = LexicalIndex.build(seed_tokens)
    statistics = Bm25Statistics.from_tokens(seed_tokens)
    tokens = Tokenizer().tokens(question)
    query = statistics.question_vector(tokens)
    sparse = np.array([inner(statistics.passage_vector(t), query) for t in seed_tokens])
    np.testing.assert_allclose(sparse, local.scores(tokens), rtol=1e-5, atol=1e-6)
    if question != "不存在的词语":
        assert sparse.max() > 0


def test_repeated_question_tokens_count_once():
    statistics = Bm25Statistics.from_tokens([["复议", "案件"], ["普法"]])
    assert statistics.question_vector(["复议", "复议"]) == statistics.question_vector(["复议"])


def test_longer_passages_weigh_a_term_less_and_repeats_saturate():
    statistics = Bm25Statistics.from_tokens([["复议"], ["复议", "案件", "案件", "案件"], ["普法"]])
    short, long = statistics.passage_vector(["复议"]), statistics.passage_vector(["复议", "案件", "案件", "案件"])
    dim = statistics.vocabulary["复议"]
    assert short[dim] > long[dim]
    assert long[statistics.vocabulary["案件"]] < 3 * long[dim]
    assert statistics.passage_vector([]) == {} and statistics.passage_vector(["未知"]) == {}


def test_save_then_load_gives_the_same_vectors(seed_tokens, tmp_path):
    statistics = Bm25Statistics.from_tokens(seed_tokens)
    statistics.save(tmp_path / "bm25.json")
    loaded = Bm25Statistics.load(tmp_path / "bm25.json")
    assert loaded == statistics
    assert loaded.passage_vector(seed_tokens[3]) == statistics.passage_vector(seed_tokens[3])


def test_damaged_statistics_name_the_file(tmp_path):
    (tmp_path / "bm25.json").write_text('{"format": 1, "tokens": ["a"], "idf": []}', encoding="utf-8")
    with pytest.raises(IndexLoadError, match="bm25.json"):
        Bm25Statistics.load(tmp_path / "bm25.json")


def test_no_passages_is_an_error():
    with pytest.raises(ValueError, match="at least one passage"):
        Bm25Statistics.from_tokens([])
