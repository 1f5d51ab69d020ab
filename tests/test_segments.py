"""Updates of a large index append a segment beside the generation instead of rewriting it:
added reports are answered, removed and replaced ones are gone, a crash mid-append leaves the
previous state answering, and a full build folds the segment in.
"""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from qa import IndexConfig, ReportIndex
from qa.retrieval import segments
from qa.retrieval.lexical import LexicalIndex
from qa.retrieval.segment_view import DeltaBM25
from tests.test_crash_safety import PAUSING, corpus_copy

REPO = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
TIAN = "2024_田镇街道.txt"
TIAN_QUESTION = "田镇街道2024年调处矛盾纠纷多少件"
QUESTIONS = ["铁西区2024年收到行政复议申请多少件？", "春城街道探索实施了什么样的普法方式？",
             "七马路街道法治政府建设存在哪些不足？", TIAN_QUESTION]
# Every update of these small test indexes takes the segment path.
SEGMENTED = IndexConfig(segment_above=0)


@pytest.fixture(autouse=True)
def any_segment_size(monkeypatch):
    """The test corpus is tiny: one report is a third of it, far above segments.MAX_SHARE."""
    monkeypatch.setattr(segments, "MAX_SHARE", 10.0)


def answers(index: ReportIndex) -> list[dict]:
    return [asdict(index.answer(question)) for question in QUESTIONS]


def pointer(folder: Path) -> list[str]:
    return (folder / "CURRENT").read_text(encoding="utf-8").split()


@pytest.fixture
def without_tian(tmp_path: Path, fake_encoder) -> tuple[Path, Path, ReportIndex]:
    corpus = corpus_copy(tmp_path / "corpus", without=TIAN)
    index = ReportIndex.build(corpus, tmp_path / "index", config=SEGMENTED, encoder=fake_encoder)
    assert not index.answer(TIAN_QUESTION).found
    return corpus, tmp_path / "index", index


def test_an_added_report_is_answered_from_a_segment(without_tian, fake_encoder):
    corpus, folder, index = without_tian
    generation = pointer(folder)[0]
    shutil.copy(REPO / "corpus" / TIAN, corpus / TIAN)
    updated = index.update(corpus)
    fields = pointer(folder)
    assert fields[0] == generation and len(fields) == 4 and fields[2].startswith("seg-")
    answer = updated.answer(TIAN_QUESTION)
    assert answer.found and answer.text.startswith("806") and answer.quotes[0].source == TIAN
    assert TIAN in {info.source for info in updated.reports} and len(updated.reports) == 5
    reloaded = ReportIndex.load(folder, encoder=fake_encoder)
    assert answers(reloaded) == answers(updated)
    # The segment's manifest lists and hashes its files; an edited one is refused on load.
    manifest = (folder / generation / fields[2] / "manifest.json").read_text(encoding="utf-8")
    assert '"vectors.npy"' in manifest and '"tokens.jsonl"' in manifest and '"names.sqlite"' in manifest
    with open(folder / generation / fields[2] / "tokens.jsonl", "a", encoding="utf-8") as tokens:
        tokens.write('["x"]\n')
    with pytest.raises(Exception, match="does not match its manifest hash"):
        ReportIndex.load(folder, encoder=fake_encoder)


def test_the_other_reports_answer_as_before(without_tian, fake_encoder):
    corpus, folder, index = without_tian
    before = answers(index)[:3]
    shutil.copy(REPO / "corpus" / TIAN, corpus / TIAN)
    assert answers(index.update(corpus))[:3] == before


def test_a_replaced_report_answers_from_its_new_text_only(tmp_path: Path, fake_encoder, monkeypatch):
    from qa.retrieval import lexical as lexical_module

    monkeypatch.setattr(lexical_module, "FEW_SHARE", 1.0)  # the tiny index's subsets are scored on their own
    corpus = corpus_copy(tmp_path / "corpus")
    folder = tmp_path / "index"
    index = ReportIndex.build(corpus, folder, config=SEGMENTED, encoder=fake_encoder)
    assert index.answer(TIAN_QUESTION).text.startswith("806")
    path = corpus / TIAN
    path.write_text(path.read_text(encoding="utf-8").replace("调处矛盾纠纷806件", "调处矛盾纠纷912件"), encoding="utf-8")
    updated = index.update(corpus)
    assert len(pointer(folder)) == 4
    assert updated.answer(TIAN_QUESTION).text.startswith("912")
    hits = updated.search("调处矛盾纠纷806件", k=50)
    assert not [hit for hit in hits if "806件" in hit.text]
    assert sorted(info.source for info in updated.reports) == sorted(p.name for p in corpus.iterdir())
    # Scores of a few passages (the masked old version, the new one in the segment, others) are those of all.
    lexical, tokens = updated._lexical, updated._tokenizer.tokens("田镇街道调处矛盾纠纷806件")
    masked, count = updated._view.masked, len(updated.passages)
    for documents in (np.arange(count), np.unique(np.r_[masked, count - 3 : count, 0:4]), masked, np.arange(count - 2, count)):
        assert lexical.query(tokens).of(documents).tobytes() == lexical.scores(tokens)[documents].tobytes()
    assert not lexical.scores(tokens)[masked].any()
    # Replaced again: the segment holds the newest version only, and one segment folder remains.
    path.write_text(path.read_text(encoding="utf-8").replace("912件", "333件"), encoding="utf-8")
    again = updated.update(corpus)
    assert again.answer(TIAN_QUESTION).text.startswith("333")
    assert len(list((folder / pointer(folder)[0]).glob("seg-*"))) == 1
    assert ReportIndex.load(folder, encoder=fake_encoder).answer(TIAN_QUESTION).text.startswith("333")


