"""A report saved as a web page reads like the report: site menus, side columns and footers stay out.

The pages in tests/data/html wrap held-out reports in the chrome of three site layouts
(benchmarks/html_pages.py wrote them); the held-out .txt of each report is the reference.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa import ReportIndex
from qa.ingest.reading import read_text
from qa.ingest.reports import read_report

DATA = Path(__file__).resolve().parent / "data"
PAGES = {
    "2024_青山区东湖街道.html": (DATA / "heldout" / "2024_青山区东湖街道.txt", "东湖街道",
                            ["走进青山", "青山区西湖街道", "相关文章", "主办单位", "ICP备", "分享到", "搜索"]),
    "2024_河川县柳林镇人民政府.html": (DATA / "heldout" / "2024_河川县柳林镇人民政府.txt", "柳林镇",
                               ["网站首页", "您的位置", "友情链接", "版权所有", "分享到", "今天是"]),
    "2024_江阳市人民政府.html": (DATA / "heldout2" / "2024_江阳市人民政府.txt", "江阳市",
                            ["市发展改革委", "版权所有", "蜀ICP备"]),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_web_page_keeps_the_report_and_its_metadata_and_drops_the_chrome(page: str):
    source, _, chrome = PAGES[page]
    expected = read_report(source).info
    info = read_report(DATA / "html" / page).info
    assert (info.issuer, info.year) == (expected.issuer, expected.year)
    text = read_text(DATA / "html" / page)
    squeezed = "".join(text.split())
    for line in source.read_text(encoding="utf-8").splitlines():
        assert "".join(line.split()) in squeezed, line
    assert [phrase for phrase in chrome if phrase in text] == []


def test_questions_limited_to_a_web_page_are_answered_as_from_the_report(tmp_path: Path, fake_encoder):
    pages, texts = tmp_path / "pages", tmp_path / "texts"
    pages.mkdir()
    texts.mkdir()
    for page, (source, _, _) in PAGES.items():
        shutil.copyfile(DATA / "html" / page, pages / page)
        shutil.copyfile(source, texts / f"{Path(page).stem}.txt")
    from_pages = ReportIndex.build(pages, tmp_path / "pages-index", encoder=fake_encoder)
    from_texts = ReportIndex.build(texts, tmp_path / "texts-index", encoder=fake_encoder)
    gold = [json.loads(line) for name in ("heldout", "heldout2")
            for line in (DATA / name / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    asked = 0
    for page, (_, report, _) in PAGES.items():
        for question in (q for q in gold if q["report"] == report):
            on_page = from_pages.answer(question["question"], sources=[page])
            on_text = from_texts.answer(question["question"], sources=[f"{Path(page).stem}.txt"])
            assert (on_page.found, on_page.text) == (on_text.found, on_text.text), question["id"]
            asked += 1
    assert asked == 7 + 7 + 12


def test_an_article_header_holding_the_title_is_kept(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><header><h1>青山区人民政府门户网站</h1><nav>首页 政务公开 西湖街道</nav></header>"
        "<article><header><h1>东湖街道2024年度法治政府建设工作情况报告</h1></header>"
        "<p>2024年，东湖街道全年调处矛盾纠纷312件，调解成功率97%。</p><p>东湖街道办事处</p></article>"
        "<footer>主办单位：青山区人民政府办公室</footer></body></html>",
        encoding="utf-8",
    )
    info = read_report(page).info
    assert info.title == "东湖街道2024年度法治政府建设工作情况报告" and info.issuer == "东湖街道"
    text = read_text(page)
    assert "门户网站" not in text and "西湖街道" not in text and "主办单位" not in text
