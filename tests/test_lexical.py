"""Tokenizer and BM25 lexical index: edge cases first, then ranking, masking, save/load."""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from qa.errors import IndexLoadError
from qa.retrieval.lexical import LexicalIndex
from qa.retrieval.tokenize import Tokenizer

PLACES = ["四平市铁东区七马路街道", "七马路街道", "田镇街道", "四平市", "铁西区"]

PASSAGES = [
    "七马路街道走访企业20余次，司法所参加街道党工委会议4次。",
    "田镇街道全年办理行政复议案件806件，纠正违法行政行为3件。",
    "铁西区开展安全教育培训4场，培训网格员312人次。",
    "上白作街道调解矛盾纠纷35起，调解成功率达98.5%。",
    "田镇街道组织法治讲座17场，发放宣传资料5200余份。",
]


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer(PLACES)


@pytest.mark.parametrize("text", ["", "   \n\t", "，。！？……“”（）", "——、；："])
def test_empty_and_punctuation_only_text_gives_no_tokens(tokenizer, text):
    assert tokenizer.tokens(text) == []


def test_user_words_stay_whole_with_their_parts(tokenizer):
    tokens = tokenizer.tokens("田镇街道和七马路街道的工作")
    assert "田镇街道" in tokens and "七马路街道" in tokens
    assert "街道" in tokens  # parts of a kept word are tokens too, for recall
    assert "和" not in tokens and "的" not in tokens
    assert tokenizer.user_words == tuple(PLACES)


def test_without_user_words_an_unknown_place_is_split():
    assert "七马路街道" not in Tokenizer().tokens("七马路街道")


def test_long_words_also_give_the_dictionary_words_inside(tokenizer):
    assert tokenizer.tokens("铁西区") == ["铁西", "西区", "铁西区"]
    assert tokenizer.tokens("四平市铁东区七马路街道")[-1] == "四平市铁东区七马路街道"
    assert {"四平市", "铁东区", "七马路街道", "街道"} <= set(tokenizer.tokens("四平市铁东区七马路街道"))


def test_mixed_scripts_numbers_and_full_width(tokenizer):
    assert tokenizer.tokens("GDP增长5.2%") == ["gdp", "增长", "5.2"]
    assert tokenizer.tokens("办理案件８０６件，ＡＢＣ") == ["办理", "案件", "806", "件", "abc"]


def test_question_words_and_punctuation_are_dropped(tokenizer):
    assert tokenizer.tokens("七马路街道2024年走访企业多少次？") == [
        "马路", "街道", "七马路街道", "2024", "年", "走访", "企业", "次",
    ]


def test_tokenizers_do_not_share_dictionaries():
    with_place = Tokenizer(["上白作街道"])
    assert "上白作街道" in with_place.tokens("上白作街道调解纠纷")
    assert "上白作街道" not in Tokenizer().tokens("上白作街道调解纠纷")


def test_tokens_cut_run_by_run_equal_a_cut_of_the_whole_text():
    """The tokenizer cuts and remembers each run of jieba.re_han_default characters; jieba cuts a whole text
    the same way, so over every passage of the real reports the tokens are those of one cut of the text."""
    import unicodedata
    from pathlib import Path

    from qa.ingest.reports import read_corpus
    from qa.retrieval.tokenize import STOPWORDS, _WORD, _subwords

    reports, _ = read_corpus(Path(__file__).resolve().parent.parent / "corpus")
    texts = [" ".join(p.section) + " " + p.text for report in reports for p in report.passages]
    texts += ["田镇街道2024年调处矛盾纠纷806件。ＡＢＣ　5.2%，Ⅲ级；〇七年", "上白作街道\n\n调解 35 起"]
    places = sorted({place for report in reports for place in report.info.places})
    tokenizer = Tokenizer(places)
    segmenter = tokenizer._loaded()

    def whole(text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text).lower()
        tokens = [t for piece in segmenter.cut(text) for word in _WORD.findall(piece)
                  for t in (*_subwords(word, segmenter.FREQ), word)]
        return [t for t in tokens if t not in STOPWORDS]

    for text in texts * 2:  # the second round is answered from the remembered runs
        assert tokenizer.tokens(text) == whole(text), text[:40]
    assert tokenizer._block_tokens.cache_info().hits > len(texts)


