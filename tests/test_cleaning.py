"""clean(): each normalisation rule on small strings, the exact offset map, and speed on huge input."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.ingest.cleaning import clean, same_char

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("受理信访 48 件", "受理信访48件"),
        ("2024 年", "2024年"),
        ("关于 2023 年法治政府建设", "关于2023年法治政府建设"),
        ("法治\u3000政府", "法治政府"),
        ("法治\t\t政府", "法治政府"),
        ("调处矛盾纠纷８０６件", "调处矛盾纠纷806件"),
        ("ＡＢＣ类", "ABC类"),
        ("(一)加强学习", "（一）加强学习"),
        ("(1)加强学习", "（1）加强学习"),
        ("纲要(2021-2025年)", "纲要（2021-2025年）"),
        ("完成,并且", "完成，并且"),
        ("如下:", "如下："),
        ("第一;第二", "第一；第二"),
        ("增长225.34亿元", "增长225.34亿元"),
        ("1.优化公共政务服务", "1.优化公共政务服务"),
        ("完成任务.", "完成任务。"),
        ("达100％", "达100%"),
        ("达100%", "达100%"),
        ("1,000 people", "1,000 people"),
        ("at 10:30 today", "at 10:30 today"),
        ("two  spaces", "two spaces"),
        ('开展"法律六进"活动', "开展“法律六进”活动"),
        ("  前后空白  ", "前后空白"),
        ("", ""),
        (" \n\u3000\n ", ""),
    ],
)
def test_inline_rules(raw: str, expected: str) -> None:
    assert clean(raw).text == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # A page break inside a sentence is joined, however many blank lines it leaves.
        ("开展法律宣讲、咨询、矛\n\n盾调解活动，有效满足需求。", "开展法律宣讲、咨询、矛盾调解活动，有效满足需求。"),
        ("对照法治政府建设的各项要\n\n求，及时改进。", "对照法治政府建设的各项要求，及时改进。"),
        ("群众满意度达100%，\n\n受理信访 48 件，同比下降。", "群众满意度达100%，受理信访48件，同比下降。"),
        # A paragraph that ends a sentence keeps one break.
        ("工作有序推进。\n\n\n\n下一步要加强。", "工作有序推进。\n下一步要加强。"),
        ("现将有关情况报告如下：\n一、总体情况", "现将有关情况报告如下：\n一、总体情况"),
        ("他说：“做好了。”\n下一段开始了。", "他说：“做好了。”\n下一段开始了。"),
        # A heading line is complete without final punctuation; the next line is its body.
        ("正文。\n（一）完善法治工作机制，夯实制度基础\n严格落实重大行政决策。",
         "正文。\n（一）完善法治工作机制，夯实制度基础\n严格落实重大行政决策。"),
        ("正文。\n四、2024 年度工作计划\n\n2024 年度，街道将认真对照。", "正文。\n四、2024年度工作计划\n2024年度，街道将认真对照。"),
        # A heading with an unclosed 《 or （ goes on on the next line.
        ("正文。\n（二）坚决贯彻《法\n\n治政府建设实施纲要（2021-2025年）》，切实推进法治政府建设\n\n把习近平法治思想作为遵循。",
         "正文。\n（二）坚决贯彻《法治政府建设实施纲要（2021-2025年）》，切实推进法治政府建设\n把习近平法治思想作为遵循。"),
        # A line broken before a heading marker keeps the break even without punctuation.
        ("报告如下\n一、总体情况", "报告如下\n一、总体情况"),
        # Title lines at the top and signature lines at the bottom stay on their own lines.
        ("解放区上白作街道办事处\n\n关于 2023 年法治政府建设情况的报告\n\n2023 年，街道工作稳步推进。",
         "解放区上白作街道办事处\n关于2023年法治政府建设情况的报告\n2023年，街道工作稳步推进。"),
        ("不断提升执法质量。\n\n\n中共某某街道工作委员会\n\n      某某街道办事处\n\n     2025年1月3日",
         "不断提升执法质量。\n中共某某街道工作委员会\n某某街道办事处\n2025年1月3日"),
        ("\u3000\u3000（四）加强政府职能建设\n\u3000\u30001.优化服务。", "（四）加强政府职能建设\n1.优化服务。"),
    ],
)
def test_line_rules(raw: str, expected: str) -> None:
    assert clean(raw).text == expected


def test_flat_report_gets_its_paragraphs_back() -> None:
    raw = (
        "某某街道 关于2024年度法治政府建设情况的报告 2024年，街道扎实推进工作。现将情况报告如下： "
        "一、主要举措 （一）完善法治工作机制，夯实制度基础 严格落实重大行政决策。 "
        "（二）提升依法行政能力。全年调处矛盾纠纷 806 件。 二、存在的不足 2024年，仍有差距。"
    )
    assert clean(raw).text.split("\n") == [
        "某某街道",
        "关于2024年度法治政府建设情况的报告",
        "2024年，街道扎实推进工作。现将情况报告如下：",
        "一、主要举措",
        "（一）完善法治工作机制，夯实制度基础",
        "严格落实重大行政决策。",
        "（二）提升依法行政能力。全年调处矛盾纠纷806件。",
        "二、存在的不足",
        "2024年，仍有差距。",
    ]


def test_offset_map_points_at_each_source_character() -> None:
    raw = "\u3000\u3000受理信访 ４８ 件,同比\n\n下降１６％。\n\n(一)加强"
    cleaned = clean(raw)
    assert cleaned.text == "受理信访48件，同比下降16%。\n（一）加强"
    assert len(cleaned.to_raw) == len(cleaned.text) + 1
    assert cleaned.to_raw[-1] == len(raw)
    assert cleaned.to_raw[0] == 2
    assert raw[cleaned.to_raw[cleaned.text.index("下")]] == "下"
    start = cleaned.text.index("48件")
    assert cleaned.raw_span(start, start + 3) == (raw.index("４８"), raw.index("件") + 1)
    assert raw[slice(*cleaned.raw_span(0, 4))] == "受理信访"
    assert tuple(cleaned.to_raw) == tuple(cleaned.to_raw[i] for i in range(len(cleaned.to_raw)))


def test_raw_span_rejects_a_span_outside_the_text() -> None:
    cleaned = clean("法治政府")
    with pytest.raises(ValueError, match="outside the cleaned text of length 4"):
        cleaned.raw_span(2, 9)


def test_clean_rejects_bytes() -> None:
    with pytest.raises(TypeError, match="decode the file first"):
        clean("法治".encode())  # type: ignore[arg-type]


def test_corpus_figures_survive_cleaning() -> None:
    text = (CORPUS / "2024_田镇街道.txt").read_text(encoding="utf-8")
    cleaned = clean(text).text
    assert "全年调处矛盾纠纷806件" in cleaned
    assert "群众满意度达100%，受理信访48件，同比下降16%" in cleaned
    assert "咨询、矛盾调解活动" in cleaned
    assert "\n\n" not in cleaned and " " not in cleaned


def test_huge_one_line_input_is_linear() -> None:
    report = " ".join((CORPUS / "2024_田镇街道.txt").read_text(encoding="utf-8").split())
    small, large = report * 40, report * 400  # about 0.1 and 1 million characters

    def best_of_two(text: str) -> float:  # the faster run: a busy machine slows one run, not the shape
        times = []
        for _ in range(2):
            started = time.perf_counter()
            clean(text)
            times.append(time.perf_counter() - started)
        return min(times)

    small_seconds, large_seconds = best_of_two(small), best_of_two(large)
    cleaned = clean(large)
    assert len(cleaned.to_raw) == len(cleaned.text) + 1
    assert large_seconds < 30 * max(small_seconds, 0.01)  # 10x the input, never 100x the time
    assert clean("法" * 2_000_000).text == "法" * 2_000_000


_ALPHABET = st.sampled_from(
    list("法治政府一二三、（）()1234５６.．,，:：;；。！？%％\"“”《》 \u3000\t\n\r\u200bAbＺ")
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_offset_map_properties(raw: str) -> None:
    cleaned = clean(raw)
    to_raw = list(cleaned.to_raw)
    assert len(to_raw) == len(cleaned.text) + 1
    assert to_raw[-1] == len(raw)
    assert all(a < b for a, b in zip(to_raw, to_raw[1:]))
    for i, ch in enumerate(cleaned.text):
        assert same_char(raw[to_raw[i]], ch), (raw, i)
    dropped = set(range(len(raw))) - set(to_raw)
    assert all(raw[i].isspace() or raw[i] == "\u200b" for i in dropped), raw


def test_to_clean_finds_the_cleaned_position_of_a_raw_offset() -> None:
    raw = "受理信访 48 件"
    cleaned = clean(raw)
    assert cleaned.to_raw.to_clean(raw.index("4")) == cleaned.text.index("4")
    assert cleaned.to_raw.to_clean(raw.index(" ")) == cleaned.text.index("4")  # a dropped space maps forward
    assert cleaned.to_raw.to_clean(len(raw)) == len(cleaned.text)
