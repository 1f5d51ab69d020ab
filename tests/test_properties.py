"""Properties that hold for any text: cleaning keeps an exact map back, sections nest inside the text,
and the question path raises nothing but QuestionError.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa import QuestionError, ReportIndex
from qa.ingest.cleaning import clean, same_char
from qa.ingest.sections import parse_sections

REPO = Path(__file__).resolve().parents[1]
# Report-like pieces so generated text reaches the heading, wrapping and punctuation rules,
# mixed with arbitrary characters (surrogates excluded: a str read from a file has none).
PIECES = [
    "一、", "二、", "十一、", "（一）", "(二)", "（三）", "1.", "2、", "10．", "（1）", "(2)", "2024年", "2025年1月3日",
    "。", "，", "；", "：", "\n", "\n\n", "\r\n", " ", "\u3000", "\t", "\u200b", "\ufeff", "“", "”", "\"", "(", ")",
    "法治政府建设", "调处矛盾纠纷806件", "田镇街道", "人民政府", "ＡＢＣ１２３", "5.2%", "……", "——", "落款",
]
TEXT = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(st.characters(exclude_categories=("Cs",)), max_size=8)),
    max_size=60,
).map("".join)
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(TEXT)
def test_clean_maps_every_character_back_to_the_text_as_read(text: str):
    cleaned = clean(text)
    offsets = list(cleaned.to_raw)
    assert len(offsets) == len(cleaned.text) + 1 and offsets[-1] == len(text)
    assert all(a < b for a, b in zip(offsets, offsets[1:-1])), "offsets must strictly increase"
    for position, char in enumerate(cleaned.text):
        assert same_char(text[offsets[position]], char), (position, char, text[offsets[position]])


@PROPERTY
@given(TEXT)
def test_clean_leaves_single_spaces_and_single_paragraph_breaks(text: str):
    cleaned = clean(text).text
    assert "\n\n" not in cleaned and "  " not in cleaned and cleaned == cleaned.strip(" \n")
    assert not any(char in cleaned for char in "\t\r\u3000\u200b\ufeff")


@PROPERTY
@given(TEXT)
def test_sections_lie_in_the_text_and_nest(text: str):
    sections = parse_sections(text)
    open_: list = []
    for section in sections:
        assert 0 <= section.start < section.end <= len(text)
        assert 1 <= section.level <= 4 and len(section.path) >= 1 and all(section.path)
        while open_ and open_[-1].level >= section.level:
            open_.pop()
        if open_:
            parent = open_[-1]
            assert parent.start < section.start and section.end <= parent.end
            assert section.path[:-1] == parent.path
        open_.append(section)
    starts = [section.start for section in sections]
    assert starts == sorted(starts)


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> ReportIndex:
    from conftest import FakeEncoder

    folder = tmp_path_factory.mktemp("properties")
    corpus = shutil.copytree(REPO / "corpus", folder / "corpus")
    return ReportIndex.build(corpus, folder / "index", encoder=FakeEncoder())


QUESTION = st.one_of(
    TEXT,
    st.text(max_size=40),
    st.lists(st.sampled_from(["田镇", "铁西区", "2024年", "多少件", "哪些", "那", "呢？", "和", "分别", "比较", "各街道"]),
             max_size=8).map("".join),
)


@PROPERTY
@given(question=QUESTION, k=st.integers(min_value=1, max_value=20))
def test_search_raises_nothing_but_question_error(index: ReportIndex, question: str, k: int):
    try:
        hits = index.search(question, k)
    except QuestionError:
        return
    assert len(hits) <= k
    for hit in hits:
        assert index.text_of(hit.source)[hit.passage.start : hit.passage.end] == hit.text


@PROPERTY
@given(question=QUESTION, history=st.lists(QUESTION, max_size=2))
def test_answer_raises_nothing_but_question_error(index: ReportIndex, question: str, history: list[str]):
    try:
        reply = index.answer(question, history=history)
    except QuestionError:
        return
    for quote in reply.quotes:
        assert index.text_of(quote.source)[quote.start : quote.start + len(quote.text)] == quote.text
        if quote.answer_span is not None:
            start, end = quote.answer_span
            assert 0 <= start < end <= len(quote.text)
