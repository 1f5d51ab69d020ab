"""A second held-out set, written independently of the first, end to end with the real model (slow).

tests/data/heldout2 holds a city government report full of figures, a city 市场监督管理局
report for 2023 saved as .docx, a county report saved as a web page (with its navigation
trail) that enumerates with "（1）" and "第一，", and two street reports of one district that
share their sentences and differ in their figures. The questions were written before the
system was run on them; the floors are the figures measured after the fixes they prompted,
rounded down a little.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from qa import ReportIndex
from qa.evaluation import evaluate, load_questions, same_text

pytestmark = pytest.mark.slow

HELDOUT = Path(__file__).resolve().parent / "data" / "heldout2"
QUESTIONS = load_questions(HELDOUT / "questions.jsonl")
LOOK_ALIKES = ("w01", "w03", "l01", "l03", "l04")


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> ReportIndex:
    return ReportIndex.build(HELDOUT, tmp_path_factory.mktemp("heldout2") / "index")


def test_heldout2_figures_stay_at_their_measured_floor(index: ReportIndex):
    # First run: hit@1 0.889, hit@5 0.972, MRR 0.919, answers 0.750, refusals 0.850 (40 questions).
    # Measured after the fixes: hit@1 0.944, hit@5 1.0, MRR 0.968, answers 1.0, refusals 1.0.
    scores = evaluate(index, QUESTIONS)
    missed = [o for o in scores.outcomes if o.rank != 1]
    assert scores.hit_at_1 >= 0.92, missed
    assert scores.hit_at_5 == 1.0, missed
    assert scores.mrr >= 0.95, missed
    assert scores.answer_accuracy >= 0.95, [o for o in scores.outcomes if o.answered is False]
    assert scores.refusal_accuracy >= 0.97, [o for o in scores.outcomes if not o.refused_right]


def test_the_web_page_and_word_reports_keep_their_issuers(index: ReportIndex):
    issuers = {info.source: info.issuer for info in index.reports}
    assert issuers["2024_南岭县人民政府.html"] == "南岭县人民政府"
    assert issuers["2023_临川市市场监督管理局.docx"] == "临川市市场监督管理局"


@pytest.mark.parametrize("gold", [q for q in QUESTIONS if q.kind == "none"], ids=lambda q: q.id)
def test_questions_no_report_answers_are_refused(index: ReportIndex, gold):
    # A figure no report gives, a place no report covers, a year no report is of.
    reply = index.answer(gold.question)
    assert not reply.found and reply.text is None


@pytest.mark.parametrize("gold", [q for q in QUESTIONS if q.id in LOOK_ALIKES], ids=lambda q: q.id)
def test_street_look_alikes_answer_with_their_own_figures(index: ReportIndex, gold):
    reply = index.answer(gold.question)
    assert reply.found and same_text(gold.answer) in same_text(reply.text)
    quote = reply.quotes[0]
    info = next(info for info in index.reports if info.source == quote.source)
    assert gold.report in info.issuer
    assert same_text(gold.quote) in same_text(quote.text)
