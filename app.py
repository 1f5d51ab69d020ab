"""Web chat over a folder of 法治政府建设 reports: ask in Chinese, get the reports' own words back.

    python app.py [--corpus corpus] [--index index] [--host 127.0.0.1] [--port 7860] [--admin-password …]

The index is built on the first start and loaded in seconds afterwards. Per-user state lives in
gr.State; the index is shared read-only behind an IndexHolder and swapped whole on rebuild. The
reports list and the filters are read from the index each time a page loads. Report management
(upload, rescan, delete) is off unless an administrator password is configured. The same server
answers plain JSON at POST /api/ask (webui/ask_api.py), far cheaper than Gradio's queue.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence

import gradio as gr

from qa.errors import QAError
from webui.admin import ADMIN_PASSWORD_VARIABLE, MANAGEMENT_OFF, AdminGate
from webui.ask_api import ask_routes
from webui.catalog import ALL_YEARS, REPORT_HEADERS, parse_year, report_choices, report_rows, year_choices
from webui.citations import EMPTY_PANEL, EMPTY_SOURCE, comparison_csv, render_citations, render_source
from webui.holder import IndexHolder, SearchableIndex
from webui.manage import add_reports, delete_reports, rescan, with_progress
from webui.messages import error_message
from webui.render import Reply, answer_to_json, escape, render_answer, render_reply
from webui.replies import build_reply
from webui.serving import ANSWERS_AT_ONCE, configure_queue, prepare_process
from webui.uploads import MAX_UPLOAD_BYTES

__all__ = ["ALL_YEARS", "add_reports", "build_app", "chat_turn", "report_choices", "report_rows", "year_choices"]

EXAMPLES = [
    "田镇街道2024年调处矛盾纠纷多少件",
    "铁西区2024年收到行政复议申请多少件？",
    "春城街道探索实施了什么样的普法方式？",
    "七马路街道法治政府建设存在哪些不足？",
    "各街道开展了多少场法治讲座？",
]
UPLOAD_TYPES = [".txt", ".docx", ".pdf", ".html", ".htm"]
STATIC = Path(__file__).resolve().parent / "webui" / "static"
THINKING = "⏳ 正在查找答案…"
# Gradio's own words that would otherwise show in English (the page follows the browser's language).
GRADIO_WORDS = {"common.clear": "清除", "common.loading": "加载中", "chatbot.clear": "清除对话",
                "upload_text.click_to_upload": "点击上传", "upload_text.drop_file": "拖放文件到此处"}


def chat_turn(
    index: SearchableIndex,
    question: str,
    messages: list[dict[str, str]],
    replies: list[Reply],
    asked: list[str],
    sources: Sequence[str] | None,
    year: str | int | None,
) -> tuple[list[dict[str, str]], list[Reply], list[str]]:
    """Answer one chat question and return the conversation, its replies and the questions asked so far.

    Args:
        index: the index to answer from.
        question: the question typed.
        messages: the conversation so far, in Chatbot messages format.
        replies: the replies so far, one per answered question, for the citations panel.
        asked: the earlier questions of this conversation, passed as history for follow-ups.
        sources: report files to search; empty or None for all.
        year: the year filter value.

    Returns:
        The conversation with the question (when there was one) and the reply appended, the
        replies including this one when it was answered, and the questions asked.
    """
    try:
        reply = build_reply(
            index, question, history=asked, sources=sources, year=parse_year(year), turn=len(replies)
        )
    except QAError as error:
        said = [{"role": "user", "content": escape(question.strip())}] if question.strip() else []
        warning = {"role": "assistant", "content": f"⚠️ {escape(error_message(error))}"}
        return [*messages, *said, warning], replies, asked
    turn = [
        {"role": "user", "content": escape(question.strip())},
        {"role": "assistant", "content": render_reply(reply)},
    ]
    return [*messages, *turn], [*replies, reply], [*asked, question.strip()]


def open_citation(index: SearchableIndex, replies: list[Reply], choice: str, whole: bool = False) -> tuple[str, str]:
    """Return the citations panel of the chosen reply and its report opened at the chosen quote.

    Args:
        choice: "turn:number[:nonce]" as the page sends it; number counts from 1.
        whole: show the whole report rather than the quote's section.
    """
    try:
        turn, number = (int(part) for part in choice.split(":")[:2])
        reply = replies[turn]
        quote = reply.citations[number - 1]
    except (ValueError, IndexError):
        return render_citations(replies[-1] if replies else None), EMPTY_SOURCE
    try:
        report = index.report(quote.source)
        view = render_source(report.text, report.sections, quote, whole=whole)
    except (QAError, ValueError):
        view = '<div class="source-view">这份报告已不在索引中，请重新提问。</div>'
    return render_citations(reply), view


def build_app(holder: IndexHolder, gate: AdminGate | None = None) -> gr.Blocks:
    """Build the web chat over a shared index, without launching a server.

    Args:
        holder: the index and the corpus folder uploads go into.
        gate: who may manage reports; None turns management off.

    Returns:
        The Blocks app; call .launch() with launch_options(holder) to serve it with POST /api/ask.
        The Gradio endpoint "ask" answers over Gradio's API too.
    """
    gate = gate or AdminGate(None)
    with gr.Blocks(title="法治政府建设报告问答", analytics_enabled=False) as app:
        gr.Markdown(
            "## 法治政府建设报告问答\n答案均摘自报告原文，并标明出处；点击 [1] 等引用标记可在右侧查看原文。"
        )
        replies, asked, opened = gr.State([]), gr.State([]), gr.State("")
        with gr.Tab("问答"):
            with gr.Row():
                report_filter = gr.Dropdown(
                    report_choices(holder.index), multiselect=True, label="限定报告（不选则全部）", scale=3,
                    elem_id="report-filter",
                )
                year_filter = gr.Dropdown(
                    year_choices(holder.index), value=ALL_YEARS, label="年度", scale=1, elem_id="year-filter"
                )
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=320):
                    # No copy buttons: they copy the escaped Markdown; the panel's 复制答案 copies plain text.
                    chatbot = gr.Chatbot(show_label=False, height=560, buttons=[], feedback_options=None,
                                         autoscroll=False, elem_id="chat", placeholder="请在下方输入问题。")
                    with gr.Row():
                        question = gr.Textbox(
                            label="问题", placeholder="输入问题，按回车提问；可接着追问", show_label=False, scale=5,
                            elem_id="question",
                        )
                        send = gr.Button("提问", variant="primary", scale=1, min_width=60)
                        clear = gr.Button("新对话", scale=1, min_width=60)
                    gr.Examples([[example] for example in EXAMPLES], inputs=[question], label="示例问题")
                with gr.Column(scale=2, min_width=300, elem_id="side-panel"):
                    citations = gr.HTML(EMPTY_PANEL, elem_id="citations")
                    export = gr.DownloadButton("导出对比表（CSV）", visible=False, elem_id="export-csv")
                    source_view = gr.HTML(EMPTY_SOURCE, elem_id="source-view")
                    with gr.Row():
                        whole = gr.Button("查看全文", visible=False, size="sm", elem_id="whole-report")
                        section_only = gr.Button("只看本节", visible=False, size="sm", elem_id="section-only")
                    # Written by webui/static/app.js when a mark is clicked; hidden by CSS.
                    choice = gr.Textbox(label="引用编号", elem_id="citation-choice", show_label=False, container=False)

        with gr.Tab("报告", elem_id="reports-tab"):
            table = gr.Dataframe(
                report_rows(holder.index), headers=REPORT_HEADERS, interactive=False, label="已索引的报告",
                elem_id="reports-table",
            )
            status = gr.Markdown(elem_id="upload-status")
            if gate.enabled:
                password = gr.Textbox(label="管理员密码", type="password", elem_id="admin-password")
                with gr.Row():
                    upload = gr.UploadButton(
                        f"上传报告并重建索引（.txt / .docx / .pdf / .html，每个不超过 {MAX_UPLOAD_BYTES // 2**20} MB）",
                        file_count="multiple", file_types=UPLOAD_TYPES, variant="primary", elem_id="upload",
                    )
                    rescan_button = gr.Button("重新扫描报告文件夹", elem_id="rescan")
                with gr.Row():
                    doomed = gr.Dropdown(
                        report_choices(holder.index), multiselect=True, label="要删除的报告", scale=3,
                        elem_id="delete-choice",
                    )
                    delete = gr.Button("删除所选报告", variant="stop", scale=1, elem_id="delete")
            else:
                gr.Markdown(MANAGEMENT_OFF, elem_id="management-off")

        def refreshed() -> tuple[Any, ...]:
            current = holder.index
            choices = report_choices(current)
            return (gr.Dataframe(value=report_rows(current)), gr.Dropdown(choices=choices),
                    gr.Dropdown(choices=year_choices(current)))

        lists = [table, report_filter, year_filter]
        app.load(refreshed, outputs=lists, api_visibility="private")

        def respond(text, messages, replies_so_far, asked_so_far, sources, year):
            messages = messages or []
            if text.strip():
                asking = {"role": "user", "content": escape(text.strip())}
                pending = [*messages, asking, {"role": "assistant", "content": THINKING}]
                yield pending, replies_so_far, asked_so_far, "", *[gr.skip()] * 5
            messages, replies_now, asked_now = chat_turn(
                holder.index, text, messages, replies_so_far, asked_so_far, sources, year
            )
            reply = replies_now[-1] if len(replies_now) > len(replies_so_far) else None
            csv_file = _csv_file(reply) if reply and reply.answer.rows else None
            panel = render_citations(reply) if reply else gr.skip()
            view = EMPTY_SOURCE if reply else gr.skip()
            download = gr.DownloadButton(value=csv_file, visible=csv_file is not None)
            yield messages, replies_now, asked_now, "", panel, view, download, gr.Button(visible=False), gr.Button(visible=False)

        chat_io = dict(
            inputs=[question, chatbot, replies, asked, report_filter, year_filter],
            outputs=[chatbot, replies, asked, question, citations, source_view, export, whole, section_only],
            api_visibility="private", concurrency_limit=ANSWERS_AT_ONCE, concurrency_id="answer",
            show_progress="hidden",  # the reply's own "正在查找答案…" line, not Gradio's English timer
        )
        scroll = (STATIC / "scroll.js").read_text(encoding="utf-8")
        question.submit(respond, **chat_io).then(None, js=scroll)
        send.click(respond, **chat_io).then(None, js=scroll)
        cleared = ([], [], [], EMPTY_PANEL, EMPTY_SOURCE, gr.DownloadButton(visible=False))
        fresh = [replies, asked, citations, source_view, export]
        clear.click(lambda: cleared, outputs=[chatbot, *fresh], api_visibility="private")
        chatbot.clear(lambda: cleared[1:], outputs=fresh, api_visibility="private")

        def show(choice_value, replies_so_far, whole_report):
            panel, view = open_citation(holder.index, replies_so_far, choice_value or "", whole_report)
            opened_now = choice_value if view else ""
            shown = bool(view)
            return panel, view, opened_now, gr.Button(visible=shown and not whole_report), gr.Button(visible=shown and whole_report)

        at_quote = (STATIC / "to_quote.js").read_text(encoding="utf-8")
        view_io = dict(
            outputs=[citations, source_view, opened, whole, section_only], api_visibility="private", show_progress="hidden"
        )
        choice.change(lambda c, r: show(c, r, False), inputs=[choice, replies], **view_io).then(None, js=at_quote)
        whole.click(lambda c, r: show(c, r, True), inputs=[opened, replies], **view_io).then(None, js=at_quote)
        section_only.click(lambda c, r: show(c, r, False), inputs=[opened, replies], **view_io).then(None, js=at_quote)

        if gate.enabled:
            managed = [status, *lists, doomed]

            def managing(job, given_password):
                refusal = gate.refusal(given_password)
                if refusal:
                    yield (f"❌ {refusal}", *[gr.skip()] * (len(managed) - 1))
                    return
                for done, line in with_progress(job):
                    if done:
                        current = refreshed()
                        yield (line, *current, gr.Dropdown(choices=report_choices(holder.index), value=[]))
                    else:
                        yield (line, *[gr.skip()] * (len(managed) - 1))

            # One rebuild at a time (the default limit of one per concurrency id): uploads rely on it.
            # Progress shows as a line above the list, so no spinner covers it.
            manage_io = dict(outputs=managed, api_visibility="private", concurrency_id="rebuild", show_progress="hidden")

            def upload_reports(files, key):
                yield from managing(lambda progress: add_reports(holder, files or [], progress), key)

            def rescan_reports(key):
                yield from managing(lambda progress: rescan(holder, progress), key)

            def delete_chosen(chosen, key):
                yield from managing(lambda progress: delete_reports(holder, chosen or [], progress), key)

            upload.upload(upload_reports, inputs=[upload, password], **manage_io)
            rescan_button.click(rescan_reports, inputs=[password], **manage_io)
            delete.click(delete_chosen, inputs=[doomed, password], **manage_io)
            app.load(
                lambda: gr.Dropdown(choices=report_choices(holder.index)), outputs=[doomed], api_visibility="private"
            )

        def ask(
            question: str, sources: list[str] | None = None, year: int | None = None, history: list[str] | None = None
        ) -> tuple[str, dict]:
            """Answer a question over the reports; return the reply as Markdown and as JSON."""
            try:
                answer = holder.index.answer(
                    question, history=tuple(history or ()), sources=sources or None, year=year
                )
            except QAError as error:
                raise gr.Error(error_message(error)) from error
            return render_answer(answer), answer_to_json(answer)

        gr.api(ask, api_name="ask", concurrency_limit=ANSWERS_AT_ONCE, concurrency_id="answer")
    return configure_queue(app)


def launch_options(holder: IndexHolder | None = None) -> dict[str, Any]:
    """Return the options for launch(): our CSS and script, Chinese for Gradio's own words, no footer.

    Args:
        holder: the index the app answers from; given, the JSON route POST /api/ask
            (webui/ask_api.py) is served beside the app, by the same server.
    """
    options = dict(
        css=(STATIC / "app.css").read_text(encoding="utf-8"),
        head=f"<script>{(STATIC / 'app.js').read_text(encoding='utf-8')}</script>",
        i18n=gr.I18n(en=GRADIO_WORDS, zh=GRADIO_WORDS, **{"zh-CN": GRADIO_WORDS}),
        footer_links=[],
        max_file_size=MAX_UPLOAD_BYTES,
    )
    if holder is not None:
        options["app_kwargs"] = {"routes": ask_routes(holder, ANSWERS_AT_ONCE)}
    return options


def _csv_file(reply: Reply) -> str:
    """Write a comparison to a CSV file (UTF-8 with BOM, so spreadsheet programs read the Chinese) and return its path."""
    folder = Path(tempfile.gettempdir()) / "report-qa-exports"
    folder.mkdir(exist_ok=True)
    handle, path = tempfile.mkstemp(prefix="对比表_", suffix=".csv", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
        out.write(comparison_csv(reply))
    return path


def _print_progress(fraction: float, message: str) -> None:
    """Show build progress on one terminal line."""
    print(f"\r[{fraction:4.0%}] {message[:70]:<70}", end="", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Open (or build) the index and serve the web chat until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="corpus", help="folder holding the reports (default: corpus)")
    parser.add_argument("--index", default="index", help="index folder, built when missing (default: index)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7860, help="port to listen on (default: 7860)")
    parser.add_argument(
        "--admin-password", default=os.environ.get(ADMIN_PASSWORD_VARIABLE),
        help=f"password for uploading, rescanning and deleting reports (or set {ADMIN_PASSWORD_VARIABLE}); "
        "without it report management is off",
    )
    args = parser.parse_args(argv)
    prepare_process()
    try:
        gate = AdminGate(args.admin_password)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        holder = IndexHolder.open(args.corpus, args.index, progress=_print_progress)
    except QAError as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 2
    print(f"\n{len(holder.index.reports)} reports indexed from {args.corpus}; report management "
          f"{'on (admin password set)' if gate.enabled else 'off'}", file=sys.stderr)
    build_app(holder, gate).launch(server_name=args.host, server_port=args.port, show_error=True, **launch_options(holder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
