"""parse_sections(): every heading form on small strings, and every heading of the seed reports in place."""
from __future__ import annotations

from pathlib import Path

import pytest

from qa.ingest.cleaning import clean
from qa.ingest.sections import SIGNATURE, enumerations, parse_sections

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PREAMBLE = "某某街道2024年度法治政府建设情况报告\n\n2024年，街道扎实推进法治政府建设。现报告如下：\n\n"


def paths(text: str) -> list[tuple[str, ...]]:
    return [s.path for s in parse_sections(text)]


def read(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("一、总体情况\n\n工作有序。", [("一、总体情况",)]),
        ("一、总体情况\n（一）强化领导\n工作有序。",
         [("一、总体情况",), ("一、总体情况", "（一）强化领导")]),
        ("一、总体情况\n(一)强化领导\n工作有序。\n(二)完善制度\n制度完善。",
         [("一、总体情况",), ("一、总体情况", "（一）强化领导"), ("一、总体情况", "（二）完善制度")]),
        ("一、总体情况\n（一）强化领导\n1.优化服务。服务有效。\n2、优化环境。环境改善。\n3．加强队伍。队伍稳定。",
         [("一、总体情况",), ("一、总体情况", "（一）强化领导"),
          ("一、总体情况", "（一）强化领导", "1.优化服务"),
          ("一、总体情况", "（一）强化领导", "2、优化环境"),
          ("一、总体情况", "（一）强化领导", "3.加强队伍")]),
        ("一、总体情况\n（一）强化领导\n1.优化服务\n（1）窗口服务。窗口有序。\n(2)网上服务。网上有序。",
         [("一、总体情况",), ("一、总体情况", "（一）强化领导"),
          ("一、总体情况", "（一）强化领导", "1.优化服务"),
          ("一、总体情况", "（一）强化领导", "1.优化服务", "（1）窗口服务"),
          ("一、总体情况", "（一）强化领导", "1.优化服务", "（2）网上服务")]),
        # "1." right under "一、" with no "（一）": the path skips the missing level.
        ("一、主要举措\n1、加强队伍建设。全年培训8次。\n2、落实制度。制度落实。",
         [("一、主要举措",), ("一、主要举措", "1、加强队伍建设"), ("一、主要举措", "2、落实制度")]),
        # A heading running inline with its body is cut at its first 。
        ("一、主要举措\n（一）统筹工作安排，明确法治工作职责。春城街道将法治政府建设纳入总体规划。",
         [("一、主要举措",), ("一、主要举措", "（一）统筹工作安排，明确法治工作职责")]),
        # A heading broken over two lines at an open 《.
        ("一、主要举措\n（二）坚决贯彻《法\n\n治政府建设实施纲要（2021-2025年）》，切实推进法治政府建设\n把习近平法治思想作为遵循。",
         [("一、主要举措",),
          ("一、主要举措", "（二）坚决贯彻《法治政府建设实施纲要（2021-2025年）》，切实推进法治政府建设")]),
        # "一是……二是……" inside a paragraph, years and decimals at a line start: not headings.
        ("一、主要举措\n一是加强学习。二是完善制度。\n2024.全年完成。\n1.5万人次参与。", [("一、主要举措",)]),
        # "1." with no part above it is a list item, and "一、" after "二、" is a list in the body.
        ("1.前言中的条目。\n二、存在不足\n不足如下。\n一、人员少\n二、经费少", [("二、存在不足",)]),
    ],
)
def test_heading_forms(body: str, expected: list[tuple[str, ...]]) -> None:
    assert paths(PREAMBLE + body) == expected


