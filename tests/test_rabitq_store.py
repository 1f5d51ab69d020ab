"""The ivf-rabitq store: its candidates ranked exactly equal exact search, scopes, save/load, and indexes built with it."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from embeddings.store import StoreError, brute_force_top_k, load_store, make_store
from qa import IndexConfig, ReportIndex
from qa.retrieval import backend, building
from tests.test_store import unit_vectors

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = ["铁西区2024年收到行政复议申请多少件？", "春城街道探索实施了什么样的普法方式？",
             "七马路街道法治政府建设存在哪些不足？", "田镇街道2024年调处矛盾纠纷多少件", "如何开展普法宣传"]


def test_candidates_ranked_exactly_equal_brute_force_when_they_cover_the_store():
    vectors, queries = unit_vectors(3000, 32, seed=41), unit_vectors(30, 32, seed=42)
    store = make_store("ivf-rabitq", 32, nlist=64)
    store.add(vectors)
    assert store._index.nprobe == 64 and store.params == {"nlist": 64, "nprobe": None, "qb": 4}  # every cluster
    _, exact = brute_force_top_k(queries, vectors, 10)
    covering = backend.LocalDense(vectors, store, rescore=300)  # 10 * 300 candidates: all 3,000
    assert [covering.ranking(query, 10, None) for query in queries] == exact.tolist()
    # One bit a dimension only estimates similarity: the store's own order is not the exact one,
    # and a few candidates per result miss some of the true top 10 of random vectors.
    _, estimated = store.search(queries, 10)
    assert estimated.tolist() != exact.tolist()
    few = backend.LocalDense(vectors, store, rescore=2)
    recall = np.mean([len(set(few.ranking(q, 10, None)) & set(e)) / 10 for q, e in zip(queries, exact.tolist())])
    assert 0.0 < recall < 1.0


def test_search_among_some_ids_finds_only_those_and_all_of_them_when_k_covers_them():
    vectors, queries = unit_vectors(4000, 32, seed=43), unit_vectors(10, 32, seed=44)
    store = make_store("ivf-rabitq", 32, nlist=64)
    store.add(vectors)
    among = np.arange(5, 4000, 9)
    _, ids = store.search_among(queries, 20, np.r_[among, -1, 4000])  # ids outside the store are ignored
    assert set(ids.ravel().tolist()) <= set(among.tolist())
    _, every = store.search_among(queries, len(among), among)
    assert all(sorted(row) == among.tolist() for row in every.tolist())
    assert store.search_among(queries, 10, np.arange(4000))[1].tolist() == store.search(queries, 10)[1].tolist()


def test_a_broad_scope_is_ranked_exactly_among_its_passages(monkeypatch):
    vectors = unit_vectors(3000, 16, seed=45)
    store = make_store("ivf-rabitq", 16, nlist=64)
    store.add(vectors)
    query = unit_vectors(1, 16, seed=46)[0]
    allowed = np.arange(700, 2300)
    exact = [int(allowed[i]) for i in np.argsort(-(vectors[allowed] @ query), kind="stable")[:10]]
    monkeypatch.setattr(backend, "EXACT_AT_MOST", 100)  # the store is asked, not every row read
    calls = []
    original = type(store).search_among
    monkeypatch.setattr(type(store), "search_among", lambda self, *args: calls.append(len(args[2])) or original(self, *args))
    assert backend.LocalDense(vectors, store, rescore=160).ranking(query, 10, allowed) == exact and calls == [1600]


def test_saves_and_loads_memory_mapped_with_its_params(tmp_path):
    vectors, queries = unit_vectors(2000, 16, seed=47), unit_vectors(10, 16, seed=48)
    store = make_store("ivf-rabitq", 16, nlist=64, nprobe=16, qb=8)
    store.add(vectors)
    before = store.search(queries, 5)
    store.save(tmp_path / "dense")
    loaded = load_store(tmp_path / "dense", mmap=True)
    assert loaded.kind == "ivf-rabitq" and loaded.params == {"nlist": 64, "nprobe": 16, "qb": 8}
    assert loaded._index.nprobe == 16 and loaded._index.qb == 8
    after = loaded.search(queries, 5)
    np.testing.assert_array_equal(after[1], before[1])
    np.testing.assert_array_equal(after[0], before[0])


def test_bad_params_and_a_mislabelled_file_are_refused(tmp_path):
    with pytest.raises(ValueError, match="qb of 0"):
        make_store("ivf-rabitq", 16, nlist=64, qb=0)
    with pytest.raises(ValueError, match="nlist=64 needs at least"):
        make_store("ivf-rabitq", 16, nlist=64).add(unit_vectors(10, 16, seed=49))
    sq8 = make_store("ivf-sq8", 16, nlist=64)
    sq8.add(unit_vectors(1000, 16, seed=50))
    sq8.save(tmp_path / "dense")
    manifest = (tmp_path / "dense" / "store.json").read_text(encoding="utf-8")
    (tmp_path / "dense" / "store.json").write_text(manifest.replace('"ivf-sq8"', '"ivf-rabitq"'), encoding="utf-8")
    with pytest.raises(StoreError, match="holds a IndexIVFScalarQuantizer, but store.json says 'ivf-rabitq'"):
        load_store(tmp_path / "dense")


def _answers(index: ReportIndex) -> list:
    return [(asdict(index.answer(q)), [(h.source, h.text, h.score) for h in index.search(q, 10)]) for q in QUESTIONS]


def _dense_is_exact(index: ReportIndex, encoder) -> bool:
    """Tell whether the unscoped dense ranking is exact search's, ties by lower id (FAISS's flat store orders
    ties its own way, so an unscoped question may differ from a flat index's in tied places only)."""
    vectors = np.asarray(index._vectors)
    queries = encoder.encode(QUESTIONS)
    _, exact = brute_force_top_k(queries, vectors, 50)
    return [index._dense.ranking(query, 50, None) for query in queries] == exact.tolist()