def test_a_deleted_report_is_gone(tmp_path: Path, fake_encoder):
    corpus = corpus_copy(tmp_path / "corpus")
    index = ReportIndex.build(corpus, tmp_path / "index", config=SEGMENTED, encoder=fake_encoder)
    (corpus / TIAN).unlink()
    updated = index.update(corpus)
    assert TIAN not in {info.source for info in updated.reports}
    assert not updated.answer(TIAN_QUESTION).found
    assert all(hit.source != TIAN for hit in updated.search("调处矛盾纠纷806件", k=50))
    assert all(hit.source != TIAN for hit in ReportIndex.load(tmp_path / "index", encoder=fake_encoder).search("田镇", k=50))


def test_a_full_build_folds_the_segment_in(without_tian, fake_encoder):
    corpus, folder, index = without_tian
    shutil.copy(REPO / "corpus" / TIAN, corpus / TIAN)
    segmented = answers(index.update(corpus))
    rebuilt = ReportIndex.build(corpus, folder, config=SEGMENTED, encoder=fake_encoder)
    assert len(pointer(folder)) == 2 and not list((folder / pointer(folder)[0]).glob("seg-*"))
    assert answers(rebuilt) == segmented


def test_a_segment_grown_too_large_is_folded_by_a_full_write(without_tian, monkeypatch):
    corpus, folder, index = without_tian
    monkeypatch.setattr(segments, "MAX_SHARE", 0.0)
    shutil.copy(REPO / "corpus" / TIAN, corpus / TIAN)
    updated = index.update(corpus)
    assert len(pointer(folder)) == 2 and pointer(folder)[0] != index._generation.name
    assert updated.answer(TIAN_QUESTION).text.startswith("806")


UPDATE_SCRIPT = PAUSING + """
from qa.retrieval import segments
segments.MAX_SHARE = 10.0

storage.save_vectors = pause("vectors", storage.save_vectors)
storage._write_atomic = pause("pointer", storage._write_atomic)
storage._fsync_tree = pause("fsync", storage._fsync_tree)
ReportIndex.load(sys.argv[2], encoder=FakeEncoder()).update(sys.argv[1])
print("done", flush=True)
"""


@pytest.mark.parametrize("stage", ["vectors", "fsync", "pointer"])
def test_an_append_killed_midway_leaves_the_previous_state(without_tian, stage: str, fake_encoder):
    corpus, folder, index = without_tian
    before = answers(index)
    shutil.copy(REPO / "corpus" / TIAN, corpus / TIAN)
    script = UPDATE_SCRIPT.format(tests=str(TESTS), repo=str(REPO))
    process = subprocess.Popen([sys.executable, "-c", script, str(corpus), str(folder), stage],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    line = ""
    while time.monotonic() < deadline and not line.startswith("at "):
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
    process.send_signal(signal.SIGKILL)
    output = line + process.communicate(timeout=30)[0]
    assert f"at {stage}" in output, output
    assert len(pointer(folder)) == 2  # CURRENT still names the generation alone
    assert list((folder / pointer(folder)[0]).glob("seg-*"))  # the segment was being written
    assert answers(ReportIndex.load(folder, encoder=fake_encoder)) == before
    # The next update completes and removes what the killed one left behind.
    updated = ReportIndex.load(folder, encoder=fake_encoder).update(corpus)
    assert updated.answer(TIAN_QUESTION).text.startswith("806")
    assert len(list((folder / pointer(folder)[0]).glob("seg-*"))) == 1


def test_segment_bm25_equals_bm25s_with_the_same_statistics():
    # A segment of copies of the generation's documents: df and N both double, the mean length stays,
    # so its scores must equal those bm25s gives the copies in one index of both.
    docs = [["法治", "政府", "建设"], ["行政", "复议", "案件", "案件"], ["普法", "宣传", "法治"], ["调解", "纠纷"]]
    base = LexicalIndex.build(docs)
    whole = LexicalIndex.build(docs + docs)
    delta = DeltaBM25(docs, base)
    for query in (["法治"], ["案件", "复议"], ["纠纷", "法治", "不在"]):
        np.testing.assert_allclose(delta.scores(query), whole.scores(query)[len(docs):], rtol=1e-5)


def test_changes_are_found_by_stat_and_only_changed_files_are_read(tmp_path: Path, monkeypatch):
    import os

    from qa.retrieval import changes

    corpus = corpus_copy(tmp_path / "corpus")
    old = time.time() - 10  # settled: older than the racy window
    for path in corpus.iterdir():
        os.utime(path, (old, old))
    time.sleep(2.1)  # ctime too must be older than the racy window
    stats = changes.stat_corpus(corpus)
    assert sorted(stats) == sorted(p.name for p in corpus.iterdir())
    indexed = {source: "recorded-hash" for source in stats}
    (corpus / TIAN).write_text("田镇街道 2024 年度法治政府建设情况报告\n调处矛盾纠纷912件。", encoding="utf-8")
    shutil.copy(REPO / "corpus" / TIAN, corpus / "new.txt")
    removed = next(name for name in sorted(stats) if name != TIAN)
    (corpus / removed).unlink()
    read: list[str] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or original(self))
    found = changes.find_changes(corpus, indexed, stats)
    assert (found.added, found.changed, found.removed) == (("new.txt",), (TIAN,), (removed,))
    assert read == [TIAN]  # the unchanged files were vouched for by their stat
    # A folder holding a link or a hidden report is scanned in full, with the reasons.
    (corpus / ".hidden.txt").write_text("x", encoding="utf-8")
    assert changes._plain_walk(corpus) is None
    assert [failure.path for failure in changes.find_changes(corpus, indexed, stats).skipped] == [".hidden.txt"]


