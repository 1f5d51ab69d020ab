"""ReportIndex end to end with a fake encoder: build, save -> load, manifest checks, the report/year rule."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa import IndexConfig, IndexLoadError, QAError, QuestionError, ReportIndex
from qa.ingest.metadata import METADATA_VERSION

TEMPLATE = """{issuer}
关于{year}年度法治政府建设情况的报告

{year}年，{short}认真贯彻落实法治政府建设决策部署。现将有关情况报告如下：

一、推进法治政府建设的主要举措和成效

（一）化解矛盾纠纷。健全完善基层治理体系，全年调处矛盾纠纷{disputes}件，调处成功率{rate}%。

（二）强化普法宣传。全年举办法律讲座{lectures}场，发放宣传资料{leaflets}余份。

二、存在的不足和原因

（一）普法形式单一。仍依赖传统宣传方式，新媒体应用不足。

{issuer}
{next_year}年1月{day}日
"""


def write_report(folder: Path, name: str, issuer: str, short: str, year: int, disputes: int, lectures: int) -> None:
    text = TEMPLATE.format(issuer=issuer, short=short, year=year, next_year=year + 1, disputes=disputes,
                           rate=90 + disputes % 9, lectures=lectures, leaflets=lectures * 100, day=disputes % 28 + 1)
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_report(folder, "a.txt", "青山市河东区红星街道办事处", "红星街道", 2024, 517, 11)
    write_report(folder, "b.txt", "青山市河西区白塔街道办事处", "白塔街道", 2024, 733, 27)
    write_report(folder, "c.txt", "青山市河西区白塔街道办事处", "白塔街道", 2023, 691, 19)
    return folder


@pytest.fixture
def index(corpus: Path, tmp_path: Path, fake_encoder) -> ReportIndex:
    return ReportIndex.build(corpus, tmp_path / "index", encoder=fake_encoder)


def test_build_reads_every_report(index: ReportIndex):
    assert sorted(info.source for info in index.reports) == ["a.txt", "b.txt", "c.txt"]
    assert all(index.passage_count(info.source) >= 3 for info in index.reports)


def test_hit_points_into_the_report_text(index: ReportIndex):
    hit = index.search("红星街道2024年调处矛盾纠纷多少件", k=1)[0]
    assert hit.source == "a.txt" and "517" in hit.text
    assert index.text_of(hit.source)[hit.passage.start : hit.passage.end] == hit.text
    assert hit.report == "青山市河东区红星街道办事处 2024年"
    assert hit.section.startswith("一、推进法治政府建设的主要举措和成效")


def test_named_report_and_year_decide(index: ReportIndex):
    for question, source, figure in [
        ("白塔街道2024年调处矛盾纠纷多少件", "b.txt", "733"),
        ("白塔街道2023年调处矛盾纠纷多少件", "c.txt", "691"),
        ("河东区举办法律讲座多少场", "a.txt", "11"),
    ]:
        hits = index.search(question, k=5)
        assert hits and {h.source for h in hits} == {source}, question
        assert figure in hits[0].text or any(figure in h.text for h in hits[:2]), question


def test_unknown_place_gets_no_passages(index: ReportIndex):
    assert index.search("北京市朝阳区2024年调处矛盾纠纷多少件", k=5) == []


def test_unscoped_search_spans_reports(index: ReportIndex):
    hits = index.search("调处矛盾纠纷", k=5)
    assert len({h.source for h in hits}) == 3


def test_save_then_load_gives_identical_results(index: ReportIndex, tmp_path: Path, fake_encoder):
    loaded = ReportIndex.load(tmp_path / "index", encoder=fake_encoder)
    for question in ["白塔街道2023年调处矛盾纠纷多少件", "普法形式单一", "法律讲座"]:
        before = [(h.source, h.passage.start, round(h.score, 9)) for h in index.search(question, k=5)]
        after = [(h.source, h.passage.start, round(h.score, 9)) for h in loaded.search(question, k=5)]
        assert before == after


def test_load_refuses_another_model(index: ReportIndex, tmp_path: Path, fake_encoder):
    class OtherEncoder(type(fake_encoder)):
        name = "other-model"

    with pytest.raises(IndexLoadError, match="built with model 'fake-bigram'.*rebuild"):
        ReportIndex.load(tmp_path / "index", encoder=OtherEncoder())


def test_edited_index_file_is_detected(index: ReportIndex, tmp_path: Path, fake_encoder):
    generation = next((tmp_path / "index").glob("gen-*"))
    passages = generation / "passages.jsonl"
    passages.write_text(passages.read_text(encoding="utf-8").replace("517", "999"), encoding="utf-8")
    with pytest.raises(IndexLoadError, match="passages.jsonl does not match"):
        ReportIndex.load(tmp_path / "index", encoder=fake_encoder)


def test_not_an_index_folder(tmp_path: Path, fake_encoder):
    with pytest.raises(IndexLoadError, match="not a report index"):
        ReportIndex.load(tmp_path, encoder=fake_encoder)


def test_update_embeds_only_new_reports(index: ReportIndex, corpus: Path, tmp_path: Path, fake_encoder):
    class CountingEncoder(type(fake_encoder)):
        encoded = 0

        def encode(self, texts, *, batch_size=32):
            CountingEncoder.encoded += len(texts)
            return super().encode(texts, batch_size=batch_size)

    write_report(corpus, "d.txt", "青山市河北区绿洲街道办事处", "绿洲街道", 2024, 288, 5)
    counting = CountingEncoder()
    reloaded = ReportIndex.load(tmp_path / "index", encoder=counting)
    updated = reloaded.update(corpus)
    assert CountingEncoder.encoded == updated.passage_count("d.txt")
    assert updated.search("绿洲街道调处矛盾纠纷多少件", k=1)[0].source == "d.txt"
    # the old object still answers from the old generation's data
    assert "d.txt" not in {info.source for info in reloaded.reports}
    assert ReportIndex.load(tmp_path / "index", encoder=fake_encoder).passage_count("d.txt") > 0


def test_an_index_read_by_an_older_metadata_reader_rereads_its_reports_without_embedding(
        index: ReportIndex, corpus: Path, tmp_path: Path, fake_encoder, monkeypatch):
    class CountingEncoder(type(fake_encoder)):
        encoded = 0

        def encode(self, texts, *, batch_size=32):
            CountingEncoder.encoded += len(texts)
            return super().encode(texts, batch_size=batch_size)

    reloaded = ReportIndex.load(tmp_path / "index", encoder=CountingEncoder())
    assert reloaded.update(corpus) is reloaded  # nothing changed: nothing is done
    monkeypatch.setattr("qa.index.METADATA_VERSION", METADATA_VERSION + 1)  # a later reader reads reports otherwise
    reread = reloaded.update(corpus)
    assert reread is not reloaded and CountingEncoder.encoded == 0
    assert [i.source for i in reread.reports] == [i.source for i in reloaded.reports]


def test_unreadable_file_is_listed_and_the_rest_indexed(corpus: Path, tmp_path: Path, fake_encoder):
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    index = ReportIndex.build(corpus, tmp_path / "index", encoder=fake_encoder)
    assert [f.path for f in index.failures] == ["broken.txt"] or any("broken.txt" in f.path for f in index.failures)
    assert len(index.reports) == 3


def test_empty_corpus_is_an_error(tmp_path: Path, fake_encoder):
    (tmp_path / "empty").mkdir()
    with pytest.raises(QAError, match="no readable report"):
        ReportIndex.build(tmp_path / "empty", tmp_path / "index", encoder=fake_encoder)


@pytest.mark.parametrize("question", ["", "   ", "？！。", "..."])
def test_questions_without_words_are_refused(index: ReportIndex, question: str):
    with pytest.raises(QuestionError, match="has no words"):
        index.search(question)


@pytest.mark.parametrize("k", [0, -1, 2.5, True])
def test_bad_k_is_refused(index: ReportIndex, k):
    with pytest.raises(QuestionError, match="k="):
        index.search("调处矛盾纠纷", k=k)


def test_long_question_is_capped(index: ReportIndex):
    hits = index.search("调处矛盾纠纷" * 20_000, k=3)
    assert len(hits) == 3


def test_update_tokenises_only_new_passages(index: ReportIndex, corpus: Path, tmp_path: Path, fake_encoder, monkeypatch):
    from qa.retrieval.tokenize import Tokenizer

    tokenised: list[str] = []
    original = Tokenizer.tokens

    def counting(self, text):
        tokenised.append(text)
        return original(self, text)

    monkeypatch.setattr(Tokenizer, "tokens", counting)
    write_report(corpus, "d.txt", "青山市河东区绿洲街道办事处", "绿洲街道", 2024, 288, 5)
    updated = ReportIndex.load(tmp_path / "index", encoder=fake_encoder).update(corpus)
    # Only the new report's passages are tokenised, less those whose text an old passage already had.
    from qa.retrieval.building import lexical_input

    old_inputs = {lexical_input(index.report(p.source).info, p) for p in index.passages}
    new_report = updated.report("d.txt")
    expected = [lexical_input(new_report.info, p) for p in new_report.passages]
    assert tokenised == [text for text in expected if text not in old_inputs]
    assert 0 < len(tokenised) < len(expected)
    reloaded = ReportIndex.load(tmp_path / "index", encoder=fake_encoder)
    question = "河东区举办法律讲座多少场"
    assert [h.passage for h in updated.search(question)] == [h.passage for h in reloaded.search(question)]


def test_a_report_that_goes_bad_keeps_its_indexed_version(index: ReportIndex, corpus: Path, tmp_path: Path, fake_encoder):
    (corpus / "a.txt").write_bytes(b"\x00\x01binary\x00" * 40)
    updated = ReportIndex.load(tmp_path / "index", encoder=fake_encoder).update(corpus)
    assert [f.path for f in updated.failures] == ["a.txt"] and "kept" in updated.failures[0].reason
    assert updated.search("红星街道调处矛盾纠纷多少件", k=1)[0].source == "a.txt"


def test_a_removed_report_leaves_the_index(index: ReportIndex, corpus: Path, tmp_path: Path, fake_encoder):
    (corpus / "a.txt").unlink()
    updated = ReportIndex.load(tmp_path / "index", encoder=fake_encoder).update(corpus)
    assert "a.txt" not in {info.source for info in updated.reports} and updated.failures == ()


def test_a_figure_is_not_answered_from_a_report_of_another_year(corpus: Path, tmp_path: Path, fake_encoder):
    text = (corpus / "a.txt").read_text(encoding="utf-8").replace("（二）强化普法宣传", "（二）2025年工作打算：强化普法宣传")
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    index = ReportIndex.build(corpus, tmp_path / "index", encoder=fake_encoder)
    assert index.answer("红星街道2024年调处矛盾纠纷多少件").text == "517件"
    refused = index.answer("红星街道2025年调处矛盾纠纷多少件")
    assert not refused.found and refused.text is None
    # the 2024 report still answers for its 2025 plans
    assert index.scope("红星街道2025年工作打算有哪些").sources == ("a.txt",)


def test_a_plan_section_yields_to_the_results_unless_plans_are_asked(tmp_path: Path, fake_encoder):
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "p.txt").write_text(
        "青山市河东区红星街道办事处\n关于2024年度法治政府建设情况的报告\n\n"
        "一、主要成效\n\n（一）基层治理。全年受理各类纠纷412件，均已化解。\n\n"
        "二、2025年工作安排\n\n（一）化解矛盾纠纷。化解矛盾纠纷，化解矛盾纠纷。\n",
        encoding="utf-8",
    )
    index = ReportIndex.build(folder, tmp_path / "index", encoder=fake_encoder)
    assert "412" in index.search("红星街道化解矛盾纠纷多少件", k=1)[0].text
    assert "安排" in index.search("红星街道2025年化解矛盾纠纷有什么安排", k=1)[0].section
    unweighted = ReportIndex.load(tmp_path / "index", encoder=fake_encoder)
    unweighted.config = IndexConfig(plan_section_weight=1.0)
    assert "安排" in unweighted.search("红星街道化解矛盾纠纷多少件", k=1)[0].section


def _variant(fake_encoder, name: str, backend: str, quantisation: str):
    """Return the fake encoder under another name and backend, as load_encoder would give it."""
    class Variant(type(fake_encoder)):
        provenance = {"model": "fake", "backend": backend, "quantisation": quantisation}

    variant = Variant()
    variant.name = name
    return variant


def test_manifest_records_the_encoder_and_either_backend_of_the_same_vectors_loads(corpus: Path, tmp_path: Path, fake_encoder):
    built_with = _variant(fake_encoder, "fake-bigram", "torch", "none")
    ReportIndex.build(corpus, tmp_path / "index", encoder=built_with)
    generation = next((tmp_path / "index").glob("gen-*"))
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["encoder"] == {"model": "fake", "backend": "torch", "quantisation": "none"}

    loaded = ReportIndex.load(tmp_path / "index", encoder=_variant(fake_encoder, "fake-bigram", "onnx", "none"))
    assert loaded.search("白塔街道2023年调处矛盾纠纷多少件", k=1)[0].source.endswith(".txt")


def test_load_refuses_an_int8_encoder_for_an_fp32_index_naming_both(corpus: Path, tmp_path: Path, fake_encoder):
    ReportIndex.build(corpus, tmp_path / "index", encoder=_variant(fake_encoder, "fake-bigram", "onnx", "none"))
    int8 = _variant(fake_encoder, "fake-bigram+onnx-int8", "onnx", "int8-dynamic-per-channel")
    with pytest.raises(IndexLoadError, match=r"'fake-bigram' \(onnx, quantisation none\).*'fake-bigram\+onnx-int8' "
                                             r"\(onnx, quantisation int8-dynamic-per-channel\).*--model fake-bigram\+onnx-int8"):
        ReportIndex.load(tmp_path / "index", encoder=int8)


def test_load_refuses_when_only_a_fallback_encoder_is_available(corpus: Path, tmp_path: Path, fake_encoder, monkeypatch):
    ReportIndex.build(corpus, tmp_path / "index", encoder=_variant(fake_encoder, "fake-bigram+onnx-int8", "onnx", "int8"))
    asked = []

    def fallback(model: str):  # what load_encoder gives when onnxruntime is missing: fp32 PyTorch
        asked.append(model)
        return _variant(fake_encoder, "fake-bigram", "torch", "none")

    monkeypatch.setattr("qa.index.load_encoder", fallback)
    with pytest.raises(IndexLoadError, match=r"available here is 'fake-bigram' \(torch.*make setup"):
        ReportIndex.load(tmp_path / "index")
    assert asked == ["fake-bigram+onnx-int8"]


def test_two_years_of_one_issuer_are_compared_a_row_each(index: ReportIndex):
    answer = index.answer("白塔街道2023年和2024年调处矛盾纠纷各是多少件？")
    rows = {row.quotes[0].source: row.text for row in answer.rows if row.found}
    assert answer.kind == "comparison" and rows == {"b.txt": "733件", "c.txt": "691件"}


def test_that_year_in_a_follow_up_is_the_year_asked_before(index: ReportIndex):
    history = ["白塔街道2023年调处矛盾纠纷多少件？"]
    assert index.answer("白塔街道那年举办法律讲座多少场？", history=history).text == "19场"


def test_a_year_carried_from_the_conversation_does_not_rule_out_a_place_of_another_year(index: ReportIndex):
    history = ["白塔街道2023年调处矛盾纠纷多少件？"]
    answer = index.answer("红星街道呢？", history=history)
    assert answer.text == "517件" and answer.quotes[0].source == "a.txt"
    assert not index.answer("红星街道2023年呢？", history=history).found  # a year the user says still rules


def test_a_lead_in_that_only_says_a_new_question_follows_is_no_part_of_it(index: ReportIndex):
    history = ["白塔街道2023年调处矛盾纠纷多少件？"]
    for asked in ("另外问一下，红星街道调处矛盾纠纷多少件？", "换个地方，红星街道调处矛盾纠纷多少件？"):
        answer = index.answer(asked, history=history)
        assert answer.found and answer.text == "517件", asked


def test_parts_answered_from_different_reports_are_also_rows(index: ReportIndex):
    answer = index.answer("红星街道2024年调处矛盾纠纷多少件，白塔街道2023年举办法律讲座多少场？")
    assert answer.found and answer.text == "517件；19场"
    assert [(row.quotes[0].source, row.text) for row in answer.rows] == [("a.txt", "517件"), ("c.txt", "19场")]
    assert index.answer("红星街道2024年调处矛盾纠纷多少件，举办法律讲座多少场？").rows == ()  # one report: no rows


def test_a_question_searched_then_answered_is_encoded_and_ranked_once(index: ReportIndex, monkeypatch):
    encoded, ranked = [], []
    encode, rank = index._encoder.encode, index._rank
    monkeypatch.setattr(index._encoder, "encode", lambda texts, **kw: encoded.append(list(texts)) or encode(texts, **kw))
    monkeypatch.setattr(index, "_rank", lambda *args: ranked.append(args[1:]) or rank(*args))
    question = "白塔街道2024年调处矛盾纠纷多少件"
    hits = index.search(question, k=5)
    answer = index.answer(question)
    assert len(encoded) == 1 and len(ranked) == 1
    assert answer.quotes[0].source == hits[0].source == "b.txt" and "733" in (answer.text or "")
    hits[:] = []  # a caller changing its list changes no later result
    assert index.search(question, k=5)[0].source == "b.txt" and len(encoded) == 1
    index.search(question, k=3)  # another k, another ranking
    index.search("白塔街道2023年调处矛盾纠纷多少件", k=5)
    assert len(encoded) == 3 and len(ranked) == 3


def test_listing_two_years_side_by_side_is_a_comparison(index: ReportIndex):
    answer = index.answer("把白塔街道2023年和2024年调处矛盾纠纷的件数列一下")
    assert answer.kind == "comparison" and sorted(row.text for row in answer.rows if row.found) == ["691件", "733件"]


def test_two_places_asked_the_same_of_each_are_compared_whatever_is_asked(index: ReportIndex):
    answer = index.answer("红星街道和白塔街道2024年各自的报告是哪天写的？")
    rows = {row.quotes[0].source: row.text for row in answer.rows if row.found}
    assert answer.kind == "comparison" and rows == {"a.txt": "2025年1月14日", "b.txt": "2025年1月6日"}


def test_two_places_each_with_its_own_topic_asked_what_follows_ge_are_answered_each(index: ReportIndex):
    answer = index.answer("红星街道2024年的法律讲座和白塔街道2023年的调处矛盾纠纷各是多少？")
    assert answer.found and answer.text == "11场；691件"
    assert [(row.quotes[0].source, row.text) for row in answer.rows] == [("a.txt", "11场"), ("c.txt", "691件")]
    after_a_comma = index.answer("红星街道2024年的法律讲座和白塔街道2023年的调处矛盾纠纷，分别是多少？")
    assert after_a_comma.found and after_a_comma.text == "11场；691件"
    shared = index.answer("红星街道和白塔街道2024年各举办法律讲座多少场？")  # one topic: a comparison
    assert shared.kind == "comparison" and sorted(row.text for row in shared.rows if row.found) == ["11场", "27场"]
