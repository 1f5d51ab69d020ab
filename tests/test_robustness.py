"""Bad input never crashes the product: bad report files, hostile questions, hostile uploads.

Every bad report becomes a failure naming its file while the rest are indexed; every bad
question gets a QuestionError saying what to ask, or a sensible reply in bounded time.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

import qa.ingest.reports
from qa import QuestionError, ReportIndex
from qa.errors import ReportReadError
from webui.uploads import MAX_UPLOAD_BYTES, check_upload, safe_file_name, store_uploads

from support import NEW_REPORT, free_port

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted(path.name for path in (REPO / "corpus").glob("*.txt"))
TIAN = "2024_田镇街道.txt"


def seed_corpus(folder: Path) -> Path:
    shutil.copytree(REPO / "corpus", folder)
    for path in folder.iterdir():
        path.chmod(0o644)  # the seeds are read-only in the repository; tests delete and add files
    return folder


def scanned_pdf(path: Path) -> None:
    """Write a PDF whose only page holds a drawn shape: no text layer, as a scan has."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), pagesize=A4)
    page.rect(100, 400, 300, 200, fill=1)
    page.showPage()
    page.save()


@pytest.fixture
def bad_corpus(tmp_path: Path) -> Path:
    """The seed reports plus one of every kind of bad file, and a GBK report that is fine."""
    corpus = seed_corpus(tmp_path / "corpus")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (corpus / "gbk.txt").write_bytes(NEW_REPORT.encode("gbk"))
    scanned_pdf(corpus / "scanned.pdf")
    (corpus / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    shutil.copyfile(corpus / TIAN, corpus / "copy-of-tian.txt")
    return corpus


def failure_reasons(index: ReportIndex) -> dict[str, str]:
    return {failure.path: failure.reason for failure in index.failures}


def test_each_bad_report_is_a_named_failure_and_the_rest_are_indexed(bad_corpus: Path, tmp_path: Path, fake_encoder):
    index = ReportIndex.build(bad_corpus, tmp_path / "index", encoder=fake_encoder)

    reasons = failure_reasons(index)
    assert set(reasons) == {"empty.txt", "binary.txt", "scanned.pdf", "corrupt.docx", "copy-of-tian.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "not a text file" in reasons["binary.txt"]
    assert "OCR" in reasons["scanned.pdf"]
    assert "corrupt .docx" in reasons["corrupt.docx"] and "re-save" in reasons["corrupt.docx"]
    assert reasons["copy-of-tian.txt"] == f"duplicate of {TIAN}; remove one of the two copies"
    assert sorted(info.source for info in index.reports) == sorted([*SEEDS, "gbk.txt"])
    # The GBK report was decoded, not mangled: its figure is answerable.
    reply = index.answer("青石镇2024年办理行政复议案件多少件？")
    assert reply.found and reply.text == "4217件" and reply.quotes[0].source == "gbk.txt"


def test_a_report_deleted_after_listing_is_a_named_failure(bad_corpus: Path, tmp_path: Path, fake_encoder, monkeypatch):
    listed = qa.ingest.reports.scan_folder

    def list_then_delete(folder):
        scan = listed(folder)
        (Path(folder) / "gbk.txt").unlink()
        return scan

    monkeypatch.setattr(qa.ingest.reports, "scan_folder", list_then_delete)
    index = ReportIndex.build(bad_corpus, tmp_path / "index", encoder=fake_encoder)
    assert failure_reasons(index)["gbk.txt"] == "file not found"
    assert sorted(info.source for info in index.reports) == SEEDS


def test_a_report_deleted_while_it_is_read_is_a_named_failure(tmp_path: Path, fake_encoder, monkeypatch):
    corpus = seed_corpus(tmp_path / "corpus")
    read = qa.ingest.reports.read_text

    def read_then_delete(path):
        text = read(path)
        if Path(path).name == TIAN:
            Path(path).unlink()
        return text

    monkeypatch.setattr(qa.ingest.reports, "read_text", read_then_delete)
    index = ReportIndex.build(corpus, tmp_path / "index", encoder=fake_encoder)
    assert "cannot be read" in failure_reasons(index)[TIAN]
    assert sorted(info.source for info in index.reports) == sorted(set(SEEDS) - {TIAN})


def test_an_unreadable_report_is_a_named_failure(tmp_path: Path, fake_encoder, monkeypatch):
    corpus = seed_corpus(tmp_path / "corpus")
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == TIAN:
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    index = ReportIndex.build(corpus, tmp_path / "index", encoder=fake_encoder)
    assert failure_reasons(index)[TIAN].startswith("cannot be read (Permission denied)")
    assert len(index.reports) == len(SEEDS) - 1


def test_a_large_one_line_report_is_indexed_in_bounded_time(tmp_path: Path, fake_encoder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    line = "青石镇人民政府2024年度法治政府建设情况报告。全年办理行政复议案件4217件，开展送法下乡活动36场次。"
    (corpus / "one-line.txt").write_text(line * (5_000_000 // len(line.encode())), encoding="utf-8")
    assert (corpus / "one-line.txt").stat().st_size > 4_900_000

    started = time.monotonic()
    index = ReportIndex.build(corpus, tmp_path / "index", encoder=fake_encoder)
    seconds = time.monotonic() - started

    assert index.failures == ()
    assert index.passage_count("one-line.txt") > 1000
    assert all(len(p.text) <= index.config.max_passage_chars for p in index.passages)
    assert seconds < 120, f"building a 5 MB one-line report took {seconds:.0f} s"
    reply = index.answer("青石镇办理行政复议案件多少件")
    assert reply.found and reply.text == "4217件"


# ----------------------------------------------------------------------------- questions


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory) -> ReportIndex:
    from conftest import FakeEncoder

    folder = tmp_path_factory.mktemp("seeds")
    return ReportIndex.build(seed_corpus(folder / "corpus"), folder / "index", encoder=FakeEncoder())


@pytest.mark.parametrize("question", ["", "   \n\t", "？！。……", "?!...", "😀🎉", "\u200b\u3000"])
def test_a_question_without_words_is_refused_with_an_example(seed_index: ReportIndex, question: str):
    for ask in (lambda: seed_index.search(question, 5), lambda: seed_index.answer(question)):
        with pytest.raises(QuestionError, match="has no words; ask for example"):
            ask()


def test_a_huge_question_is_capped_and_answered_quickly(seed_index: ReportIndex):
    question = "田镇街道2024年调处矛盾纠纷多少件" + "法治" * 50_000
    started = time.monotonic()
    hits = seed_index.search(question, 5)
    reply = seed_index.answer(question)
    seconds = time.monotonic() - started
    assert len(reply.question) == seed_index.config.max_question_chars
    assert hits and hits[0].source == TIAN
    assert seconds < 10, f"a 100,000-character question took {seconds:.1f} s"


@pytest.mark.parametrize(
    "question",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "'; DROP TABLE reports;--",
        "田镇街道2024年调处矛盾纠纷多少件😀",
        "\x00田镇\x1b[31m街道",
        "ﾀﾞｲﾔﾓﾝﾄﾞ Ω≈ç√∫",
    ],
)
def test_hostile_questions_get_an_ordinary_reply(seed_index: ReportIndex, question: str):
    hits = seed_index.search(question, 3)
    reply = seed_index.answer(question)
    assert len(hits) <= 3 and all(hit.source in SEEDS for hit in hits)
    assert all(quote.text in seed_index.text_of(quote.source) for quote in reply.quotes)
    assert reply.question == question.strip()


def test_an_emoji_does_not_hide_the_question(seed_index: ReportIndex):
    reply = seed_index.answer("田镇街道2024年调处矛盾纠纷多少件😀")
    assert reply.found and reply.text.startswith("806") and reply.quotes[0].source == TIAN


def test_traditional_characters_find_the_simplified_report(seed_index: ReportIndex):
    hits = seed_index.search("田鎮街道2024年調處矛盾糾紛多少件", 3)
    assert hits and all(hit.source == TIAN for hit in hits)
    reply = seed_index.answer("田鎮街道2024年調處矛盾糾紛多少件")
    assert reply.found and reply.text.startswith("806") and reply.quotes[0].source == TIAN


def test_full_width_digits_and_letters_are_read_as_half_width(seed_index: ReportIndex):
    reply = seed_index.answer("田镇街道２０２４年调处矛盾纠纷多少件？")
    assert reply.found and reply.text.startswith("806") and reply.quotes[0].source == TIAN
    hits = seed_index.search("调处矛盾纠纷８０６件", 3)
    assert hits[0].source == TIAN and "806" in hits[0].text


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "5"])
def test_a_bad_k_is_refused(seed_index: ReportIndex, k):
    with pytest.raises(QuestionError, match="must be a whole number"):
        seed_index.search("田镇街道", k)


# ----------------------------------------------------------------------------- uploads and the server


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../x.txt", "x.txt"),
        ("..\\..\\windows\\x.txt", "x.txt"),
        ("/etc/passwd.txt", "passwd.txt"),
        ("x/../../y.txt", "y.txt"),
        (".hidden.txt", "hidden.txt"),
        ("a\x00b\n.txt", "ab.txt"),
        ("<script>.txt", "script.txt"),
    ],
)
def test_upload_names_cannot_leave_the_corpus(name: str, expected: str, tmp_path: Path):
    assert safe_file_name(name) == expected
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    upload = tmp_path / "upload.txt"
    upload.write_text(NEW_REPORT, encoding="utf-8")
    [stored] = store_uploads([(upload, name)], corpus)
    assert stored.path.parent == corpus and stored.path.name == expected
    assert [path.name for path in tmp_path.rglob("*.txt") if path.parent != corpus] == ["upload.txt"]