def test_the_stats_kept_from_the_load_are_those_recorded_in_the_index(without_tian, tmp_path: Path):
    import json

    from qa.retrieval import records

    _, _, index = without_tian
    lines = (index._generation / records.INFOS).read_text(encoding="utf-8").splitlines()
    written = []
    for number, line in enumerate(lines):
        record = json.loads(line)
        # Stats as recorded, none (an index written before they were), or damaged.
        record["stat"] = [[4096 + number, 10**18 + number, 10**18 + 7], None, ["x", 1, 2]][min(number, 2)]
        written.append(json.dumps(record, ensure_ascii=False))
    path = tmp_path / records.INFOS
    path.write_text("\n".join(written) + "\n", encoding="utf-8")
    infos, counts, stats = records.read_metadata(path)
    assert (infos, counts) == records.read_infos(path)
    assert records.stats_by_source(infos, stats) == {infos[0].source: [4096, 10**18, 10**18 + 7]}
    # A damaged stat matches no file's stat either way: read_stats kept it, so such a file was hashed; now it is too.
    assert records.stats_by_source(infos, stats) == {s: v for s, v in records.read_stats(path).items() if "x" not in v}


def test_a_report_file_suffix_is_found_as_splitext_finds_it():
    import os

    from qa.retrieval.changes import _suffix

    for name in ("a.txt", "A.TXT", "a.b.Docx", ".txt", "..txt", ".hidden.pdf", "noext", "a.", "~$a.docx", "x..html"):
        assert _suffix(name) == os.path.splitext(name)[1].lower(), name


def test_ranges_are_concatenated_in_order():
    from qa.retrieval.segment_view import concatenated_ranges

    starts, ends = np.array([5, 0, 9, 9, 20]), np.array([8, 2, 9, 11, 21])
    assert concatenated_ranges(starts, ends).tolist() == [5, 6, 7, 0, 1, 9, 10, 20]
    assert concatenated_ranges(np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() == []
    assert concatenated_ranges(np.array([3]), np.array([3])).dtype == np.int64


def test_a_removal_keeps_the_segment_words_frequencies_without_loading_the_dictionary(without_tian, fake_encoder):
    import json

    corpus, folder, index = without_tian
    shutil.copy(REPO / "corpus" / TIAN, corpus / TIAN)
    index.update(corpus)
    fields = pointer(folder)
    added = json.loads((folder / fields[0] / fields[2] / "manifest.json").read_text(encoding="utf-8"))
    assert added["user_words"] and len(added["frequencies"]) == len(added["user_words"])
    fresh = ReportIndex.load(folder, encoder=fake_encoder)
    removed = next(info.source for info in fresh.reports if info.source != TIAN)
    (corpus / removed).unlink()
    updated = fresh.update(corpus)
    assert updated._tokenizer._segmenter is None  # nothing to tokenise: jieba's dictionary was not loaded
    fields = pointer(folder)
    after = json.loads((folder / fields[0] / fields[2] / "manifest.json").read_text(encoding="utf-8"))
    assert (after["user_words"], after["frequencies"]) == (added["user_words"], added["frequencies"])
    assert removed not in {info.source for info in updated.reports} and updated.answer(TIAN_QUESTION).found
