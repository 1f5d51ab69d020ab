"""The chat as a reader's workbench, over a fake index: notices, refusal reasons, citations, the report
at a quote, dates, conflicts, Chinese messages, and the administrator gate over plain HTTP."""
from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

import httpx
import pytest

from app import build_app, launch_options
from qa.errors import IndexLoadError, QAError, QuestionError, ReportReadError
from qa.model import Answer, Hit, Passage, Quote
from support import free_port
from test_app import QUOTE_TEXT, SECTION, FakeIndex, info, quote, visible_text
from webui.admin import MANAGEMENT_OFF, WRONG_PASSWORD, AdminGate
from webui.catalog import NO_DATE, conflicts, normalise_date, report_rows
from webui.citations import comparison_csv, plain_text, render_citations, render_source
from webui.holder import IndexHolder
from webui.messages import error_message, progress_message
from webui.notices import related_quotes
from webui.render import NOT_FOUND, Reply, direct_answer, render_reply
from webui.replies import MAX_QUESTION_CHARS, build_reply

TIAN = info("2024_田镇街道.txt", "田镇街道")
SHANG = info("2023_上白作街道.txt", "上白作街道", 2023)


def found(text: str = "806件") -> Answer:
    return Answer("田镇街道2024年调处矛盾纠纷多少件", text, True, (quote(),), kind="number")


@pytest.mark.parametrize(
    "written, expected",
    [
        ("２０２５年１月１５日", "2025-01-15"),
        ("2025 年 1 月 10 日", "2025-01-10"),
        ("2025年1月3日", "2025-01-03"),
        ("二〇二五年一月十五日", "2025-01-15"),
        ("2025.2.25", "2025-02-25"),
        (None, NO_DATE),
        ("", NO_DATE),
        ("2025年13月40日", NO_DATE),
    ],
)
def test_dates_are_shown_one_way_or_as_not_given(written: str | None, expected: str) -> None:
    assert normalise_date(written) == expected


def test_two_reports_of_one_issuer_and_year_are_a_conflict_in_the_list() -> None:
    rival = info("2024_田镇街道-2.txt", "田镇街道")
    index = FakeIndex((TIAN, rival, SHANG))

    assert conflicts(index.reports) == {TIAN.source: (rival.source,), rival.source: (TIAN.source,)}
    rows = report_rows(index)
    assert "2024_田镇街道-2.txt" in rows[0][5] and "2024_田镇街道.txt" in rows[1][5] and rows[2][5] == ""


def test_an_answer_from_a_report_with_a_rival_shows_the_rival_and_warns() -> None:
    rival = info("2024_田镇街道-2.txt", "田镇街道")
    passage = Passage(rival.source, ("一、主要举措",), "全年调处矛盾纠纷9999件。", 10, 24)
    index = FakeIndex((TIAN, rival), {found().question: found()})
    index.search = lambda question, k=5, *, sources=None, year=None: [
        Hit("全年调处矛盾纠纷9999件。", 1.0, rival.source, rival.name, "一、主要举措", passage)
    ] if sources == [rival.source] else []

    reply = build_reply(index, found().question)

    assert [q.source for q in reply.citations] == [TIAN.source, rival.source]
    assert "9999件" in reply.citations[1].text
    rendered = visible_text(render_reply(reply))
    assert "有 2 份报告" in rendered and "2024_田镇街道-2.txt" in rendered and "9999件" in rendered


def test_refusal_says_no_report_covers_the_place() -> None:
    index = FakeIndex((TIAN, SHANG))

    reply = build_reply(index, "北京市朝阳区2024年调处矛盾纠纷多少件")

    assert reply.reason == "报告库中没有关于「北京市朝阳区」的报告。"
    assert render_reply(reply).startswith(f"**{NOT_FOUND}**：报告库中没有关于「北京市朝阳区」的报告")


def test_refusal_says_the_report_covers_another_year() -> None:
    index = FakeIndex((TIAN, SHANG))

    reply = build_reply(index, "上白作街道2024年调处矛盾纠纷多少件")

    assert reply.reason == "「上白作街道」的报告是 2023 年度的，没有 2024 年度的报告。"


def test_refusal_says_the_filter_excludes_the_named_report_and_the_follow_up_keeps_the_place() -> None:
    index = FakeIndex((TIAN, SHANG))

    reply = build_reply(index, "那受理信访多少件", history=["田镇街道2024年调处矛盾纠纷多少件"], sources=[SHANG.source])

    assert "所选的筛选条件不包括问题所问的「田镇街道 2024年」报告" in reply.reason
    assert reply.notices == ()  # said once, on the refusal line