@pytest.mark.parametrize("name", ["x.exe", "x.txt.sh", "x", "x.TXT.js", "../x.pdf.zip"])
def test_uploads_of_other_types_are_refused(name: str, tmp_path: Path):
    upload = tmp_path / "upload"
    upload.write_text(NEW_REPORT, encoding="utf-8")
    with pytest.raises(ReportReadError, match="unsupported file type"):
        check_upload(upload, name)


def test_uploads_over_the_size_limit_are_refused_before_reading(tmp_path: Path):
    upload = tmp_path / "big.txt"
    with upload.open("wb") as out:
        out.truncate(MAX_UPLOAD_BYTES + 1)  # sparse: no need to write 20 MB
    with pytest.raises(ReportReadError, match="larger than the 20 MB allowed"):
        check_upload(upload, "big.txt")


def test_the_server_listens_on_loopback_only_by_default(monkeypatch, tmp_path: Path):
    import app
    from webui.holder import IndexHolder

    launched: dict = {}

    class Holder:
        index = type("Index", (), {"reports": ()})()

    class App:
        def launch(self, **options):
            launched.update(options)

    monkeypatch.setattr(IndexHolder, "open", classmethod(lambda cls, corpus, index, progress=None: Holder()))
    monkeypatch.setattr(app, "build_app", lambda holder, gate=None: App())
    assert app.main([]) == 0
    assert launched["server_name"] == "127.0.0.1"
    assert launched["max_file_size"] == MAX_UPLOAD_BYTES
    assert not launched.get("share")