@pytest.mark.parametrize("block_tokens", [1 << 20, 7])
def test_scores_equal_those_bm25s_builds(monkeypatch, block_tokens):
    """LexicalIndex.build makes bm25s's score arrays itself, in blocks; they must be bm25s's, bit for bit."""
    import bm25s
    from pathlib import Path

    from qa.ingest.reports import read_corpus
    from qa.retrieval import bm25_matrix

    monkeypatch.setattr(bm25_matrix, "BLOCK_TOKENS", block_tokens)  # 7: a block per passage or two
    reports, _ = read_corpus(Path(__file__).resolve().parent.parent / "corpus")
    tokenizer = Tokenizer(sorted({place for report in reports for place in report.info.places}))
    token_lists = [tokenizer.tokens(" ".join(p.section) + " " + p.text) for report in reports for p in report.passages]
    token_lists += [[], ["纠纷", "纠纷", "纠纷"], ["独有词"]]  # a passage without tokens, repeats, a token of one passage
    built = LexicalIndex.build(token_lists, k1=1.2, b=0.75)
    vocabulary: dict[str, int] = {}
    ids = [[vocabulary.setdefault(token, len(vocabulary)) for token in tokens] for tokens in token_lists]
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index((ids, vocabulary), create_empty_token=False, show_progress=False)
    for key in ("data", "indices", "indptr"):
        ours, theirs = built._bm25.scores[key], reference.scores[key]
        assert ours.dtype == theirs.dtype and ours.tobytes() == theirs.tobytes(), key
    assert built._bm25.scores["num_docs"] == reference.scores["num_docs"] == len(token_lists)
    assert built._vocabulary == reference.vocab_dict and built.avgdl == float(np.mean([len(i) for i in ids]))


def test_tokenizer_rejects_non_strings():
    with pytest.raises(TypeError, match="not str"):
        Tokenizer(["田镇街道", 3])
    with pytest.raises(TypeError, match="takes a str"):
        Tokenizer().tokens(None)


@pytest.fixture(scope="module")
def index(tokenizer) -> LexicalIndex:
    return LexicalIndex.build([tokenizer.tokens(text) for text in PASSAGES])


@pytest.mark.parametrize(
    "question, best",
    [
        ("田镇街道办理了多少件行政复议案件？", 1),
        ("七马路街道走访企业多少次", 0),
        ("调解成功率是多少", 3),
        ("806件", 1),
        ("哪里培训了312人次网格员", 2),
    ],
)
def test_search_ranks_the_right_passage_first(tokenizer, index, question, best):
    scores, ids = index.search(tokenizer.tokens(question), 3)
    assert ids[0] == best, f"{question!r} ranked {ids.tolist()}"
    assert np.all(scores > 0) and np.all(np.diff(scores) <= 0)


def test_search_returns_only_matching_passages(tokenizer, index):
    scores, ids = index.search(tokenizer.tokens("5200余份宣传资料"), 5)
    assert ids.tolist() == [4]
    assert scores.dtype == np.float32 and ids.dtype == np.int64


def test_empty_or_unknown_query_gives_empty_arrays(tokenizer, index):
    for query in ([], tokenizer.tokens("？？"), ["完全无关的词"]):
        scores, ids = index.search(query, 3)
        assert scores.shape == (0,) and ids.shape == (0,)


def test_allowed_ids_limit_the_search(tokenizer, index):
    query = tokenizer.tokens("田镇街道的法治讲座和行政复议案件")
    _, everywhere = index.search(query, 5)
    _, only_four = index.search(query, 5, allowed_ids=np.array([4, 2]))
    assert set(everywhere[:2].tolist()) == {1, 4}
    assert only_four.tolist() == [4]
    with pytest.raises(ValueError, match=r"within \[0, 5\)"):
        index.search(query, 5, allowed_ids=np.array([7]))


def test_k_below_one_is_rejected(tokenizer, index):
    with pytest.raises(ValueError, match="k of 0"):
        index.search(tokenizer.tokens("案件"), 0)