def test_a_filter_at_odds_with_the_question_is_mentioned_beside_an_answer() -> None:
    index = FakeIndex((TIAN, SHANG), {found().question: found()})

    reply = build_reply(index, found().question, year=2023)

    assert reply.notices == ("问题问的是 2024 年，但年度筛选为 2023 年。",)
    assert render_reply(reply).startswith("ℹ️ 问题问的是 2024 年")


def test_a_question_over_the_cap_is_answered_with_a_notice() -> None:
    index = FakeIndex((TIAN,))

    reply = build_reply(index, "田镇街道" + "调处矛盾纠纷" * 60)

    assert reply.notices[0].startswith(f"问题共 {4 + 6 * 60} 字，超过 {MAX_QUESTION_CHARS} 字的上限")


def test_related_passages_come_only_from_bodies_within_the_filters() -> None:
    title = Quote("田镇街道2024年度法治政府建设情况报告", TIAN.source, TIAN.name, "")
    signature = Quote("田镇街道办事处\n2025年1月3日", TIAN.source, TIAN.name, "四、下一步工作打算")
    body = Quote("全年受理信访48件，同比下降16%。", TIAN.source, TIAN.name, SECTION)
    other = Quote("全年调处矛盾纠纷79起。", SHANG.source, SHANG.name, SECTION)

    assert related_quotes([title, signature, body, other], {TIAN.source}) == (body,)


def test_the_direct_answer_folds_full_width_digits_and_the_quote_keeps_them() -> None:
    text = "全年受理案件２７件。"
    wide = Quote(text, TIAN.source, TIAN.name, SECTION, (6, 9))
    reply = Reply(Answer("q", "２７件", True, (wide,), kind="number"), (wide,))
    assert direct_answer("8 场") == "8场" and direct_answer("98％") == "98%"

    rendered = render_reply(reply)

    assert rendered.startswith("**27件**") and "<mark>２７件</mark>" in rendered
    assert plain_text(reply).splitlines()[:2] == ["27件", "[1] 全年受理案件２７件。"]


def test_answer_marks_link_to_the_panel_which_lists_each_quote_with_its_source() -> None:
    reply = Reply(found(), (quote(),), turn=3)

    rendered = render_reply(reply)
    panel = render_citations(reply)

    assert '<a class="cite" href="#cite-3-1">[1]</a>' in rendered
    assert 'id="citation-1"' in panel and "<mark>806件</mark>" in panel and 'data-turn="3" data-n="1"' in panel
    assert "田镇街道 2024年 › 一、2024年法治政府建设主要举措 › （三）化解矛盾纠纷" in visible_text(panel)
    assert plain_text(reply) == (
        f"806件\n[1] {QUOTE_TEXT}\n来源：田镇街道 2024年 › 一、2024年法治政府建设主要举措 › （三）化解矛盾纠纷"
    )


def test_a_comparison_exports_as_csv_one_row_per_report() -> None:
    rows = (
        Answer("q", "8场", True, (quote("开展法治讲座8场", "8场", "上白作街道 2023年"),), kind="number"),
        Answer("q", None, False, (quote("开展普法活动", None, "田镇街道 2024年"),), kind="none"),
    )
    reply = Reply(Answer("各街道开展了多少场法治讲座", None, True, (), rows=rows, kind="comparison"), (rows[0].quotes[0],))

    table = list(csv.reader(io.StringIO(comparison_csv(reply))))

    assert table[0] == ["报告", "答案", "原文", "章节", "文件"]
    assert table[1][:3] == ["上白作街道 2023年", "8场", "开展法治讲座8场"]
    assert table[2][:3] == ["田镇街道 2024年", NOT_FOUND, ""]


def test_the_report_opens_at_the_quote_in_its_section_or_whole() -> None:
    index = FakeIndex((TIAN,))
    report = index.report(TIAN.source)
    start = report.text.index(QUOTE_TEXT)
    at = QUOTE_TEXT.index("806件")
    cited = Quote(QUOTE_TEXT, TIAN.source, TIAN.name, SECTION, (at, at + 4), start)

    section = render_source(report.text, report.sections, cited)
    whole = render_source(report.text, report.sections, cited, whole=True)

    assert '<mark class="source-quote" id="source-quote">' in section and "<mark>806件</mark>" in section
    assert visible_text(section).count(QUOTE_TEXT) == 1 and TIAN.title not in visible_text(section)
    assert TIAN.title in visible_text(whole) and "全文" in visible_text(whole)