def test_flat_report_with_headings_after_spaces_and_sentence_ends() -> None:
    text = (
        "某某街道 关于2024年度法治政府建设情况的报告 2024年，街道推进工作。现报告如下： "
        "一、主要举措 （一）完善法治工作机制，夯实制度基础 严格落实重大行政决策，全年审查合同12件。"
        "（二）提升依法行政能力。全年调处矛盾纠纷806件。二、存在的不足 2024年，仍有差距。"
        "三、下一步安排 1.加强学习。全年学习4次。2.强化监督。监督有力。"
    )
    assert paths(text) == [
        ("一、主要举措",),
        ("一、主要举措", "（一）完善法治工作机制，夯实制度基础"),
        ("一、主要举措", "（二）提升依法行政能力"),
        ("二、存在的不足",),
        ("三、下一步安排",),
        ("三、下一步安排", "1.加强学习"),
        ("三、下一步安排", "2.强化监督"),
    ]


def test_section_offsets_point_at_headings_and_nest() -> None:
    text = read("2024_田镇街道.txt")
    sections = parse_sections(text)
    for section in sections:
        assert clean(text[section.start:section.end]).text.startswith(section.heading)
    top = [s for s in sections if s.level == 1]
    assert [s.start for s in top[1:]] == [s.end for s in top[:-1]]
    assert top[-1].end == len(text)
    for child in sections:
        parent = next((s for s in sections if s.path == child.path[:-1]), None)
        if parent is not None:
            assert parent.start < child.start and child.end <= parent.end


def test_signature_block_is_its_own_section() -> None:
    text = read("2024_四平市铁东区七马路街道.txt")
    sections = parse_sections(text)
    last = sections[-1]
    assert last.path == (SIGNATURE,)
    assert clean(text[last.start:last.end]).text == "中共四平市铁东区七马路街道工作委员会\n四平市铁东区七马路街道办事处\n2025年1月3日"
    before = sections[-2]
    assert before.path[-1] == "（三）强化行政执法监督，促进行政执法规范化"
    assert before.end == last.start
    assert clean(text[before.start:before.end]).text.endswith("不断提升执法质量。")


def test_report_without_signature_has_no_signature_section() -> None:
    sections = parse_sections(read("2024_田镇街道.txt"))
    assert all(s.path != (SIGNATURE,) for s in sections)


TOP_LEVEL = {
    "2023_解放区上白作街道.txt": [
        "一、党政主要负责人履行推进法治政府建设第一责任人职责情况",
        "二、2023年度法治政府建设工作主要举措及成效",
        "三、存在的问题和不足",
        "四、2024年度工作计划",
    ],
    "2024_四平市铁东区七马路街道.txt": [
        "一、推进法治政府建设的主要举措和成效",
        "二、2024年度法治政府建设存在的主要不足",
        "三、2025年度推进法治政府建设的主要安排",
        SIGNATURE,
    ],
    "2024_四平市铁西区人民政府.txt": [
        "一、2024年法治政府建设基本情况",
        "二、存在的问题和不足",
        "三、党政主要负责人履行推进法治建设第一责任人职责情况",
        "四、2025年主要工作安排",
    ],
    "2024_田镇街道.txt": [
        "一、党政主要负责人履行推进法治建设第一责任人职责情况",
        "二、推进法治政府建设的主要举措和成效",
        "三、推进法治政府建设存在的不足和原因",
        "四、2025年推进法治政府建设的主要计划和安排",
    ],
    "2024_长春市绿园区春城街道.txt": [
        "一、推进法治政府建设工作开展情况",
        "二、上一年度推进法治政府建设存在的不足和原因",
        "三、2024年度党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设情况",
        "四、下一年度推进法治政府建设的主要安排",
        SIGNATURE,
    ],
}

