"""End to end: the real app over a copy of corpus/ with the real index, driven by headless Chromium.

Uses Debian's Chromium at /usr/bin/chromium (never `playwright install`); skipped when it is missing.
One app serves the tests that only ask; the tests that change the corpus get their own app over a
copy of the same index. Every wait is for something on the page, with a generous limit: a shared
2-core machine may be busy.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from app import EXAMPLES
from support import NEW_REPORT, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STARTUP_SECONDS = 900  # the first start builds the index with the real model on a shared 2-core machine
ANSWER_MS = 120_000
REBUILD_MS = 400_000
PASSWORD = "browser-test-admin"
# Words the page may show in Latin letters: file types and names, units.
UPLOAD_INPUT = "input[type=file][accept*='.docx']"
ALLOWED_LATIN = {"txt", "docx", "pdf", "html", "htm", "MB", "CSV"}

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
)


def wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"app.py exited with {process.returncode}:\n{log.read_text(encoding='utf-8')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(2)
    pytest.fail(f"app.py did not serve {url} within {STARTUP_SECONDS} s:\n{log.read_text(encoding='utf-8')[-3000:]}")


def start_app(folder: Path, index: Path | None = None) -> tuple[subprocess.Popen, str, Path]:
    """Start `python app.py` over a copy of corpus/ (and of an index, when given) with an admin password."""
    corpus = folder / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    if index is not None:
        shutil.copytree(index, folder / "index")
    port = free_port()
    log = folder / "app.log"
    command = [
        sys.executable, str(REPO / "app.py"), "--corpus", str(corpus), "--index", str(folder / "index"),
        "--host", "127.0.0.1", "--port", str(port), "--admin-password", PASSWORD,
    ]
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=folder)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(url, process, log)
    except BaseException:
        stop(process)
        raise
    return process, url, corpus


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """One app for the tests that only ask; yields its URL and its index folder."""
    folder = tmp_path_factory.mktemp("shared")
    process, url, _ = start_app(folder)
    try:
        yield url, folder / "index"
    finally:
        stop(process)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser, url: str, width: int = 1280, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(ANSWER_MS)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.locator("#question textarea").wait_for()
    return page


def ask(page, question: str | None = None) -> str:
    """Send the question in the box (typing it first when given) and return the finished reply's text."""
    replies = page.locator("#chat [data-testid='bot']")
    before = replies.count()
    box = page.locator("#question textarea")
    if question is not None:
        box.fill(question)
    if question != "":
        # A clicked example fills the box asynchronously; under load Enter could otherwise hit an empty box.
        page.wait_for_function(
            "() => document.querySelector('#question textarea').value.trim().length > 0", timeout=ANSWER_MS
        )
    box.press("Enter")
    page.wait_for_function(
        """n => { const bots = document.querySelectorAll("#chat [data-testid='bot']");
                  return bots.length > n && !bots[bots.length - 1].innerText.includes('正在查找'); }""",
        arg=before, timeout=ANSWER_MS,
    )
    return replies.nth(before).inner_text()


def new_conversation(page) -> None:
    page.get_by_role("button", name="新对话").click()
    page.wait_for_function("() => document.querySelectorAll(\"#chat [data-testid='bot']\").length === 0")


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN


# The first line of the newest reply lies inside the chat's visible box and the window.
LAST_REPLY_TOP_IN_VIEW = """() => { const bots = document.querySelectorAll("#chat [data-testid='bot']");
    const a = bots[bots.length - 1].getBoundingClientRect();
    const b = document.querySelector("#chat").getBoundingClientRect();
    return a.top >= b.top - 1 && a.top + 20 < b.bottom && a.top >= -1 && a.top + 20 < window.innerHeight; }"""


