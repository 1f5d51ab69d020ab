"""Report metadata: the five seed reports exactly, then the layouts and issuers other reports use."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qa.errors import ReportReadError
from qa.ingest.metadata import extract_info, place_names
from qa.model import ReportInfo

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

SEED = {
    "2023_解放区上白作街道.txt": ReportInfo(
        source="2023_解放区上白作街道.txt",
        title="解放区上白作街道办事处关于 2023 年法治政府建设情况的报告",
        issuer="解放区上白作街道办事处",
        places=("上白作街道", "解放区", "上白作"),
        year=2023,
        published=None,
    ),
    "2024_四平市铁东区七马路街道.txt": ReportInfo(
        source="2024_四平市铁东区七马路街道.txt",
        title="四平市铁东区七马路街道办事处2024年度法治政府建设工作报告",
        issuer="四平市铁东区七马路街道办事处",
        places=("七马路街道", "四平市", "铁东区", "七马路", "四平", "铁东"),
        year=2024,
        published="2025年1月3日",
    ),
    "2024_四平市铁西区人民政府.txt": ReportInfo(
        source="2024_四平市铁西区人民政府.txt",
        title="四平市铁西区人民政府关于2024年度法治政府建设情况的报告",
        issuer="四平市铁西区人民政府",
        places=("四平市", "铁西区", "四平", "铁西"),
        year=2024,
        published=None,
    ),
    "2024_田镇街道.txt": ReportInfo(
        source="2024_田镇街道.txt",
        title="田镇街道 2024 年度法治政府建设情况报告",
        issuer="田镇街道",
        places=("田镇街道", "田镇"),
        year=2024,
        published=None,
    ),
    "2024_长春市绿园区春城街道.txt": ReportInfo(
        source="2024_长春市绿园区春城街道.txt",
        title="长春市绿园区春城街道关于2024年度法治政府建设情况的报告",
        issuer="长春市绿园区春城街道",
        places=("春城街道", "长春市", "绿园区", "长春", "绿园", "春城"),
        year=2024,
        published="2025年2月25日",
    ),
}


@pytest.mark.parametrize("name", sorted(SEED))
def test_seed_report_metadata_is_exact(name):
    text = (CORPUS / name).read_text(encoding="utf-8")
    assert extract_info(text, name) == SEED[name]


def test_source_and_hash_pass_through():
    info = extract_info("田镇街道2024年度法治政府建设情况报告\n2024年，田镇街道推进法治建设。\n", "a/b.txt", sha256="ab12")
    assert (info.source, info.sha256) == ("a/b.txt", "ab12")


def test_no_title_line_takes_issuer_and_year_from_opening_sentence():
    text = "2024年，七马路街道在区委、区政府的坚强领导下，深入学习贯彻习近平法治思想。现报告如下：\n\n一、主要举措\n\n走访企业20余次。\n"
    info = extract_info(text, "x.txt")
    assert (info.issuer, info.year, info.title) == ("七马路街道", 2024, "七马路街道2024年度报告")
    assert info.places == ("七马路街道", "七马路")
    assert info.published is None


def test_no_title_line_prefers_the_signature_block_for_the_issuer():
    text = (
        "2024年，七马路街道在区委领导下推进法治建设。\n走访企业20余次。\n\n"
        "中共四平市铁东区七马路街道工作委员会\n    四平市铁东区七马路街道办事处\n    2025年1月3日\n"
    )
    info = extract_info(text, "x.txt")
    assert info.issuer == "四平市铁东区七马路街道办事处"
    assert (info.year, info.published) == (2024, "2025年1月3日")


def test_opening_sentence_after_a_salutation():
    text = "区委、区政府：\n\n2024年，长春市绿园区春城街道认真贯彻落实省市委部署。\n"
    info = extract_info(text, "x.txt")
    assert (info.issuer, info.year) == ("长春市绿园区春城街道", 2024)


def test_title_over_two_lines_is_joined():
    text = "\u3000四平市铁东区七马路街道办事处2024年度法治政府\n\u3000建设工作报告\n\n2024年，七马路街道持续推进。\n"
    info = extract_info(text, "x.txt")
    assert info.title == "四平市铁东区七马路街道办事处2024年度法治政府建设工作报告"
    assert info.issuer == "四平市铁东区七马路街道办事处"


def test_whole_report_on_one_line():
    text = (
        "四平市铁东区七马路街道办事处 2024年度法治政府建设工作报告 2024年，七马路街道在区委的领导下，"
        "持续推动法治建设。 一、主要举措 （一）强化领导。走访企业20余次。2025年，将继续推进。 "
        "中共四平市铁东区七马路街道工作委员会 四平市铁东区七马路街道办事处 2025年1月3日"
    )
    info = extract_info(text, "x.txt")
    assert info.title == "四平市铁东区七马路街道办事处 2024年度法治政府建设工作报告"
    assert (info.issuer, info.year, info.published) == ("四平市铁东区七马路街道办事处", 2024, "2025年1月3日")


def test_gb_spacing_county_and_chinese_date():
    text = (
        "\u3000\u3000\n  通化县人民政府\n\n  关于 2024 年度法治政府建设情况的报告\n\n"
        "\u3000\u30002024 年，通化县坚持以习近平法治思想为指导。\n\n"
        "通化县人民政府\n\n\u3000\u3000二〇二五年一月十五日\n"
    )
    info = extract_info(text, "x.txt")
    assert info.title == "通化县人民政府关于 2024 年度法治政府建设情况的报告"
    assert (info.issuer, info.places) == ("通化县人民政府", ("通化县", "通化"))
    assert (info.year, info.published) == (2024, "二〇二五年一月十五日")


def test_plans_ranges_and_signature_date_never_give_the_year():
    text = (
        "按照《法治政府建设实施纲要（2021—2025年）》，2023年，白山镇坚持依法行政，取得成效。\n"
        "三、2025年工作打算\n2025年，白山镇将推进法治建设，落实（2021-2025年）规划。\n\n"
        "白山镇人民政府\n2025年1月10日\n"
    )
    info = extract_info(text, "x.txt")
    assert (info.year, info.published) == (2023, "2025年1月10日")


def test_no_year_anywhere_in_title_or_opening_is_none():
    text = "法治政府建设情况报告\n\n今年以来，白山镇持续推进法治建设。\n2025年，白山镇将继续推进。\n"
    info = extract_info(text, "x.txt")
    assert (info.year, info.title, info.issuer) == (None, "法治政府建设情况报告", "白山镇")


def test_township_title_and_iso_signature_date():
    text = "抚松县抽水乡人民政府2024年法治政府建设工作总结\n2024年，抽水乡坚持依法行政。\n抚松县抽水乡人民政府\n2025-01-10\n"
    info = extract_info(text, "x.txt")
    assert info.issuer == "抚松县抽水乡人民政府"
    # "抽水" is a common verb, so only the full name stands for the township.
    assert info.places == ("抚松县", "抽水乡", "抚松")
    assert (info.year, info.published) == (2024, "2025-01-10")


def test_town_issuer_line_and_a_note_after_the_date():
    text = (
        "梅河口市山城镇\n2023年度法治政府建设情况报告\n\n2023年，山城镇深入推进法治建设。\n\n"
        "梅河口市山城镇人民政府\n2024年1月20日（此件公开发布）\n"
    )
    info = extract_info(text, "x.txt")
    assert (info.issuer, info.year, info.published) == ("梅河口市山城镇", 2023, "2024年1月20日")
    assert info.places == ("梅河口市", "山城镇", "梅河口", "山城")


def test_management_committee_issuer():
    text = "四平红嘴经济技术开发区管理委员会\n2024年度法治政府建设工作报告\n\n2024年，开发区持续推进。\n"
    info = extract_info(text, "x.txt")
    assert info.issuer == "四平红嘴经济技术开发区管理委员会"
    assert info.places == ("四平红嘴经济技术开发区", "四平红嘴")
    assert extract_info("长春新区管委会关于2024年法治政府建设情况的报告\n正文。\n", "y.txt").places == ("长春新区", "长春")


def test_year_first_title_with_chinese_digits():
    info = extract_info("二〇二四年度集安市法治政府建设情况报告\n\n二〇二四年，我市持续推进。\n", "x.txt")
    assert (info.issuer, info.year) == ("集安市", 2024)


def test_date_under_the_title_is_the_publication_date():
    info = extract_info("通化县人民政府2024年度法治政府建设情况报告\n（2025年1月8日）\n2024年，我县持续推进。\n", "x.txt")
    assert (info.year, info.published) == (2024, "2025年1月8日")


def test_file_name_stands_in_when_nothing_names_the_issuer():
    info = extract_info("今年以来，我街道持续推进法治建设。\n", "reports/unnamed.txt")
    assert (info.issuer, info.year, info.title) == ("unnamed", None, "unnamed报告")


@pytest.mark.parametrize("text", ["", "  \n\u3000\n"])
def test_empty_report_is_refused(text):
    with pytest.raises(ReportReadError, match="blank.txt: the report is empty"):
        extract_info(text, "blank.txt")


@pytest.mark.parametrize(
    ("issuer", "places"),
    [
        ("四平市铁西区人民政府", ("四平市", "铁西区", "四平", "铁西")),
        ("解放区上白作街道办事处", ("上白作街道", "解放区", "上白作")),
        ("赵县人民政府", ("赵县",)),
        ("郑州市金水区人民政府", ("郑州市", "金水区", "郑州", "金水")),
        ("内蒙古自治区人民政府", ("内蒙古自治区", "内蒙古")),
        ("长春市和平区人民政府", ("长春市", "和平区", "长春")),
        ("中共四平市铁东区七马路街道工作委员会", ("七马路街道", "四平市", "铁东区", "七马路", "四平", "铁东")),
        ("四平市乡村振兴局", ("四平乡村振兴局", "四平市", "四平")),  # the stem beside the organ too
        ("市场监督管理局", ()),
        # An autonomous place is also named without its peoples.
        ("北岭回族区人民政府", ("北岭回族区", "北岭回族", "北岭区", "北岭")),
        ("西河土家族苗族自治州", ("西河土家族苗族自治州", "西河土家族苗族", "西河州", "西河")),
        ("东原维吾尔自治区", ("东原维吾尔自治区", "东原维吾尔", "东原")),
        # A branch office is named for the district it serves.
        ("青山市自然资源和规划局河东分局", ("青山自然资源和规划局河东分局", "青山市", "青山", "河东")),
    ],
)
def test_place_names_keep_only_safe_short_forms(issuer, places):
    assert place_names(issuer) == places


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="年月日，。：\n \u30000123456789〇一二关于报告情况街道镇区市县乡人民政府办事处七马路铁西", min_size=1))
def test_any_text_gives_an_issuer_and_a_plausible_year(text):
    assume(text.strip())
    info = extract_info(text, "r.txt")
    assert info.issuer and info.title
    assert info.year is None or 0 <= info.year <= 9999
    assert all(len(place) >= 2 for place in info.places)


def test_a_web_page_trail_above_the_title_is_not_part_of_it():
    text = "首页 > 政务公开 > 法治政府建设\n\n北溪县人民政府2024年度法治政府建设情况报告\n\n2024年，北溪县扎实推进依法行政。\n"
    info = extract_info(text, "page.html")
    assert info.title == "北溪县人民政府2024年度法治政府建设情况报告"
    assert info.issuer == "北溪县人民政府"
    assert info.places == ("北溪县", "北溪")


def test_a_department_is_named_by_its_place_stem_even_when_the_stem_is_a_common_word():
    from qa.ingest.metadata import place_names
    assert "长治人社局" in place_names("长治市人社局")
    assert "遂宁司法局" in place_names("遂宁市司法局")
    assert not any(name.endswith("人民政府") for name in place_names("四平市铁西区人民政府"))


def test_a_news_title_names_the_body_before_the_verb_that_publishes() -> None:
    info = extract_info("北岭管理部发布2023年法治政府建设年度报告\n\n一、加强党的领导\n", "r.txt")
    assert info.issuer == "北岭管理部" and info.year == 2023
