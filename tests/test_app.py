"""Tests of the web chat: rendering, escaping, uploads, the chat turn and the "ask" API, over a fake index."""
from __future__ import annotations

import html
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app import ALL_YEARS, add_reports, build_app, chat_turn, launch_options, report_choices, report_rows, year_choices
from qa.errors import QAError, QuestionError, ReportReadError
from qa.model import Answer, Quote, ReadFailure, Report, ReportInfo, Section
from qa.retrieval.scope import Scope, resolve_scope
from webui.holder import IndexHolder
from webui.render import NOT_FOUND, RELATED, escape, highlight, render_answer, render_comparison
from webui.uploads import safe_file_name, store_uploads

QUOTE_TEXT = "坚持和发展新时代“枫桥经验”，全年调处矛盾纠纷806件，调解成功率98%。"
SECTION = "一、2024年法治政府建设主要举措 > （三）化解矛盾纠纷"
REPORT_TEXT = "桃源镇人民政府2024年度法治政府建设情况报告\n一、主要举措\n全年办理行政复议案件4217件。\n"


def quote(text: str = QUOTE_TEXT, answer: str | None = "806件", report: str = "田镇街道 2024年") -> Quote:
    span = (text.index(answer), text.index(answer) + len(answer)) if answer else None
    return Quote(text=text, source="2024_田镇街道.txt", report=report, section=SECTION, answer_span=span)


def info(source: str, issuer: str, year: int | None = 2024) -> ReportInfo:
    return ReportInfo(source=source, title=f"{issuer}报告", issuer=issuer, year=year, published="2025年1月3日")


@dataclass
class FakeIndex:
    """Answers from a table of canned answers and records how it was asked."""

    infos: tuple[ReportInfo, ...]
    answers: dict[str, Answer] = field(default_factory=dict)
    calls: list[dict] = field(default_factory=list)
    fail_update: bool = False
    failures: tuple[ReadFailure, ...] = ()

    @property
    def reports(self) -> tuple[ReportInfo, ...]:
        return self.infos

    def passage_count(self, source: str) -> int:
        return 10 + [report.source for report in self.infos].index(source)

    def search(self, question, k=5, *, sources=None, year=None):
        return []

    def report(self, source: str) -> Report:
        info_of = {report.source: report for report in self.infos}
        if source not in info_of:
            raise QAError(f"no report {source!r}")
        text = f"{info_of[source].title}\n一、主要举措\n{QUOTE_TEXT}\n"
        start = text.index("一、")
        return Report(info_of[source], text, (Section(("一、主要举措",), 1, start, len(text)),), ())

    def scope(self, question, *, sources=None, year=None) -> Scope:
        scope = resolve_scope(question, self.infos)
        chosen = scope.sources
        if sources is not None:
            chosen = tuple(s for s in (chosen if chosen is not None else [i.source for i in self.infos]) if s in sources)
        if year is not None:
            years = {i.source: i.year for i in self.infos}
            chosen = tuple(s for s in (chosen if chosen is not None else list(years)) if years[s] == year)
        return Scope(chosen, scope.places, scope.year if year is None else year, scope.unknown_place)

    def answer(self, question, *, history=(), sources=None, year=None) -> Answer:
        if not question.strip():
            raise QuestionError("question is empty; type a question about the reports")
        self.calls.append({"question": question, "history": tuple(history), "sources": sources, "year": year})
        return self.answers.get(question, Answer(question=question, text=None, found=False, kind="none"))

    def update(self, corpus, progress=None) -> "FakeIndex":
        if self.fail_update:
            raise QAError("embedding failed; try again")
        if progress:
            progress(0.5, "embedding")
        files = [file for file in sorted(Path(corpus).iterdir()) if not file.name.startswith(".")]
        refused = [file for file in files if "无标题" in file.read_text(encoding="utf-8")]
        infos = tuple(info(file.name, file.stem) for file in files if file not in refused)
        failures = tuple(ReadFailure(str(file), "no title found; put the title on the first line") for file in refused)
        return FakeIndex(infos, self.answers, failures=failures)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "2024_田镇街道.txt").write_text("田镇街道2024年度法治政府建设情况报告\n全年调处矛盾纠纷806件。\n", encoding="utf-8")
    return folder


