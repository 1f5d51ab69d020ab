"""Compare ways of taking a report out of a web page: metadata right, report kept, site chrome dropped.

Usage: .venv/bin/python benchmarks/html_extraction.py   (pages from benchmarks/html_pages.py and held-out2)

For each page and extractor: issuer, year and date equal to those read from the report's own
.txt; recall = share of the report's paragraphs found whole in the text; chrome = how many of
the page's navigation, side-column and footer phrases are left in it. trafilatura and
readability-lxml are measured when installed (`pip install trafilatura readability-lxml`).
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.ingest.metadata import extract_info  # noqa: E402
from qa.ingest.reading import html_text, read_text  # noqa: E402

PAGES = {
    ROOT / "tests/data/html/2024_青山区东湖街道.html": ROOT / "tests/data/heldout/2024_青山区东湖街道.txt",
    ROOT / "tests/data/html/2024_河川县柳林镇人民政府.html": ROOT / "tests/data/heldout/2024_河川县柳林镇人民政府.txt",
    ROOT / "tests/data/html/2024_江阳市人民政府.html": ROOT / "tests/data/heldout2/2024_江阳市人民政府.txt",
    ROOT / "tests/data/heldout2/2024_南岭县人民政府.html": None,
}
CHROME = ["无障碍浏览", "走进青山", "青山区西湖街道", "相关文章", "主办单位", "ICP备", "浏览次数", "分享到", "打印",
          "信息公开目录", "河川县杨庄乡人民政府", "您的位置", "友情链接", "技术支持", "市发展改革委", "版权所有",
          "当前位置", "首页"]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def current(path: Path, markup: str) -> str:
    return read_text(path)


def trafilatura_text(path: Path, markup: str) -> str:
    import trafilatura

    return trafilatura.extract(markup, include_tables=True, include_comments=False, favor_recall=True) or ""


def readability_text(path: Path, markup: str) -> str:
    from readability import Document

    return html_text(Document(markup).summary(html_partial=True))


def extractors() -> dict:
    from qa.ingest.html_content import strip_chrome

    found = {"page text": lambda path, markup: html_text(markup),
             "chrome rules": lambda path, markup: html_text(strip_chrome(markup)),
             "rules+readability (product)": current}
    for name, module, function in (("trafilatura", "trafilatura", trafilatura_text),
                                   ("readability-lxml", "readability", readability_text)):
        try:
            __import__(module)
            found[name] = function
        except ImportError:
            print(f"({name} not installed: skipped)")
    return found


def main() -> int:
    rows = []
    for name, extract in extractors().items():
        for page, source in PAGES.items():
            markup = page.read_text(encoding="utf-8")
            started = time.perf_counter()
            text = extract(page, markup)
            ms = (time.perf_counter() - started) * 1000
            info = extract_info(text, page.name) if text.strip() else None
            if source is not None:
                expected = extract_info(source.read_text(encoding="utf-8"), source.name)
                lines = [line.strip() for line in source.read_text(encoding="utf-8").split("\n") if line.strip()]
            else:  # the real page: its report's own facts, as the held-out test states them
                expected = extract_info(read_text(page), page.name)
                lines = [squeeze(line) for line in read_text(page).split("\n")[1:] if len(line.strip()) > 30]
            got = squeeze(text)
            recall = sum(squeeze(line) in got for line in lines) / len(lines)
            chrome = [phrase for phrase in CHROME if phrase in text and phrase not in "".join(lines)]
            same = info is not None and (info.issuer, info.year) == (expected.issuer, expected.year)
            rows.append((name, page.name, same, info.issuer if info else "-", recall, len(chrome), ms))
    print(f"{'extractor':<29}{'page':<32}{'issuer+year':<13}{'issuer read':<24}{'recall':>7}{'chrome':>7}{'ms':>7}")
    for name, page, same, issuer, recall, chrome, ms in rows:
        print(f"{name:<29}{page:<32}{'ok' if same else 'WRONG':<13}{issuer:<24}{recall:>7.2f}{chrome:>7}{ms:>7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