SOME_PATHS = {
    "2023_解放区上白作街道.txt": [
        ("二、2023年度法治政府建设工作主要举措及成效", "（二）深化“最多跑一次”改革，依法全面履行政府职能"),
        ("二、2023年度法治政府建设工作主要举措及成效", "（五）实施全民普法，全面推进社会主义法治文化建设"),
        ("四、2024年度工作计划", "（一）加强学习培训，提高用法意识"),
        ("四、2024年度工作计划", "（五）进一步深入推进政务公开"),
    ],
    "2024_四平市铁东区七马路街道.txt": [
        ("一、推进法治政府建设的主要举措和成效",
         "（二）深入学习宣传贯彻习近平法治思想，坚决贯彻《法治政府建设实施纲要（2021-2025年）》，切实推进法治政府建设"),
        ("一、推进法治政府建设的主要举措和成效", "（四）加强政府职能建设，充分发挥政府效能", "2.优化法治化营商环境"),
        ("一、推进法治政府建设的主要举措和成效", "（五）健全依法行政机制，提升依法决策水平", "1.严格落实重大行政决策法定程序"),
        ("二、2024年度法治政府建设存在的主要不足", "（二）“谁执法谁普法”深度与精准度待提升"),
    ],
    "2024_四平市铁西区人民政府.txt": [
        ("一、2024年法治政府建设基本情况", "（七）聚焦规范透明，制约监督更加有力"),
        ("三、党政主要负责人履行推进法治建设第一责任人职责情况", "（三）抓住关键少数，发挥关键作用"),
        ("四、2025年主要工作安排", "（四）建设队伍再升级，持续提升依法行政水平"),
    ],
    "2024_田镇街道.txt": [
        ("一、党政主要负责人履行推进法治建设第一责任人职责情况", "（一）强化政治引领"),
        ("二、推进法治政府建设的主要举措和成效", "（一）完善法治工作机制，夯实制度基础"),
        ("二、推进法治政府建设的主要举措和成效", "（二）提升依法行政能力，规范执法行为", "1、加强队伍建设"),
        ("二、推进法治政府建设的主要举措和成效", "（二）提升依法行政能力，规范执法行为", "4、优化基层治理，化解矛盾纠纷"),
        ("四、2025年推进法治政府建设的主要计划和安排", "（四）健全考核机制"),
    ],
    "2024_长春市绿园区春城街道.txt": [
        ("一、推进法治政府建设工作开展情况", "（一）统筹工作安排，明确法治工作职责"),
        ("一、推进法治政府建设工作开展情况", "（三）完善基层治理，夯实法治工作基础"),
        ("三、2024年度党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设情况", "（二）带头学法守法，增强干部职工法治观念"),
        ("四、下一年度推进法治政府建设的主要安排", "（四）拓展法治宣传工作覆盖面"),
    ],
}


@pytest.mark.parametrize("name", sorted(TOP_LEVEL))
def test_corpus_top_level_headings(name: str) -> None:
    sections = parse_sections(read(name))
    assert [s.heading for s in sections if s.level == 1] == TOP_LEVEL[name]


@pytest.mark.parametrize("name", sorted(SOME_PATHS))
def test_corpus_deeper_paths(name: str) -> None:
    found = paths(read(name))
    for path in SOME_PATHS[name]:
        assert path in found
    assert not any(p[-1].startswith(("一是", "二是")) for p in found)


@pytest.mark.parametrize("name", sorted(TOP_LEVEL))
def test_flattened_report_has_the_same_sections(name: str) -> None:
    text = read(name)
    assert paths(" ".join(text.split())) == paths(text)


def test_section_counts_in_the_seed_reports() -> None:
    counts = {name: len(parse_sections(read(name))) for name in TOP_LEVEL}
    assert counts == {
        "2023_解放区上白作街道.txt": 14,
        "2024_四平市铁东区七马路街道.txt": 19,
        "2024_四平市铁西区人民政府.txt": 18,
        "2024_田镇街道.txt": 20,
        "2024_长春市绿园区春城街道.txt": 15,
    }


def test_enumerations_find_the_items_of_a_paragraph() -> None:
    text = read("2023_解放区上白作街道.txt")
    items = enumerations(text)
    assert any(item.startswith("一是认真履行第一责任人职责。") for item, _, _ in items)
    assert any(item.startswith("二是突出法治建设重要位置。") for item, _, _ in items)
    for item, start, end in items:
        assert clean(text[start:end]).text == item


def test_enumerations_skip_numbers_out_of_order() -> None:
    text = "工作如下：一是加强学习。三是其他。二是完善制度。"
    assert [item for item, _, _ in enumerations(text)] == ["一是加强学习。三是其他。", "二是完善制度。"]
