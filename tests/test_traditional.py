"""Reports in traditional characters are searched and answered like the others, quoted as written.

clean() folds each traditional character to its simplified form one for one, so search, scope
and the reader see simplified text while every offset, and so every quote, points at the
report's own characters.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import zhconv

from qa import ReportIndex
from qa.ingest.cleaning import clean, fold_traditional

REPO = Path(__file__).resolve().parents[1]
TIAN = "2024_田镇街道.txt"
SIMPLIFIED = (REPO / "corpus" / TIAN).read_text(encoding="utf-8")
TRADITIONAL = zhconv.convert(SIMPLIFIED, "zh-tw")


def test_the_fold_changes_no_simplified_report():
    for path in sorted((REPO / "corpus").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert fold_traditional(text) == text, path.name


def test_a_traditional_report_cleans_to_the_simplified_one_with_offsets_kept():
    assert TRADITIONAL != SIMPLIFIED and "調處矛盾糾紛" in TRADITIONAL
    folded = fold_traditional(TRADITIONAL)
    assert len(folded) == len(TRADITIONAL)
    traditional, simplified = clean(TRADITIONAL), clean(SIMPLIFIED)
    # zhconv also turns 着 into 著 (a character simplified text uses too), so compare the rest.
    assert traditional.text.replace("著", "着") == simplified.text.replace("著", "着")
    start = traditional.text.index("调处矛盾纠纷806件")
    raw_start, raw_end = traditional.raw_span(start, start + len("调处矛盾纠纷806件"))
    assert TRADITIONAL[raw_start:raw_end] == "調處矛盾糾紛806件"


@pytest.mark.parametrize("encoding", ["big5", "utf-8"])
def test_a_traditional_report_answers_a_simplified_question_in_its_own_characters(
    tmp_path: Path, fake_encoder, encoding: str
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in (REPO / "corpus").glob("*.txt"):
        if path.name != TIAN:
            shutil.copyfile(path, corpus / path.name)
    (corpus / "2024_田鎮街道.txt").write_bytes(TRADITIONAL.encode(encoding))
    index = ReportIndex.build(corpus, tmp_path / "index", encoder=fake_encoder)

    info = next(info for info in index.reports if info.source == "2024_田鎮街道.txt")
    assert info.issuer == "田镇街道" and info.year == 2024
    for question in ("田镇街道2024年调处矛盾纠纷多少件", "田鎮街道2024年調處矛盾糾紛多少件"):
        reply = index.answer(question)
        assert reply.found and reply.text == "806件"
        quote = reply.quotes[0]
        assert quote.source == "2024_田鎮街道.txt" and "調處矛盾糾紛806件" in quote.text
        assert index.text_of(quote.source)[quote.start : quote.start + len(quote.text)] == quote.text
    hits = index.search("田镇街道建立精准化的“菜单式”法治宣传格局", k=3)
    assert any(hit.source == "2024_田鎮街道.txt" and "精準化的「菜單式」法治宣傳格局" in hit.text for hit in hits)