@needs_chromium
def test_a_citation_opens_the_report_at_the_highlighted_quote(shared, browser, tmp_path: Path) -> None:
    url, _ = shared
    page = open_page(browser, url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    example = "田镇街道2024年调处矛盾纠纷多少件"
    assert example in EXAMPLES
    page.get_by_text(example, exact=True).click()
    reply = ask(page)
    assert reply.startswith("806件") and "[1]" in reply and "田镇街道" in reply
    assert page.locator("#chat mark").first.inner_text().startswith("806")
    panel = page.locator("#citations")
    assert "[1]" in panel.inner_text() and "田镇街道 2024年 ›" in panel.inner_text()

    page.locator("#chat a.cite").first.click()
    quote = page.locator("#source-view mark.source-quote")
    quote.wait_for()
    assert "806件" in quote.inner_text() and quote.locator("mark").inner_text().startswith("806")
    heading = page.locator("#source-view .source-heading").inner_text()
    assert heading.startswith("田镇街道 2024年 › 二、") and "化解矛盾纠纷" in heading
    page.wait_for_function("() => { const m = document.querySelector('#source-view mark.source-quote');"
                           " const b = m.closest('.source-view').getBoundingClientRect(); const r = m.getBoundingClientRect();"
                           " return r.top >= b.top && r.top < b.bottom; }")

    page.get_by_role("button", name="查看全文").click()
    page.locator("#source-view .source-scope", has_text="全文").wait_for()
    assert "田镇街道2024年度法治政府建设情况报告" in page.locator("#source-view").inner_text().replace(" ", "")
    page.locator("#source-view mark.source-quote").wait_for()

    page.locator("#citations button.copy-answer").click()
    page.locator("#citations .copied", has_text="已复制").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("806件\n[1] ") and "来源：田镇街道 2024年 ›" in copied

    new_conversation(page)
    table = ask(page, "各街道开展了多少场法治讲座？")
    assert "报告" in table and "原文" in table
    with page.expect_download() as download:
        page.locator("#export-csv").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["报告", "答案", "原文", "章节", "文件"] and len(rows) >= 3
    assert any(row[1] == "8场" and "上白作" in row[0] for row in rows[1:])
    page.screenshot(path=str(tmp_path / "workbench.png"))
    page.context.close()


@needs_chromium
def test_a_refusal_says_why_and_stays_in_view(shared, browser) -> None:
    url, _ = shared
    page = open_page(browser, url)

    for question in EXAMPLES[2:4]:  # long replies first, so the chat must scroll
        ask(page, question)
    reply = ask(page, "北京市朝阳区2024年调处矛盾纠纷多少件")
    assert reply.startswith("未在报告中找到答案：报告库中没有关于「北京市朝阳区」的报告")
    page.wait_for_function(LAST_REPLY_TOP_IN_VIEW)
    assert page.evaluate("window.scrollY") == 0
    # Related passages are folded away, never the title, salutation or signature of a report.
    assert not page.locator("#chat details[open]").count()

    new_conversation(page)
    reply = ask(page, "上白作街道2024年调处矛盾纠纷多少件")
    assert reply.startswith("未在报告中找到答案：「解放区上白作街道办事处」的报告是 2023 年度的，没有 2024 年度的报告")

    new_conversation(page)
    page.locator("#report-filter input").click()
    page.get_by_role("option", name="长春市绿园区春城街道 2024年").click()
    page.keyboard.press("Escape")
    reply = ask(page, "田镇街道2024年调处矛盾纠纷多少件")
    assert reply.startswith("未在报告中找到答案：所选的筛选条件不包括问题所问的「田镇街道 2024年」报告")
    page.context.close()


@needs_chromium
def test_an_empty_a_long_and_a_filtered_question_are_each_told(shared, browser) -> None:
    url, _ = shared
    page = open_page(browser, url)

    assert ask(page, "").startswith("⚠️ 请输入问题")
    long = "田镇街道2024年调处矛盾纠纷多少件" + "，请详细说明" * 60
    assert ask(page, long).startswith(f"ℹ️ 问题共 {len(long)} 字，超过 300 字的上限，只按前 300 字作答。")

    new_conversation(page)
    page.locator("#year-filter input").click()
    page.get_by_role("option", name="2023").click()
    page.keyboard.press("Escape")
    reply = ask(page, "田镇街道2024年调处矛盾纠纷多少件")
    assert reply.startswith("未在报告中找到答案：问题问的是 2024 年，但年度筛选为 2023 年")
    page.context.close()


@needs_chromium
def test_a_narrow_screen_scrolls_the_table_instead_of_squeezing_it(shared, browser, tmp_path: Path) -> None:
    url, _ = shared
    page = open_page(browser, url, 390, 844)

    ask(page, "各街道开展了多少场法治讲座？")
    figures = page.locator("#chat td strong")
    assert figures.count() >= 1
    for number in range(figures.count()):
        box = figures.nth(number).evaluate("e => ({lines: e.getClientRects().length, height: e.getBoundingClientRect().height})")
        assert box["lines"] == 1 and box["height"] < 40, box  # "8场" on one line, not one character a line
    reports = page.locator("#chat td:first-child")
    for number in range(reports.count()):  # a report's name wraps to a few lines, not one character a line
        lines = "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect().height; }"
        assert reports.nth(number).evaluate(lines) < 110
    table = page.locator("#chat table").first.evaluate(
        "t => ({height: t.getBoundingClientRect().height, width: t.clientWidth, scroll: t.scrollWidth, page: document.documentElement.scrollWidth})"
    )
    assert table["scroll"] > table["width"] and table["height"] < 1500 and table["page"] <= 390, table
    page.screenshot(path=str(tmp_path / "narrow.png"), full_page=True)
    page.context.close()


@needs_chromium
def test_reports_list_shows_normalised_dates_and_no_english_after_a_session(shared, browser) -> None:
    url, _ = shared
    page = open_page(browser, url)
    ask(page, "田镇街道2024年调处矛盾纠纷多少件")
    page.locator("#chat a.cite").first.click()
    page.locator("#source-view mark.source-quote").wait_for()
    ask(page, "？？？")

    page.get_by_role("tab", name="报告").click()
    table = page.locator("#reports-table")
    page.wait_for_function("() => document.querySelector('#reports-table').innerText.includes('2025-01-03')")
    text = table.inner_text()
    assert "2025-02-25" in text and text.count("未注明") == 3 and "年1月" not in text
    reports_tab = page.evaluate("document.body.innerText")
    assert "管理员密码" in reports_tab and latin_words(reports_tab) == set(), latin_words(reports_tab)
    page.get_by_role("tab", name="问答").click()
    body = page.evaluate("document.body.innerText")
    assert "问题中没有文字" in body and "no words" not in body
    assert latin_words(body) == set(), latin_words(body)
    page.context.close()


@needs_chromium
def test_upload_shows_progress_then_every_page_sees_the_report_and_look_alikes_conflict(shared, browser, tmp_path: Path) -> None:
    _, index = shared
    process, url, corpus = start_app(tmp_path, index)
    try:
        upload = tmp_path / "uploads" / "2024_青石镇人民政府.txt"
        upload.parent.mkdir()
        upload.write_text(NEW_REPORT, encoding="utf-8")
        page = open_page(browser, url)
        page.get_by_role("tab", name="报告").click()
        status = page.locator("#upload-status")

        page.locator(UPLOAD_INPUT).set_input_files(str(upload))
        status.get_by_text("管理员密码不正确").wait_for()
        assert not (corpus / upload.name).exists()

        page.locator("#admin-password input").fill(PASSWORD)
        page.locator(UPLOAD_INPUT).set_input_files(str(upload))
        status.get_by_text("⏳").wait_for(timeout=REBUILD_MS)
        assert page.locator("#reports-table").is_visible()  # a progress line, not a spinner over the list
        status.get_by_text("✅").wait_for(timeout=REBUILD_MS)
        assert "2024_青石镇人民政府.txt" in status.inner_text()
        assert (corpus / upload.name).read_text(encoding="utf-8") == NEW_REPORT

        # A reload (or another browser) reads the reports and the filter choices from the index.
        other = open_page(browser, url)
        other.locator("#report-filter input").click()
        other.get_by_role("option", name="青石镇人民政府 2024年").wait_for()
        other.keyboard.press("Escape")
        other.get_by_role("tab", name="报告").click()
        other.wait_for_function("() => document.querySelector('#reports-table').innerText.includes('青石镇人民政府')")
        other.get_by_role("tab", name="问答").click()
        reply = ask(other, "青石镇2024年办理行政复议案件多少件？")
        assert reply.startswith("4217件")

        lookalike = tmp_path / "uploads" / "2024_田镇街道.txt"
        lookalike.write_text((REPO / "corpus" / "2024_田镇街道.txt").read_text(encoding="utf-8").replace("806件", "9999件"), encoding="utf-8")
        page.locator(UPLOAD_INPUT).set_input_files(str(lookalike))
        status.get_by_text("2024_田镇街道-2.txt").wait_for(timeout=REBUILD_MS)
        page.wait_for_function("() => document.querySelector('#reports-table').innerText.includes('同单位同年度')")
        other.reload()
        other.locator("#question textarea").wait_for()
        reply = ask(other, "田镇街道2024年调处矛盾纠纷多少件")
        assert "有 2 份报告" in reply and "806件" in reply and "9999件" in reply
        other.context.close()
        page.context.close()
    finally:
        stop(process)
