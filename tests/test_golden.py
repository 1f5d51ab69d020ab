"""The public questions, end to end with the real default model over corpus/ (slow: loads m3e-small)."""
from __future__ import annotations

from pathlib import Path

import pytest

from qa import ReportIndex
from qa.evaluation import answer_pieces, evaluate, evaluate_conversations, load_conversations, load_questions, same_text

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
QUESTIONS = load_questions(DATA / "questions.jsonl")


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> ReportIndex:
    return ReportIndex.build(REPO / "corpus", tmp_path_factory.mktemp("golden") / "index")


def test_retrieval_and_answer_targets(index: ReportIndex):
    scores = evaluate(index, QUESTIONS)
    missed = [o for o in scores.outcomes if o.rank != 1]
    # 0.971 on the first 35 questions; the 19 written in users' own words bring it to 0.942.
    assert scores.hit_at_1 >= 0.94, missed
    assert scores.hit_at_5 == 1.0, missed
    assert scores.answer_accuracy >= 0.95, [o for o in scores.outcomes if o.answered is False]
    assert scores.refusal_accuracy == 1.0, [o for o in scores.outcomes if not o.refused_right]


@pytest.mark.parametrize("gold", [q for q in QUESTIONS if q.answer and q.kind in ("number", "date")], ids=lambda q: q.id)
def test_each_figure_comes_from_the_named_report(index: ReportIndex, gold):
    reply = index.answer(gold.question)
    assert reply.found and reply.text is not None
    for piece in answer_pieces(gold.answer):
        assert piece in same_text(reply.text)
        assert any(piece in same_text(q.text) and gold.report in q.report for q in reply.quotes)
    for quote in reply.quotes:
        assert index.text_of(quote.source)[quote.start : quote.start + len(quote.text)] == quote.text
    if reply.kind != "list":
        # Each part of the direct answer is the marked span of a quote.
        marked = [same_text(q.text[q.answer_span[0] : q.answer_span[1]]) for q in reply.quotes if q.answer_span]
        assert all(same_text(part) in marked for part in reply.text.split("；"))


def test_public_conversations_are_right_in_every_turn(index: ReportIndex):
    scores = evaluate_conversations(index, load_conversations(DATA / "conversations.jsonl"))
    assert scores.conversation_accuracy == 1.0, scores.missed


def test_the_issue_example_is_answered_with_its_source(index: ReportIndex):
    reply = index.answer("田镇街道2024年调处矛盾纠纷多少件")
    assert reply.text == "806件"
    quote = reply.quotes[0]
    assert quote.text.startswith("全年调处矛盾纠纷806件，调处成功率98%")
    assert quote.section == (
        "二、推进法治政府建设的主要举措和成效 > （二）提升依法行政能力，规范执法行为 > 4、优化基层治理，化解矛盾纠纷"
    )


def test_no_answer_and_unknown_place_are_refused(index: ReportIndex):
    for question in ["田镇街道2024年地区生产总值是多少？", "北京市朝阳区2024年调处矛盾纠纷多少件"]:
        reply = index.answer(question)
        assert not reply.found and reply.text is None, question
        assert all("北京" not in q.report for q in reply.quotes)


def test_follow_up_and_comparison(index: ReportIndex):
    first = "田镇街道2024年调处矛盾纠纷多少件"
    assert index.answer("成功率呢？", history=[first]).text == "98%"
    other = index.answer("那春城街道呢？", history=[first])
    assert other.found and "春城街道" in other.quotes[0].report
    table = index.answer("各街道2024年调处矛盾纠纷多少件")
    assert {row.quotes[0].report for row in table.rows if row.found} >= {"田镇街道 2024年"}
    assert any(row.text == "806件" for row in table.rows)
