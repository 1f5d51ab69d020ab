"""End to end: the real app over a copy of corpus/ with the real index, driven by headless Chromium.

Uses Debian's Chromium at /usr/bin/chromium (never `playwright install`); skipped when it is missing.
"""
from __future__ import annotations

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
STARTUP_SECONDS = 600  # the first start builds the index with the real model on a shared 2-core machine
ANSWER_MS = 120_000
REBUILD_MS = 300_000


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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Start `python app.py` over a copy of corpus/ with a fresh index; yield its URL and corpus."""
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    port = free_port()
    log = tmp_path / "app.log"
    command = [
        sys.executable, str(REPO / "app.py"), "--corpus", str(corpus), "--index", str(tmp_path / "index"),
        "--host", "127.0.0.1", "--port", str(port),
    ]
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_serving(url, process, log)
        yield url, corpus
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def ask(page, question: str | None = None) -> str:
    """Send the question in the box (typing it first when given) and return the reply's text."""
    replies = page.locator("[data-testid='bot']")
    before = replies.count()
    box = page.locator("#question textarea")
    if question is not None:
        box.fill(question)
    # A clicked example fills the box asynchronously; under load Enter could otherwise hit an empty box.
    page.wait_for_function(
        "() => document.querySelector('#question textarea').value.trim().length > 0", timeout=ANSWER_MS
    )
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll(\"[data-testid='bot']\").length > n", arg=before, timeout=ANSWER_MS
    )
    return replies.nth(before).inner_text()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
def test_ask_upload_a_report_and_ask_about_it(server: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, corpus = server
    upload = tmp_path / "uploads" / "2024_青石镇人民政府.txt"
    upload.parent.mkdir()
    upload.write_text(NEW_REPORT, encoding="utf-8")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(url)

            example = "田镇街道2024年调处矛盾纠纷多少件"
            assert example in EXAMPLES
            page.get_by_text(example, exact=True).click()
            reply = ask(page)
            assert "806" in reply and "田镇街道" in reply
            assert page.locator("[data-testid='bot'] mark").first.inner_text().startswith("806")
            follow_up = ask(page, "那受理信访多少件？")
            assert "48" in follow_up and "田镇街道" in follow_up
            page.screenshot(path=str(tmp_path / "answer.png"), full_page=True)

            page.get_by_role("tab", name="报告").click()
            page.locator("#upload input[type=file]").set_input_files(str(upload))
            page.get_by_role("button", name="添加并重建索引").click()
            status = page.locator("#upload-status")
            status.get_by_text("✅").wait_for(timeout=REBUILD_MS)
            assert "2024_青石镇人民政府.txt" in status.inner_text()
            assert "青石镇人民政府" in page.locator("#reports-table").inner_text()
            assert (corpus / "2024_青石镇人民政府.txt").read_text(encoding="utf-8") == NEW_REPORT

            page.get_by_role("tab", name="问答").click()
            reply = ask(page, "青石镇2024年办理行政复议案件多少件？")
            assert "4217" in reply and "青石镇" in reply
            assert dialogs == []
        finally:
            browser.close()
