"""Read report files (.txt, .docx, .pdf, .html) into the text that later stages cut quotes from.

The text is kept as the report wrote it: decoded, line ends turned into "\\n", a byte-order
mark removed, nothing else changed, so character offsets and quotes stay the report's own words.
"""
from __future__ import annotations

import codecs
import os
import re
import unicodedata
from pathlib import Path

import charset_normalizer
import docx
from docx.text.paragraph import Paragraph
from bs4 import BeautifulSoup, Comment, NavigableString
from pdfminer.high_level import extract_text as pdf_extract_text

from qa.errors import ReportReadError
from qa.ingest.html_content import main_content

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".docx", ".pdf", ".html", ".htm")

_SAVE_AS = "save it as UTF-8 .txt, .docx, .pdf or .html"
# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# gb18030 decodes everything gbk and gb2312 do, plus the characters they lack.
_GB_FAMILY = {"gbk", "gb2312", "hz", "gb18030"}
_ALLOWED_CONTROLS = set("\t\n\r\f\v")
_MAX_CONTROL_SHARE = 0.01
_HTML_DROPPED = ["script", "style", "noscript", "template", "head"]
_HTML_BLOCKS = [
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def read_text(path: str | os.PathLike) -> str:
    """Return a report's text as written, so later offsets and quotes point at its own words.

    Args:
        path: a .txt, .docx, .pdf, .html or .htm file.

    Returns:
        The decoded text with "\\r\\n" and "\\r" turned into "\\n" and any byte-order mark removed.

    Raises:
        ReportReadError: the file is missing, empty, of an unsupported type, binary, damaged,
            or a PDF without a text layer; the reason says how to fix it.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReportReadError(
            str(path), f"unsupported file type '{suffix}'; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if not path.exists():
        raise ReportReadError(str(path), "file not found")
    if not path.is_file():
        raise ReportReadError(
            str(path), "not a file; pass a report file, or use scan_folder for a folder"
        )
    try:
        data = path.read_bytes()
    except OSError as error:  # removed, unreadable or locked after it was listed
        reason = f"cannot be read ({error.strerror or error}); check that the file exists and can be opened"
        raise ReportReadError(str(path), reason) from error
    if not data.strip():
        raise ReportReadError(str(path), "file is empty")
    if suffix == ".txt":
        text = _decode(path, data)
    elif suffix == ".docx":
        text = _read_docx(path)
    elif suffix == ".pdf":
        text = _read_pdf(path)
    else:
        text = _read_html(path, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    if not text.strip():
        raise ReportReadError(str(path), f"no text found; {_SAVE_AS} with the report's text in it")
    return text


def _decode(path: Path, data: bytes) -> str:
    """Decode a plain-text file: byte-order marks, then strict UTF-8, then charset-normalizer's guess."""
    encoding = next((codec for bom, codec in _BOMS if data.startswith(bom)), None)
    if encoding is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            encoding = _guess_encoding(path, data)
        else:
            encoding = "utf-8"
    if encoding != "utf-8":
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise ReportReadError(str(path), f"cannot decode as {encoding} ({error}); {_SAVE_AS}") from error
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS)
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise ReportReadError(str(path), f"not a text file: {controls} control characters found; {_SAVE_AS}")
    return text


def _guess_encoding(path: Path, data: bytes) -> str:
    """Return the codec charset-normalizer finds most likely, or raise when the bytes look binary."""
    best = charset_normalizer.from_bytes(data).best()
    encoding = best.encoding if best else None
    if encoding is None or (b"\x00" in data and not encoding.startswith(("utf_16", "utf_32"))):
        raise ReportReadError(str(path), f"not a text file: binary bytes found; {_SAVE_AS}")
    return "gb18030" if encoding in _GB_FAMILY else encoding


def _read_docx(path: Path) -> str:
    """Return paragraphs and table rows in document order, one per line; a row's cells joined by tabs."""
    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx passes on zipfile, lxml and package errors alike
        raise ReportReadError(str(path), f"corrupt .docx: {error}; open and re-save it in Word") from error
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
            continue
        for row in block.rows:
            cells = []
            for cell in row.cells:
                # A merged cell is returned once per grid column it spans; keep it once.
                if not cells or cell._tc is not cells[-1]._tc:
                    cells.append(cell)
            lines.append("\t".join(cell.text for cell in cells))
    return "\n".join(lines)


def _read_pdf(path: Path) -> str:
    """Return pdfminer's text of all pages, page breaks as line breaks."""
    try:
        text = pdf_extract_text(str(path))
    except Exception as error:  # pdfminer raises many unrelated types for damaged or encrypted files
        raise ReportReadError(
            str(path), f"corrupt .pdf: {error!r}; re-export it as PDF or save it as .docx"
        ) from error
    if not text.strip():
        raise ReportReadError(
            str(path), "no text layer: this PDF is scanned images; run OCR (e.g. ocrmypdf) and add the result"
        )
    return text.replace("\f", "\n")


def _read_html(path: Path, data: bytes) -> str:
    """Return the visible text of a page, one block element per line, blank runs collapsed."""
    match = _META_CHARSET.search(data[:4096])
    markup = None
    if match and data[:3] != codecs.BOM_UTF8:
        try:
            declared = codecs.lookup(match.group(1).decode("ascii")).name
            markup = data.decode("gb18030" if declared in _GB_FAMILY else declared)
        except (LookupError, UnicodeDecodeError):
            markup = None  # a wrong or unknown declaration; let the bytes speak for themselves
    if markup is None:
        markup = _decode(path, data)
    return main_content(markup, html_text)


def html_text(markup: str) -> str:
    """Return the visible text of HTML markup, one block element per line, blank runs collapsed."""
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(_HTML_DROPPED):
        tag.decompose()
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    # Source line breaks inside a paragraph are layout, shown by a browser as one space.
    for node in soup.find_all(string=lambda node: type(node) is NavigableString):
        node.replace_with(re.sub(r"[ \t\r\n\f]+", " ", node))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_HTML_BLOCKS):
        tag.insert_before("\n")
        tag.append("\n")
    lines = [line.strip() for line in soup.get_text().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