def test_ties_are_broken_by_lower_id():
    index = LexicalIndex.build([["甲", "乙"], ["丙"], ["甲", "乙"], ["甲", "乙"]])
    scores, ids = index.search(["甲"], 2)
    assert ids.tolist() == [0, 2] and scores[0] == scores[1]


def test_build_rejects_bad_input():
    with pytest.raises(ValueError, match="empty"):
        LexicalIndex.build([])
    with pytest.raises(ValueError, match="non-empty strings"):
        LexicalIndex.build([["案件", ""]])
    with pytest.raises(ValueError, match="list of tokens per document"):
        LexicalIndex.build(["案件"])


def test_save_then_load_gives_identical_results(tmp_path, tokenizer, index):
    index.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical")

    assert len(loaded) == 5 and loaded.vocabulary_size == index.vocabulary_size
    for question in ("田镇街道行政复议案件", "走访企业", "98.5"):
        query = tokenizer.tokens(question)
        np.testing.assert_array_equal(loaded.scores(query), index.scores(query))
        np.testing.assert_array_equal(loaded.search(query, 3)[1], index.search(query, 3)[1])
    vocabulary_text = (tmp_path / "lexical" / "vocab.index.json").read_text(encoding="utf-8")
    assert "行政复议" in vocabulary_text  # readable Chinese, not \u escapes
    assert not list((tmp_path / "lexical").glob("*.pkl"))


def test_load_rejects_missing_or_disagreeing_files(tmp_path, index):
    with pytest.raises(IndexLoadError, match="lexical.json: missing"):
        LexicalIndex.load(tmp_path)
    index.save(tmp_path)
    manifest = json.loads((tmp_path / "lexical.json").read_text(encoding="utf-8"))
    (tmp_path / "lexical.json").write_text(json.dumps({**manifest, "documents": 6}), encoding="utf-8")
    with pytest.raises(IndexLoadError, match="different builds"):
        LexicalIndex.load(tmp_path)


def _random_documents(seed: int, shares: tuple[int, ...], documents: int, longest: int) -> list[list[str]]:
    """Return random documents, each drawing its words from the first n of the words "词0"… for an n of
    `shares` (the last is the whole vocabulary), so document frequencies range from rare to common."""
    rng = random.Random(seed)
    words = [f"词{i}" for i in range(shares[-1])]
    return [[rng.choice(words[: rng.choice(shares)]) for _ in range(rng.randint(1, longest))] for _ in range(documents)]


def test_scores_equal_bm25s_own_scoring_exactly():
    index = LexicalIndex.build(_random_documents(0, (5, 50, 300), 3000, 40))
    for query in (["词1", "词2", "词100"], ["词3"], ["词299", "词0", "词0", "不在"]):
        ids = [index._vocabulary[token] for token in dict.fromkeys(query) if token in index._vocabulary]
        expected = np.asarray(index._bm25.get_scores_from_ids(ids), dtype=np.float32)
        assert np.array_equal(index.scores(query), expected)


def test_a_tokenizer_restored_from_recorded_frequencies_is_the_same_dictionary():
    from qa.retrieval.tokenize import restore

    words = ["青山市河东区红星街道办事处", "红星街道", "河东区", "青山市", "白塔街道", "ＡＢ街道"]
    built = Tokenizer(words)
    text = "青山市河东区红星街道办事处和白塔街道开展普法宣传，ab街道调处矛盾纠纷517件"
    expected = built.tokens(text)
    recorded = list(built.frequencies().values())
    restored = restore({"user_words": words, "frequencies": recorded})
    assert restored.tokens(text) == expected
    assert restored._loaded().FREQ == built._loaded().FREQ and restored._loaded().total == built._loaded().total
    # Segment words come after the generation's, with their own recorded frequencies.
    more = Tokenizer([*words, "绿洲街道"])
    both = restore({"user_words": words, "frequencies": recorded},
                   {"user_words": ["绿洲街道"], "frequencies": [more.frequencies()["绿洲街道"]]})
    assert both._loaded().FREQ == more._loaded().FREQ and both.tokens("绿洲街道普法") == more.tokens("绿洲街道普法")
    # Frequencies that do not fit are worked out again, as when building.
    assert restore({"user_words": words, "frequencies": [1, 2]})._loaded().FREQ == built._loaded().FREQ


