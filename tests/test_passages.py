"""split_passages() and the parsed report: whole sentences, exact offsets, nothing of the body lost."""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from qa.ingest.cleaning import clean
from qa.ingest.describe import describe
from qa.errors import ReportReadError
from qa.model import Passage, Report
from qa.ingest.passages import split_passages
from qa.ingest.reports import parse_report, read_corpus, read_report
from qa.ingest.sections import SIGNATURE, parse_sections

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
NAMES = sorted(p.name for p in CORPUS.glob("*.txt"))


def read(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def cleaned_without_newlines(text: str) -> str:
    """Return the cleaned report without newlines: what the passages, joined, must reproduce."""
    return clean(text).text.replace("\n", "")


def passages_of(text: str, max_chars: int = 300) -> tuple[Passage, ...]:
    return split_passages(text, "r.txt", parse_sections(text), max_chars=max_chars)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("flatten", [False, True])
def test_no_body_text_is_lost(name: str, flatten: bool) -> None:
    text = " ".join(read(name).split()) if flatten else read(name)
    passages = passages_of(text)
    assert "".join(p.text for p in passages).replace("\n", "") == cleaned_without_newlines(text)


@pytest.mark.parametrize("name", NAMES)
def test_offsets_cut_the_passage_from_the_report(name: str) -> None:
    text = read(name)
    for passage in passages_of(text):
        assert clean(text[passage.start:passage.end]).text == passage.text
        assert not text[passage.start].isspace() and not text[passage.end - 1].isspace()


@pytest.mark.parametrize("name", NAMES)
def test_passages_stay_in_their_section_and_end_at_sentences(name: str) -> None:
    text = read(name)
    sections = {s.path: s for s in parse_sections(text)}
    first_heading = min(s.start for s in sections.values())
    carried = 0
    seen: set[tuple[str, ...]] = set()
    for passage in passages_of(text):
        assert len(passage.text) <= 300
        assert passage.start < passage.end
        if passage.section == ():
            assert passage.end <= first_heading
        else:
            path = passage.section
            section = sections[path]
            assert passage.end <= section.end
            if path in seen:
                assert passage.start > section.start
            elif passage.start < section.start:
                # Only ancestors' headings, each with no text of its own or a short lead-in ending
                # with a colon, may come before the section's own heading.
                depth = next(j for j in range(1, len(path)) if sections[path[:j]].start == passage.start)
                flat = passage.text.replace("\n", "")
                lead_in = flat[: flat.index(path[-1])]
                for heading in path[depth - 1 : -1]:
                    assert lead_in.startswith(heading), passage.text
                    lead_in = lead_in[len(heading):]
                    if lead_in and not lead_in.startswith(path[len(path) - 1]):
                        intro, colon, lead_in = lead_in.partition("：")
                        assert colon and len(intro) < 120 and not any(h in intro for h in path), passage.text
                assert lead_in == "", passage.text
                carried += 1
            else:
                assert passage.start == section.start
            seen.add(path)
        assert re.search(r"[。！？；：”]$", passage.text) or passage.section == (SIGNATURE,), passage.text
    assert carried > 0  # every seed report has a part heading right above its first subsection


@pytest.mark.parametrize("name", NAMES)
def test_every_heading_is_in_a_passage_of_its_own_section(name: str) -> None:
    text = read(name)
    passages = passages_of(text)
    for section in parse_sections(text):
        holding = [p for p in passages if p.start <= section.start < p.end]
        assert len(holding) == 1, section.path
        assert holding[0].section[: len(section.path)] == section.path
        if section.path != (SIGNATURE,):  # the signature's path is a label, not words of the report
            assert section.heading in holding[0].text.replace("\n", "")


def test_tianzhen_figures_and_sections() -> None:
    passages = passages_of(read("2024_田镇街道.txt"))
    holding = [p for p in passages if "全年调处矛盾纠纷806件" in p.text]
    assert len(holding) == 1
    assert holding[0].section == (
        "二、推进法治政府建设的主要举措和成效",
        "（二）提升依法行政能力，规范执法行为",
        "4、优化基层治理，化解矛盾纠纷",
    )
    assert any("受理信访48件" in p.text for p in passages)
    preamble = [p for p in passages if p.section == ()]
    assert preamble[0].text.startswith("田镇街道2024年度法治政府建设情况报告\n2024年，田镇街道")
    shortcoming = next(p for p in passages if "（一）行政执法能力待提升" in p.text)
    assert shortcoming.section == ("三、推进法治政府建设存在的不足和原因", "（一）行政执法能力待提升")
    assert shortcoming.text.startswith(
        "三、推进法治政府建设存在的不足和原因\n（一）行政执法能力待提升。部分执法人员"
    )
    second = next(p for p in passages if p.section[-1:] == ("（二）普法形式单一",))
    assert second.text.startswith("（二）普法形式单一。")


def test_inline_heading_stays_in_its_passage() -> None:
    passages = passages_of(read("2024_长春市绿园区春城街道.txt"))
    first = next(p for p in passages if p.section[-1:] == ("（一）统筹工作安排，明确法治工作职责",))
    assert first.text.startswith(
        "一、推进法治政府建设工作开展情况\n（一）统筹工作安排，明确法治工作职责。春城街道将法治政府建设纳入"
    )
    signature = [p for p in passages if p.section == (SIGNATURE,)]
    assert [p.text for p in signature] == ["长春市绿园区春城街道办事处\n2025年2月25日"]


def test_long_sentence_is_cut_after_commas_and_short_sections_stay_whole() -> None:
    clause = "街道组织开展法治宣传活动并发放宣传资料"  # 19 characters
    text = "一、主要举措\n" + "，".join([clause] * 12) + "。\n二、存在不足\n人员偏少。"
    passages = passages_of(text, max_chars=60)
    first = [p for p in passages if p.section == ("一、主要举措",)]
    assert len(first) > 1
    assert all(len(p.text) <= 60 for p in first)
    assert all(p.text.endswith(("，", "。")) for p in first)
    assert first[0].text.startswith("一、主要举措\n" + clause + "，")
    assert [p.text for p in passages if p.section == ("二、存在不足",)] == ["二、存在不足\n人员偏少。"]


def test_sentence_without_commas_is_cut_at_max_chars() -> None:
    text = "一、主要举措\n" + "法" * 130 + "。"
    passages = passages_of(text, max_chars=50)
    assert [len(p.text) for p in passages] == [6, 50, 50, 31]
    assert "".join(p.text for p in passages) == "一、主要举措" + "法" * 130 + "。"


def test_passages_do_not_cross_sections_even_when_short() -> None:
    text = "报告\n一、甲\n第一句。\n二、乙\n第二句。"
    assert [(p.section, p.text) for p in passages_of(text)] == [
        ((), "报告"),
        (("一、甲",), "一、甲\n第一句。"),
        (("二、乙",), "二、乙\n第二句。"),
    ]


def test_empty_heading_goes_to_its_first_subsection_only() -> None:
    text = (
        "报告\n一、甲\n（一）子一\n1、细目\n正文一。\n（二）空\n（三）子三\n正文三。\n"
        "二、乙\n田镇街道\n2025年1月3日"
    )
    assert [(p.section, p.text) for p in passages_of(text)] == [
        ((), "报告"),
        (("一、甲", "（一）子一", "1、细目"), "一、甲\n（一）子一\n1、细目\n正文一。"),
        (("一、甲", "（二）空"), "（二）空"),
        (("一、甲", "（三）子三"), "（三）子三\n正文三。"),
        (("二、乙",), "二、乙"),
        ((SIGNATURE,), "田镇街道\n2025年1月3日"),
    ]


def test_max_chars_must_be_usable() -> None:
    text = read("2024_田镇街道.txt")
    with pytest.raises(ValueError, match="max_chars of 5 is too small"):
        split_passages(text, "r.txt", parse_sections(text), max_chars=5)


def test_sections_of_another_text_are_refused() -> None:
    long_text = read("2024_田镇街道.txt")
    with pytest.raises(ValueError, match="pass parse_sections"):
        split_passages("短文。", "r.txt", parse_sections(long_text))


def test_parse_report_joins_metadata_sections_and_passages() -> None:
    text = read("2024_四平市铁东区七马路街道.txt")
    report = parse_report(text, "2024_四平市铁东区七马路街道.txt", "abc")
    assert isinstance(report, Report)
    assert report.text == text
    assert report.info.sha256 == "abc" and report.info.year == 2024
    assert report.sections == parse_sections(text)
    assert all(p.source == "2024_四平市铁东区七马路街道.txt" for p in report.passages)
    assert any("走访企业20余次" in p.text for p in report.passages)


def test_parse_report_refuses_empty_text() -> None:
    with pytest.raises(ReportReadError, match="holds no text"):
        parse_report(" \n\u3000", "empty.txt")


def test_read_report_hashes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "田镇.txt"
    shutil.copy(CORPUS / "2024_田镇街道.txt", path)
    report = read_report(path)
    assert report.info.source == str(path)
    assert report.info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert read_report(path, source="田镇.txt").info.source == "田镇.txt"


def test_read_corpus_reports_failures_and_duplicates(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "2024_田镇街道.txt", tmp_path / "a.txt")
    (tmp_path / "sub").mkdir()
    shutil.copy(CORPUS / "2024_田镇街道.txt", tmp_path / "sub" / "copy.txt")
    shutil.copy(CORPUS / "2024_长春市绿园区春城街道.txt", tmp_path / "sub" / "b.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    reports, failures = read_corpus(tmp_path)
    assert [r.info.source for r in reports] == ["a.txt", "sub/b.txt"]
    reasons = {f.path: f.reason for f in failures}
    assert set(reasons) == {"empty.txt", "sub/copy.txt"}
    assert reasons["sub/copy.txt"].startswith("duplicate of a.txt")
    assert "empty" in reasons["empty.txt"]


def test_read_corpus_of_a_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(ReportReadError, match="folder not found"):
        read_corpus(tmp_path / "nothing")


def test_describe_shows_metadata_and_the_section_tree() -> None:
    text = read("2024_田镇街道.txt")
    shown = describe(parse_report(text, "2024_田镇街道.txt", "abc"))
    lines = shown.splitlines()
    assert "source:    2024_田镇街道.txt" in lines
    assert "year:      2024" in lines
    assert "(preamble) [1 passage]" in lines
    assert "size:      2571 characters, 20 sections, 16 passages" in lines
    # A heading with no text of its own is counted in its first subsection's passage.
    assert "    （二）提升依法行政能力，规范执法行为 [0 passages]" in lines
    assert "      4、优化基层治理，化解矛盾纠纷 [1 passage]" in lines
    assert "  二、推进法治政府建设的主要举措和成效 [0 passages]" in lines
    assert lines.index("  二、推进法治政府建设的主要举措和成效 [0 passages]") < lines.index(
        "      4、优化基层治理，化解矛盾纠纷 [1 passage]"
    )


def test_a_short_lead_in_ending_with_a_colon_joins_the_first_subsection() -> None:
    text = "报告\n\n二、存在的不足\n\n具体如下：\n\n（一）理念待提升\n\n人员偏少。\n\n（二）形式单一\n\n宣传不足。\n\n三、计划\n\n我们将努力工作。"
    passages = passages_of(text)
    assert [(p.section[-1] if p.section else "", p.text.replace("\n", "")) for p in passages] == [
        ("", "报告"),
        ("（一）理念待提升", "二、存在的不足具体如下：（一）理念待提升人员偏少。"),
        ("（二）形式单一", "（二）形式单一宣传不足。"),
        ("三、计划", "三、计划我们将努力工作。"),
    ]


def test_a_lead_in_without_a_colon_keeps_its_own_passage() -> None:
    text = "报告\n\n二、存在的不足\n\n工作有成效但仍有差距。\n\n（一）理念待提升\n\n人员偏少。"
    texts = [p.text.replace("\n", "") for p in passages_of(text)]
    assert texts == ["报告", "二、存在的不足工作有成效但仍有差距。", "（一）理念待提升人员偏少。"]