@pytest.fixture
def holder(corpus: Path) -> IndexHolder:
    answer = Answer(question="田镇街道调处矛盾纠纷多少件", text="806件", found=True, quotes=(quote(),), kind="number")
    index = FakeIndex((info("2024_田镇街道.txt", "田镇街道"),), {answer.question: answer})
    return IndexHolder(index, corpus)


def visible_text(rendered: str) -> str:
    """Return what a reader sees: tags removed, references decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_quote_with_markup_is_shown_as_text_never_as_html(payload: str) -> None:
    text = f"全年调处矛盾纠纷806件{payload}，调解成功率98%。"

    rendered = highlight(quote(text))

    assert "<script" not in rendered and "<img" not in rendered
    assert rendered.count("<mark>") == 1 and "<mark>806件</mark>" in rendered
    assert visible_text(rendered) == text


def test_answer_and_source_are_escaped_too() -> None:
    evil = Quote(text="<b>x</b>806件", source="a.txt", report="<i>报告</i>", section="一、<u>总体</u>")
    answer = Answer(question="q", text="<svg onload=alert(1)>", found=True, quotes=(evil,), kind="number")

    rendered = render_answer(answer)

    assert not re.search(r"<(b|i|u|svg)\b", rendered)
    assert "<svg onload=alert(1)>" in visible_text(rendered)


def test_markdown_syntax_in_reports_is_shown_literally() -> None:
    text = "1. **重点** [链接](http://example.com) | `代码` $$x$$ # 标题 _下划线_"

    rendered = escape(text)

    assert not re.search(r"[*\[\]()|`$#_]", re.sub(r"&#\d+;", "", rendered))
    assert html.unescape(rendered) == text


def test_highlight_marks_exactly_the_answer_span() -> None:
    rendered = highlight(quote())

    before, marked, after = re.split(r"</?mark>", rendered)
    assert marked == "806件"
    assert visible_text(before).endswith("调处矛盾纠纷") and visible_text(after).startswith("，调解成功率98%")


def test_highlight_rejects_a_span_outside_the_quote() -> None:
    bad = Quote(text="806件", source="a.txt", report="r", section="s", answer_span=(2, 40))

    with pytest.raises(ValueError, match=r"answer_span \(2, 40\).*a\.txt"):
        highlight(bad)


def test_found_answer_puts_the_bold_answer_first_then_the_quote_and_its_source() -> None:
    answer = Answer(question="q", text="806件", found=True, quotes=(quote(),), kind="number")

    rendered = render_answer(answer)

    assert rendered.startswith("**806件**")
    assert "<mark>806件</mark>" in rendered
    assert "田镇街道 2024年 › 一、2024年法治政府建设主要举措 › （三）化解矛盾纠纷" in visible_text(rendered)
    assert NOT_FOUND not in rendered


def test_not_found_says_so_and_lists_the_nearest_passages_as_related() -> None:
    related = quote("田镇街道全年受理信访48件。", answer=None)
    answer = Answer(question="田镇街道地区生产总值是多少", text=None, found=False, quotes=(related,), kind="none")

    rendered = render_answer(answer)

    assert rendered.startswith(f"**{NOT_FOUND}**")
    assert RELATED in rendered and "田镇街道全年受理信访48件" in visible_text(rendered)
    assert "<mark>" not in rendered


def test_comparison_is_a_table_with_one_row_per_report() -> None:
    rows = (
        Answer("q", "8场", True, (quote("开展法治讲座8场", "8场", "上白作街道 2023年"),), kind="number"),
        Answer("q", "14场", True, (quote("举办各类法律讲座14场", "14场", "春城街道 2024年"),), kind="number"),
        Answer("q", None, False, (quote("开展普法活动", None, "田镇街道 2024年"),), kind="none"),
    )

    table = render_comparison(rows).splitlines()

    assert table[0] == "| 报告 | 答案 | 原文 | 章节 |" and len(table) == 2 + len(rows)
    assert "上白作街道 2023年" in visible_text(table[2]) and "<mark>8场</mark>" in table[2]
    assert "春城街道 2024年" in visible_text(table[3]) and "**14场**" in table[3]
    assert "田镇街道 2024年" in visible_text(table[4]) and NOT_FOUND in table[4]
    assert all(line.count("|") == 5 for line in table)


def test_comparison_answer_renders_its_rows_as_a_table() -> None:
    row = Answer("q", "8场", True, (quote("开展法治讲座8场", "8场", "上白作街道 2023年"),), kind="number")
    answer = Answer("各街道开展了多少场法治讲座", None, True, (), rows=(row,), kind="comparison")

    assert "| 报告 | 答案 | 原文 | 章节 |" in render_answer(answer)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\Windows\\report.TXT", "report.txt"),
        ("/abs/path/.hidden.docx", "hidden.docx"),
        ("a/b/../2024 田镇街道（修订）.pdf", "2024_田镇街道（修订）.pdf"),
        ("<script>alert(1)</script>.html", "script.html"),
        ("nul\x00byte.txt", "nulbyte.txt"),
    ],
)
def test_safe_file_name_keeps_only_a_plain_name(name: str, expected: str) -> None:
    assert safe_file_name(name) == expected


@pytest.mark.parametrize("name", ["run.exe", "report.txt.sh", "noext", "../../.bashrc"])
def test_safe_file_name_refuses_other_types(name: str) -> None:
    with pytest.raises(ReportReadError, match="unsupported file type"):
        safe_file_name(name)


def test_bad_upload_is_rejected_by_name_and_nothing_is_copied(tmp_path: Path, corpus: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(REPORT_TEXT, encoding="utf-8")
    bad = tmp_path / "broken.txt"
    bad.write_bytes(bytes(range(256)) * 8)
    before = sorted(corpus.iterdir())

    with pytest.raises(ReportReadError) as raised:
        store_uploads([(good, "桃源镇.txt"), (bad, "坏报告.txt")], corpus)

    assert raised.value.path == "坏报告.txt"
    assert sorted(corpus.iterdir()) == before


def test_oversized_upload_is_rejected(tmp_path: Path, corpus: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(REPORT_TEXT * 50, encoding="utf-8")

    with pytest.raises(ReportReadError, match="larger than"):
        store_uploads([(big, "big.txt")], corpus, max_bytes=1000)
    assert not (corpus / "big.txt").exists()


def test_upload_never_overwrites_a_different_report(tmp_path: Path, corpus: Path) -> None:
    upload = tmp_path / "2024_田镇街道.txt"
    upload.write_text(REPORT_TEXT, encoding="utf-8")
    original = (corpus / "2024_田镇街道.txt").read_text(encoding="utf-8")

    first, again = store_uploads([(upload, upload.name), (upload, "../" + upload.name)], corpus)

    assert first.path == corpus / "2024_田镇街道-2.txt" and first.new
    assert again.path == first.path and not again.new
    assert first.path.read_text(encoding="utf-8") == REPORT_TEXT
    assert (corpus / "2024_田镇街道.txt").read_text(encoding="utf-8") == original
    assert not list(corpus.glob(".*"))


def test_add_reports_copies_then_swaps_in_the_updated_index(tmp_path: Path, holder: IndexHolder) -> None:
    upload = tmp_path / "upload" / "2024_桃源镇.txt"
    upload.parent.mkdir()
    upload.write_text(REPORT_TEXT, encoding="utf-8")
    steps = []

    message = add_reports(holder, [str(upload)], progress=lambda fraction, text: steps.append((fraction, text)))

    assert "2024_桃源镇.txt → 2024_桃源镇.txt" in visible_text(message) and "✅" in message
    assert (holder.corpus / "2024_桃源镇.txt").read_text(encoding="utf-8") == REPORT_TEXT
    assert [report.issuer for report in holder.index.reports] == ["2024_桃源镇", "2024_田镇街道"]
    assert steps == [(0.5, "embedding")]


def test_add_reports_with_a_bad_file_keeps_corpus_and_index(tmp_path: Path, holder: IndexHolder) -> None:
    bad = tmp_path / "empty.docx"
    bad.write_bytes(b"not a zip file at all")
    index_before, files_before = holder.index, sorted(holder.corpus.iterdir())

    message = add_reports(holder, [str(bad)])

    assert "empty.docx：不是有效的 .docx 文件" in visible_text(message) and "索引保持不变" in message
    assert str(tmp_path) not in visible_text(message)
    assert holder.index is index_before and sorted(holder.corpus.iterdir()) == files_before


def test_add_reports_removes_the_new_file_when_the_rebuild_fails(tmp_path: Path, holder: IndexHolder) -> None:
    holder.index.fail_update = True
    upload = tmp_path / "new.txt"
    upload.write_text(REPORT_TEXT, encoding="utf-8")
    index_before = holder.index

    message = add_reports(holder, [str(upload)])

    assert "撤回" in message and "embedding failed" not in message
    assert holder.index is index_before and not (holder.corpus / "new.txt").exists()


def test_add_reports_takes_back_a_file_the_index_refused(tmp_path: Path, holder: IndexHolder) -> None:
    refused = tmp_path / "无标题.txt"
    refused.write_text("无标题\n只有一行。\n", encoding="utf-8")

    message = add_reports(holder, [str(refused)])

    assert "无标题.txt：未加入索引。没有找到报告标题" in visible_text(message)
    assert not (holder.corpus / "无标题.txt").exists()
    assert [report.source for report in holder.index.reports] == ["2024_田镇街道.txt"]


def test_chat_turn_passes_earlier_questions_as_history_and_filters(holder: IndexHolder) -> None:
    index = holder.index
    messages, replies, asked = chat_turn(index, "田镇街道调处矛盾纠纷多少件", [], [], [], None, ALL_YEARS)
    messages, replies, asked = chat_turn(index, "<b>那信访呢</b>", messages, replies, asked, ["2024_田镇街道.txt"], "2024")

    assert index.calls[0] == {"question": "田镇街道调处矛盾纠纷多少件", "history": (), "sources": None, "year": None}
    assert index.calls[1] == {
        "question": "<b>那信访呢</b>", "history": ("田镇街道调处矛盾纠纷多少件",),
        "sources": ["2024_田镇街道.txt"], "year": 2024,
    }
    assert asked == ["田镇街道调处矛盾纠纷多少件", "<b>那信访呢</b>"]
    assert [reply.turn for reply in replies] == [0, 1] and replies[0].citations == (quote(),)
    assert [message["role"] for message in messages] == ["user", "assistant"] * 2
    assert messages[1]["content"].startswith("**806件**")
    assert "<b>" not in messages[2]["content"] and messages[3]["content"].startswith(f"**{NOT_FOUND}**")


def test_chat_turn_turns_errors_into_a_message_and_ignores_blank_questions(holder: IndexHolder) -> None:
    messages, replies, asked = chat_turn(holder.index, "   ", [], [], ["earlier"], None, None)
    assert [m["role"] for m in messages] == ["assistant"] and "请输入问题" in messages[0]["content"]
    assert asked == ["earlier"] and replies == [] and holder.index.calls == []

    messages, _, _ = chat_turn(holder.index, "？？？", [], [], [], None, None)
    assert "问题中没有文字" in visible_text(messages[1]["content"]) and "no words" not in messages[1]["content"]

    broken = FakeIndex(holder.index.reports)
    broken.answer = lambda *args, **kwargs: (_ for _ in ()).throw(QuestionError("question '？' has no words"))
    messages, replies, asked = chat_turn(broken, "问题", [], [], [], None, None)
    assert "问题中没有文字" in visible_text(messages[1]["content"]) and asked == [] and replies == []


def test_reports_table_and_filters_list_every_report() -> None:
    index = FakeIndex((info("a.txt", "田镇街道"), info("b.txt", "田镇街道"), info("c.txt", "铁西区", 2023)))

    assert report_rows(index)[2] == ["铁西区", "2023", "2025-01-03", 12, "c.txt", ""]
    assert report_rows(index)[0][5] == "⚠️ 与 b.txt 同单位同年度" and report_rows(index)[1][5] == "⚠️ 与 a.txt 同单位同年度"
    assert report_choices(index)[0] == ("田镇街道 2024年（a.txt）", "a.txt")
    assert report_choices(index)[2] == ("铁西区 2023年", "c.txt")
    assert year_choices(index) == [ALL_YEARS, "2024", "2023"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_ask_is_reachable_through_the_gradio_api(holder: IndexHolder) -> None:
    from gradio_client import Client

    app = build_app(holder)
    app.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        client = Client(app.local_url, verbose=False)
        markdown, answer = client.predict("田镇街道调处矛盾纠纷多少件", api_name="/ask")
    finally:
        app.close()

    assert markdown.startswith("**806件**") and "<mark>806件</mark>" in markdown
    assert answer["found"] and answer["text"] == "806件"
    assert answer["quotes"][0]["source"] == "2024_田镇街道.txt"