def test_an_extended_tokenizer_is_the_dictionary_a_restored_one_loads():
    from qa.retrieval.tokenize import restore

    words = ["青山市河东区红星街道办事处", "红星街道", "河东区"]
    current = Tokenizer(words)
    current.tokens("预热")  # loaded, as in a serving index
    extended = current.extended(["绿洲街道", "河东区"])
    assert extended.user_words == (*words, "绿洲街道")
    frequencies = extended.frequencies()
    restored = restore({"user_words": words, "frequencies": [frequencies[w] for w in words]},
                       {"user_words": ["绿洲街道"], "frequencies": [frequencies["绿洲街道"]]})
    assert restored._loaded().FREQ == extended._loaded().FREQ and restored._loaded().total == extended._loaded().total
    assert "绿洲街道" not in current._loaded().FREQ  # the one in use is left as it was


def test_words_of_recorded_frequencies_added_at_once_are_the_dictionary_add_word_gives():
    import jieba

    # Prefixes of each other, a word jieba knows, two words alike but for case, a word shorter than its prefix's word.
    words = ["红星街道办事处", "红星街道", "人民政府", "AB街道", "Ab街道", "河东区", "河东"]
    worked_out = Tokenizer(words)
    frequencies = worked_out.frequencies()
    one_by_one = jieba.Tokenizer()
    one_by_one.initialize()
    for word in worked_out.user_words:
        one_by_one.add_word(word.lower(), frequencies[word])
    at_once = Tokenizer(words, frequencies)._loaded()
    assert at_once.FREQ == one_by_one.FREQ == worked_out._loaded().FREQ
    assert at_once.total == one_by_one.total == worked_out._loaded().total
    # Recorded for the first words only (an update's new names come last): the rest worked out in order, as a build does.
    partly = Tokenizer(words, {word: frequencies[word] for word in words[:4]})
    assert partly.frequencies() == frequencies and partly._loaded().FREQ == one_by_one.FREQ
    assert partly._loaded().total == one_by_one.total


def test_a_mapped_index_reads_its_postings_from_the_files_and_scores_as_in_memory(tmp_path: Path):
    built = LexicalIndex.build(_random_documents(11, (5, 60, 200), 2000, 30))
    built.save(tmp_path / "lexical")
    mapped = LexicalIndex.load(tmp_path / "lexical", mmap=True)
    assert mapped._data._file is not None and mapped._indices._file is not None
    for query in (["词1", "词2", "词150"], ["词0"], ["不在"], ["词199", "词0", "词0"]):
        assert np.array_equal(mapped.scores(query), built.scores(query))
        assert [a.tolist() for a in mapped.search(query, 7)] == [a.tolist() for a in built.search(query, 7)]
    assert mapped.document_frequency("词3") == built.document_frequency("词3") > 0


def test_scores_of_a_few_documents_are_the_floats_of_all_scores_and_rank_alike(tmp_path: Path):
    built = LexicalIndex.build(_random_documents(5, (4, 40, 120), 3200, 25))
    built.save(tmp_path / "lexical")
    for index in (built, LexicalIndex.load(tmp_path / "lexical", mmap=True)):
        for query in (["词1", "词2", "词77"], ["词0", "词3"], ["不在"], ["词119"]):
            everything = index.scores(query)
            for documents in (np.arange(100, 117), np.array([0, 5, 3199]), np.arange(3000, 3200), np.array([], dtype=np.int64)):
                few = index.query(query)
                assert few.of(documents).tobytes() == everything[documents].tobytes()
                assert few._full is None  # worked out for those documents only
                # Ranked within a report's passages from a lazy query, as from all scores.
                assert [a.tolist() for a in index.top(index.query(query), 5, allowed_ids=documents[::-1])] == \
                    [a.tolist() for a in index.top(everything, 5, allowed_ids=documents)] == \
                    [a.tolist() for a in index.top(everything, 5, allowed_ids=np.r_[documents, documents])]
            assert [a.tolist() for a in index.top(index.query(query), 9)] == [a.tolist() for a in index.top(everything, 9)]
