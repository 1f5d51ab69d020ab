"""Take the README screenshot: an answer with its citations panel and the report opened at the quote.

Usage: .venv/bin/python docs/make_screenshot.py [http://127.0.0.1:7860/]   (with `make run` serving)
Needs Debian's Chromium and a CJK font (apt-get install chromium fonts-wqy-microhei).
"""
from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

QUESTION = "田镇街道2024年调处矛盾纠纷多少件"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def main(url: str = "http://127.0.0.1:7860/") -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 940}, device_scale_factor=1)
        page.set_default_timeout(120_000)
        page.goto(url)
        page.locator("#question textarea").fill(QUESTION)
        page.locator("#question textarea").press("Enter")
        page.locator("#chat a.cite").first.wait_for()
        page.locator("#chat a.cite").first.click()
        page.locator("#source-view mark.source-quote").wait_for()
        page.wait_for_function("() => !document.querySelector('#source-view .pending')")
        page.screenshot(path=str(Path(__file__).with_name("screenshot.png")))
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