@pytest.mark.parametrize(
    "error, expected",
    [
        (ReportReadError("setup.exe", "unsupported file type '.exe'; upload one of .txt"), "setup.exe：不支持的文件类型「.exe」"),
        (ReportReadError("a.txt", "file is 25.0 MB, larger than the 20 MB allowed; split"), "文件大小 25.0 MB，超过 20 MB"),
        (QuestionError("question '？？？' has no words; ask for example"), "问题中没有文字"),
        (IndexLoadError("index/manifest.json cannot be read"), "索引文件已损坏"),
        (QAError("something new and unforeseen"), "处理时出错"),
    ],
)
def test_errors_from_qa_are_worded_in_chinese(error: QAError, expected: str) -> None:
    message = error_message(error)

    assert expected in message
    assert not any(word in message for word in ("question", "file", "index", "something"))


def test_build_progress_is_worded_in_chinese() -> None:
    assert progress_message("building the lexical and vector indexes") == "正在建立检索索引"
    assert progress_message("embedded 8/83 passages") == "正在计算段落向量（8/83 段）"
    assert progress_message("a step no rule knows") == "正在更新索引"


def test_the_admin_password_must_be_long_enough_and_match() -> None:
    with pytest.raises(ValueError, match="at least 8"):
        AdminGate("short")
    assert AdminGate(None).refusal("anything") == MANAGEMENT_OFF
    gate = AdminGate("secret-admin-1")
    assert gate.refusal(None) == WRONG_PASSWORD and gate.refusal("secret-admin-2") == WRONG_PASSWORD
    assert gate.refusal("secret-admin-1") == ""


def call_event(base: str, fn_index: int, data: list) -> list:
    """Call one of the page's events over plain HTTP, as a script would, and return its last output."""
    session = uuid.uuid4().hex
    with httpx.Client(base_url=base, timeout=60) as client:
        joined = client.post("/gradio_api/queue/join", json={
            "data": data, "fn_index": fn_index, "trigger_id": None, "session_hash": session, "event_data": None,
        })
        joined.raise_for_status()
        output = None
        with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("msg") in ("process_generating", "process_completed") and message.get("output"):
                    output = message["output"].get("data", output)
                if message.get("msg") == "process_completed":
                    return output
    raise AssertionError("the event never completed")


def event_index(app, name: str) -> int:
    return next(key for key, fn in app.fns.items() if fn.name == name)


def test_report_management_over_plain_http_needs_the_admin_password(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "2024_田镇街道.txt").write_text("田镇街道2024年度法治政府建设情况报告\n", encoding="utf-8")
    holder = IndexHolder(FakeIndex((TIAN,)), corpus)
    app = build_app(holder, AdminGate("secret-admin-1"))
    app.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True, **launch_options())
    try:
        base = app.local_url.rstrip("/")
        before = holder.index
        refused = call_event(base, event_index(app, "rescan_reports"), ["wrong-password"])
        assert WRONG_PASSWORD in refused[0] and holder.index is before
        refused = call_event(base, event_index(app, "delete_chosen"), [[TIAN.source], ""])
        assert WRONG_PASSWORD in refused[0] and (corpus / TIAN.source).exists()
        # Asking stays open to everyone.
        answered = call_event(base, event_index(app, "respond"), ["田镇街道调处矛盾纠纷多少件", [], None, None, None, "全部年份"])
        assert NOT_FOUND in str(answered[0])
        done = call_event(base, event_index(app, "rescan_reports"), ["secret-admin-1"])
        assert done[0].startswith("✅") and holder.index is not before
    finally:
        app.close()


def test_without_a_password_there_is_no_management_event_at_all(tmp_path: Path) -> None:
    app = build_app(IndexHolder(FakeIndex((TIAN,)), tmp_path))

    names = {fn.name for fn in app.fns.values()}
    assert not names & {"upload_reports", "rescan_reports", "delete_chosen"}
    assert "ask" in names and "respond" in names


def test_deleting_a_report_removes_it_and_a_failed_rebuild_puts_it_back(tmp_path: Path) -> None:
    from webui.manage import delete_reports

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("2024_田镇街道.txt", "2024_春城街道.txt"):
        (corpus / name).write_text(f"{name}报告\n", encoding="utf-8")
    holder = IndexHolder(FakeIndex((info("2024_田镇街道.txt", "2024_田镇街道"), info("2024_春城街道.txt", "2024_春城街道"))), corpus)

    holder.index.fail_update = True
    message = delete_reports(holder, ["2024_春城街道.txt"])
    assert "已放回" in message and (corpus / "2024_春城街道.txt").exists() and not list(corpus.glob(".*"))

    holder.index.fail_update = False
    message = delete_reports(holder, ["2024_春城街道.txt"])
    assert message.startswith("✅") and not (corpus / "2024_春城街道.txt").exists() and not list(corpus.glob(".*"))
    assert [report.source for report in holder.index.reports] == ["2024_田镇街道.txt"]

    assert "没有这份报告" in delete_reports(holder, ["../outside.txt"])
    assert (corpus / "2024_田镇街道.txt").exists()
