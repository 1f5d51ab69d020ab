"""Tests for qa.ingest.reading: every format and encoding reads back the report's own words."""
from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from qa.errors import ReportReadError
from qa.ingest.corpus_folder import find_report_files
from qa.ingest.reading import SUPPORTED_SUFFIXES, read_text

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TITLE = "田镇街道 2024 年度法治政府建设情况报告"
DISPUTES = "全年调处矛盾纠纷806件，调处成功率98%，涉及金额225.34万元"


def _paragraphs() -> list[str]:
    """Return the title and a few body paragraphs of a real report, long enough for encoding detection."""
    text = (CORPUS / "2024_田镇街道.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line]
    disputes = next(line for line in lines if DISPUTES in line)
    return [lines[0], lines[1], lines[3], disputes]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16-le", "utf-16-be"])
def test_txt_encodings_round_trip(tmp_path: Path, encoding: str) -> None:
    text = "\n".join(_paragraphs())
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path = tmp_path / "report.txt"
    path.write_bytes(bom + text.encode(encoding))
    assert read_text(path) == text


def test_txt_line_ends_become_newlines(tmp_path: Path) -> None:
    first, second, *_ = _paragraphs()
    path = tmp_path / "report.txt"
    path.write_bytes(f"{first}\r\n{second}\r".encode("utf-8"))
    assert read_text(path) == f"{first}\n{second}\n"


def test_docx_paragraphs_and_table_in_order(tmp_path: Path) -> None:
    title, intro, *_ = _paragraphs()
    document = docx.Document()
    document.add_paragraph(title)
    document.add_paragraph(intro)
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("调处矛盾纠纷", "806件"), ("调处成功率", "98%")]):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    document.add_paragraph("特此报告。")
    path = tmp_path / "report.docx"
    document.save(path)
    expected = f"{title}\n{intro}\n调处矛盾纠纷\t806件\n调处成功率\t98%\n特此报告。"
    assert read_text(path) == expected


def test_pdf_with_cjk_font_reads_its_text(tmp_path: Path) -> None:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "report.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont("STSong-Light", 12)
    page.drawString(72, 780, TITLE)
    page.drawString(72, 760, "依托镇村两级调委会和网格化管理，")
    page.drawString(72, 740, DISPUTES + "。")
    page.showPage()
    page.setFont("STSong-Light", 12)
    page.drawString(72, 780, "特此报告。")
    page.save()
    text = _squeeze(read_text(path))
    assert "调处矛盾纠纷806件" in text
    assert text.index(_squeeze(TITLE)) < text.index(_squeeze(DISPUTES)) < text.index("特此报告。")


def test_pdf_without_text_layer_asks_for_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    page.rect(72, 400, 300, 200, fill=1)
    page.save()
    with pytest.raises(ReportReadError, match="no text layer.*OCR") as caught:
        read_text(path)
    assert caught.value.path == str(path)


def test_html_drops_scripts_and_keeps_blocks(tmp_path: Path) -> None:
    title, intro, *_ = _paragraphs()
    html = (
        '<html><head><meta charset="gbk"><title>页面标题</title><style>p {color: red}</style></head>'
        f"<body><script>var count = 999;</script><h1>{title}</h1>\n<p>{intro}</p>"
        f"<!-- 注释 --><div>{DISPUTES[:10]}<b>{DISPUTES[10:]}</b></div></body></html>"
    )
    path = tmp_path / "report.html"
    path.write_bytes(html.encode("gbk"))
    assert read_text(path) == f"{title}\n\n{intro}\n\n{DISPUTES}"


def test_html_without_charset_is_detected(tmp_path: Path) -> None:
    paragraphs = _paragraphs()
    path = tmp_path / "report.htm"
    path.write_bytes("".join(f"<p>{p}</p>" for p in paragraphs).encode("gb18030"))
    assert read_text(path) == "\n\n".join(paragraphs)


def test_corrupt_docx_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ReportReadError, match="corrupt .docx") as caught:
        read_text(path)
    assert "broken.docx" in str(caught.value)


def test_corrupt_pdf_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4 not really a PDF")
    with pytest.raises(ReportReadError, match="corrupt .pdf") as caught:
        read_text(path)
    assert "broken.pdf" in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"  \n\r\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(ReportReadError, match="file is empty"):
        read_text(path)


# NUL bytes, undecodable bytes, and valid UTF-8 made of control characters.
@pytest.mark.parametrize(
    "content", [bytes(range(256)) * 8, b"\x89PNG\r\n\x1a\n\xff" * 50, bytes(range(1, 32)) * 40]
)
def test_binary_named_txt(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(content)
    with pytest.raises(ReportReadError, match="not a text file.*save it as UTF-8"):
        read_text(path)


def test_unsupported_suffix_lists_supported(tmp_path: Path) -> None:
    path = tmp_path / "table.xls"
    path.write_bytes(b"anything")
    with pytest.raises(ReportReadError, match=r"unsupported file type '\.xls'; supported: \.txt, \.docx"):
        read_text(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReportReadError, match="file not found"):
        read_text(tmp_path / "absent.txt")


def test_find_report_files_recurses_and_skips_hidden(tmp_path: Path) -> None:
    for name in ["b.txt", "sub/a.docx", "sub/deep/c.PDF", "sub/d.htm", ".hidden.txt", ".git/e.txt",
                 "sub/~$a.docx", "notes.xls"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    found = [path.relative_to(tmp_path).as_posix() for path in find_report_files(tmp_path)]
    assert found == ["b.txt", "sub/a.docx", "sub/d.htm", "sub/deep/c.PDF"]


def test_find_report_files_rejects_missing_folder_and_file(tmp_path: Path) -> None:
    with pytest.raises(ReportReadError, match="folder not found"):
        find_report_files(tmp_path / "absent")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ReportReadError, match="not a folder"):
        find_report_files(tmp_path / "a.txt")


def test_seed_corpus_reads_as_written() -> None:
    files = find_report_files(CORPUS)
    assert [path.suffix for path in files] == [".txt"] * 5
    for path in files:
        assert read_text(path) == path.read_text(encoding="utf-8")
    assert SUPPORTED_SUFFIXES == (".txt", ".docx", ".pdf", ".html", ".htm")