# ----------------------------------------------------------------------------- in the browser

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE_REPORT = NEW_REPORT.replace(
    "纠错率12%。", "纠错率12%。\n\n（二）公开栏目<script>alert(1)</script>已更新，图片<img src=x onerror=alert(1)>已替换。"
)


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
def test_markup_in_reports_and_questions_is_shown_as_text_in_the_browser(tmp_path: Path, fake_encoder):
    from playwright.sync_api import sync_playwright

    from app import build_app
    from test_browser import CHROMIUM_ARGS
    from webui.holder import IndexHolder

    corpus = seed_corpus(tmp_path / "corpus")
    (corpus / "2024_青石镇.txt").write_text(HOSTILE_REPORT, encoding="utf-8")
    holder = IndexHolder(ReportIndex.build(corpus, tmp_path / "index", encoder=fake_encoder), corpus)
    app = build_app(holder)
    app.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                dialogs: list[str] = []
                page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
                page.goto(app.local_url)
                replies = page.locator("[data-testid='bot']")
                for question in ("青石镇2024年办理行政复议案件多少件？<img src=x onerror=alert(1)>",
                                 "青石镇公开栏目<script>alert(1)</script>更新了吗"):
                    before = replies.count()
                    page.locator("#question textarea").fill(question)
                    page.locator("#question textarea").press("Enter")
                    page.wait_for_function(  # the reply itself, not the "正在查找答案…" line before it
                        """n => { const bots = document.querySelectorAll("[data-testid='bot']");
                                  return bots.length > n && !bots[bots.length - 1].innerText.includes('正在查找'); }""",
                        arg=before, timeout=60_000,
                    )
                    page.wait_for_timeout(500)  # give any injected handler the chance to fire
                    assert question in page.locator("[data-testid='user']").nth(before).inner_text()
                # Related passages are folded away under a refusal: unfold them to read them.
                page.evaluate("document.querySelectorAll('[data-testid=\"bot\"] details').forEach(d => d.open = true)")
                reply = replies.nth(0).inner_text()
                assert "4217" in reply
                chat = page.locator("[data-testid='bot']").all_inner_texts()
                assert any("<script>alert(1)</script>" in text for text in chat)
                assert any("<img src=x onerror=alert(1)>" in text for text in chat)
                assert page.locator("[data-testid='bot'] script, [data-testid='bot'] img").count() == 0
                assert dialogs == []
            finally:
                browser.close()
    finally:
        app.close()
