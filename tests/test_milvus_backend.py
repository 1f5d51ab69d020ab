"""The Milvus backend (on milvus-lite) ranks exactly as the local backend: same hits, same hit@1."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pymilvus", reason="the Milvus backend needs the extra: pip install -e '.[milvus]'")
pytest.importorskip("milvus_lite", reason="the local Milvus tests need milvus-lite: pip install -e '.[milvus]'")

from qa import ReportIndex  # noqa: E402
from qa.errors import IndexLoadError  # noqa: E402
from qa.evaluation import evaluate, load_questions  # noqa: E402
from qa.retrieval.milvus import MilvusTarget  # noqa: E402

ROOT = Path(__file__).parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"


def hits(index: ReportIndex, question: str, **options) -> list[tuple[str, int]]:
    return [(hit.source, hit.passage.start) for hit in index.search(question, k=5, **options)]


@pytest.fixture(scope="module")
def both(tmp_path_factory, request):
    """A local and a Milvus index of the seed corpus, built with the fake encoder."""
    from conftest import FakeEncoder

    folder = tmp_path_factory.mktemp("milvus")
    corpus = folder / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    local = ReportIndex.build(corpus, folder / "local", encoder=FakeEncoder())
    remote = ReportIndex.build(
        corpus, folder / "remote", encoder=FakeEncoder(), backend=MilvusTarget(str(folder / "milvus.db"))
    )
    return local, remote, folder


def test_public_questions_give_the_same_hits_and_hit_at_1(both):
    local, remote, _ = both
    questions = load_questions(QUESTIONS)
    for question in questions:
        assert hits(remote, question.question) == hits(local, question.question), question.id
    assert evaluate(remote, questions).hit_at_1 == evaluate(local, questions).hit_at_1


def test_scope_is_pushed_down_as_a_filter(both):
    local, remote, _ = both
    source = local.reports[1].source
    found = hits(remote, "调处矛盾纠纷", sources=[source])
    assert found and {s for s, _ in found} == {source}
    assert found == hits(local, "调处矛盾纠纷", sources=[source])
    year = local.reports[0].year
    assert hits(remote, "普法宣传", year=year) == hits(local, "普法宣传", year=year)


def test_answers_and_comparisons_agree(both):
    local, remote, _ = both
    for question in ("田镇街道2024年调处矛盾纠纷多少件？", "各街道开展法治讲座多少场？", "七马路街道走访企业多少次？"):
        assert remote.answer(question) == local.answer(question), question


def test_load_reads_the_backend_from_the_manifest(both):
    local, remote, folder = both
    manifest_path = remote._generation / "manifest.json"
    backend = json.loads(manifest_path.read_text(encoding="utf-8"))["backend"]
    assert backend["kind"] == "milvus" and backend["uri"] == str(folder / "milvus.db")
    assert "token" not in backend
    from conftest import FakeEncoder

    loaded = ReportIndex.load(folder / "remote", encoder=FakeEncoder())
    assert loaded._remote is not None and loaded._lexical is None
    question = "春城街道行政复议案件多少件？"
    assert hits(loaded, question) == hits(local, question)


def test_update_writes_a_new_collection_and_drops_the_old(both, tmp_path):
    from conftest import FakeEncoder
    from pymilvus import MilvusClient

    _, _, folder = both
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    target = MilvusTarget(str(tmp_path / "milvus.db"), "updates")
    first = ReportIndex.build(corpus, tmp_path / "index", encoder=FakeEncoder(), backend=target)
    (corpus / "2024_田镇街道.txt").unlink()
    updated = first.update(corpus)
    assert len(updated.reports) == len(first.reports) - 1
    assert {s for s, _ in hits(updated, "调处矛盾纠纷")} <= {r.source for r in updated.reports}
    client = MilvusClient(str(tmp_path / "milvus.db"))
    try:
        names = [n for n in client.list_collections() if n.startswith("updates_")]
        assert names == [updated._remote._collection]
    finally:
        client.close()


def test_a_missing_collection_says_how_to_rebuild(tmp_path):
    from conftest import FakeEncoder
    from pymilvus import MilvusClient

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    index = ReportIndex.build(corpus, tmp_path / "index", encoder=FakeEncoder(), backend=MilvusTarget(str(tmp_path / "m.db")))
    name = index._remote._collection
    index._remote.close()
    client = MilvusClient(str(tmp_path / "m.db"))
    client.drop_collection(name)
    client.close()
    with pytest.raises(IndexLoadError, match="python -m qa build --backend milvus"):
        ReportIndex.load(tmp_path / "index", encoder=FakeEncoder())


@pytest.mark.slow
def test_real_model_gives_the_same_hit_at_1_on_both_backends(tmp_path):
    """Build both through the command line with m3e-small, then compare on the public questions."""
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    for name, extra in (("local", []), ("remote", ["--backend", "milvus", "--uri", str(tmp_path / "m.db")])):
        subprocess.run(
            [sys.executable, "-m", "qa", "build", "--corpus", str(corpus), "--index", str(tmp_path / name), *extra],
            check=True, cwd=ROOT, timeout=900, capture_output=True,
        )
    local, remote = ReportIndex.load(tmp_path / "local"), ReportIndex.load(tmp_path / "remote")
    questions = load_questions(QUESTIONS)
    assert remote._remote is not None
    assert evaluate(remote, questions).hit_at_1 == evaluate(local, questions).hit_at_1
    assert [hits(remote, q.question) for q in questions] == [hits(local, q.question) for q in questions]


def test_a_source_with_quotes_and_backslashes_is_filtered_exactly(tmp_path):
    from conftest import FakeEncoder

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    odd = 'x" or source != "y\\\\z.txt'
    (corpus / "2024_田镇街道.txt").rename(corpus / odd)
    index = ReportIndex.build(corpus, tmp_path / "index", encoder=FakeEncoder(), backend=MilvusTarget(str(tmp_path / "m.db")))
    found = hits(index, "调处矛盾纠纷", sources=[odd])
    assert found and {source for source, _ in found} == {odd}
