"""Take a report out of a saved web page, leaving the site's menus, side columns and footer behind.

A government page wraps its report in chrome that names other bodies ("青山区", "西湖街道") and
would otherwise be read as the report's title and issuer. Two steps, measured against
trafilatura and readability-lxml alone on pages of three layouts (benchmarks/html_extraction.py):
1. drop what the page marks as chrome: <nav>, <header>, <footer>, <aside>, forms, ARIA roles,
   and elements whose class or id names a menu, trail, side column, share or print bar, or footer;
2. keep the block readability-lxml scores as the article, with any heading above it, unless that
   loses more than a small share of what step 1 kept (then the page keeps step 1's text).
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

_CHROME_TAGS = ["nav", "header", "footer", "aside", "form", "button", "select", "input", "textarea", "iframe"]
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
_CHROME_WORDS = {
    "nav", "navbar", "navigation", "menu", "menus", "submenu", "header", "topbar", "footer", "foot", "bottom",
    "breadcrumb", "breadcrumbs", "crumb", "crumbs", "location", "position", "sidebar", "side", "aside", "share",
    "bdsharebuttonbox", "print", "links", "friendlink", "copyright", "toolbar", "search", "logo", "weather",
    "related", "fontsize",
}
_WORD = re.compile(r"[A-Za-z]+")
# readability-lxml may keep the body alone; more than this share of step 1's text lost means it
# cut into the report, and step 1's text is kept instead.
_MOST_LOST = 0.2
_HEADINGS = ["h1", "h2", "h3"]
_REPORT_WORDS = ("报告", "总结", "汇报", "情况")


def strip_chrome(markup: str) -> str:
    """Return the page without the elements it marks as navigation, side column or footer."""
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_CHROME_TAGS):
        if not tag.decomposed and not _holds_report_title(tag):  # <article><header><h1>…报告 stays
            tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.attrs is None:
            continue
        if tag.name in ("html", "body", "main", "article"):
            continue
        role = str(tag.get("role", "")).lower()
        names = " ".join([*(tag.get("class") or []), str(tag.get("id", ""))])
        words = {word.lower() for word in _WORD.findall(names)}
        if (role in _CHROME_ROLES or words & _CHROME_WORDS) and not _holds_report_title(tag):
            tag.decompose()
    return str(soup)


def main_content(markup: str, text_of) -> str:
    """Return the report's text from a page: chrome dropped, then the article block when it keeps the report.

    Args:
        markup: the page's HTML.
        text_of: turns HTML into the text the reader keeps (reading.html_text).
    """
    stripped = strip_chrome(markup)
    text = text_of(stripped)
    try:
        from readability import Document
    except ImportError:  # the extractor is optional: step 1 alone still drops the marked chrome
        return text
    try:
        article = Document(stripped).summary(html_partial=True)
    except Exception:  # readability-lxml raises its own and lxml's errors on odd pages
        return text
    article_text = text_of(article)
    title = _heading_above(stripped, article_text, text_of)
    if title:
        article_text = f"{title}\n\n{article_text}"
    if _length(article_text) < (1 - _MOST_LOST) * _length(text):
        return text
    return article_text


def _heading_above(markup: str, article_text: str, text_of) -> str:
    """Return the page's first heading when the article block left it out (it often sits outside)."""
    soup = BeautifulSoup(markup, "html.parser")
    heading = soup.find(_HEADINGS)
    if heading is None:
        return ""
    title = text_of(str(heading)).strip()
    return "" if not title or title in article_text else title


def _holds_report_title(tag) -> bool:
    """Tell whether a marked element holds the report's title ("article-header" around the <h1>)."""
    return any(
        heading.get_text(strip=True).endswith(_REPORT_WORDS) for heading in tag.find_all(_HEADINGS)
    )


def _length(text: str) -> int:
    return sum(1 for char in text if not char.isspace())