def test_an_index_above_approximate_above_ranks_and_answers_as_the_exact_one(tmp_path, fake_encoder, monkeypatch):
    exact = ReportIndex.build(REPO / "corpus", tmp_path / "flat", encoder=fake_encoder)
    approximate = ReportIndex.build(REPO / "corpus", tmp_path / "rabitq", config=IndexConfig(approximate_above=10),
                                    encoder=fake_encoder)  # 83 passages
    store = approximate._stores[0]
    assert exact._stores[0].kind == "flat"
    assert store.kind == "ivf-rabitq" and store.params == {"nlist": 64, "nprobe": 32, "qb": 4}  # half the clusters
    # The first four name a report: its passages are scored exactly from the vectors by either store.
    assert _answers(approximate)[:4] == _answers(exact)[:4]
    reloaded = ReportIndex.load(tmp_path / "rabitq", encoder=fake_encoder)
    assert reloaded._stores[0].params == store.params and _answers(reloaded) == _answers(approximate)
    # Every cluster scanned, 50 * 100 candidates cover the 83 passages: the ranking is exact search's.
    monkeypatch.setattr(building, "dense_store", lambda config, passages: ("ivf-rabitq", {"nlist": 64}))
    every = ReportIndex.build(REPO / "corpus", tmp_path / "every", config=IndexConfig(approximate_above=10),
                              encoder=fake_encoder)
    assert _dense_is_exact(every, fake_encoder) and _answers(every)[:4] == _answers(exact)[:4]
    # An index built before ivf-rabitq was chosen holds ivf-sq8 (and rescore 4): it still loads and serves.
    monkeypatch.setattr(building, "dense_store", lambda config, passages: ("ivf-sq8", {"nlist": 64, "nprobe": 64}))
    ReportIndex.build(REPO / "corpus", tmp_path / "sq8", config=IndexConfig(approximate_above=10, rescore=4),
                      encoder=fake_encoder)
    old = ReportIndex.load(tmp_path / "sq8", encoder=fake_encoder)
    assert old._stores[0].kind == "ivf-sq8" and old.config.rescore == 4
    assert _answers(old)[:4] == _answers(exact)[:4] and old.answer(QUESTIONS[4]).found
