"""Web chat over a folder of 法治政府建设 reports: ask in Chinese, get the reports' own words back.

    python app.py [--corpus corpus] [--index index] [--host 127.0.0.1] [--port 7860]

The index is built on the first start and loaded in seconds afterwards. Per-user state lives in
gr.State; the index is shared read-only behind an IndexHolder and swapped whole on rebuild.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Sequence

import gradio as gr

from qa.errors import QAError
from webui.holder import IndexHolder, Progress, SearchableIndex
from webui.render import answer_to_json, escape, render_answer
from webui.serving import ANSWERS_AT_ONCE, configure_queue, prepare_process
from webui.uploads import MAX_UPLOAD_BYTES, store_uploads

EXAMPLES = [
    "田镇街道2024年调处矛盾纠纷多少件",
    "铁西区2024年收到行政复议申请多少件？",
    "春城街道探索实施了什么样的普法方式？",
    "七马路街道法治政府建设存在哪些不足？",
    "各街道开展了多少场法治讲座？",
]
ALL_YEARS = "全部年份"
REPORT_HEADERS = ["发布单位", "年度", "发布日期", "段落数", "文件"]
UPLOAD_TYPES = [".txt", ".docx", ".pdf", ".html", ".htm"]


def report_choices(index: SearchableIndex) -> list[tuple[str, str]]:
    """Return (label, source) pairs for the report filter; a label shared by two reports names the file."""
    names = [info.name for info in index.reports]
    return [
        (info.name if names.count(info.name) == 1 else f"{info.name}（{info.source}）", info.source)
        for info in index.reports
    ]


def year_choices(index: SearchableIndex) -> list[str]:
    """Return the year filter's choices: every reported year, newest first, after ALL_YEARS."""
    years = sorted({info.year for info in index.reports if info.year}, reverse=True)
    return [ALL_YEARS, *(str(year) for year in years)]


def report_rows(index: SearchableIndex) -> list[list[Any]]:
    """Return one row per indexed report for the Reports table, in REPORT_HEADERS order."""
    return [
        [info.issuer, info.year or "", info.published or "", index.passage_count(info.source), info.source]
        for info in index.reports
    ]


def parse_year(year: str | int | None) -> int | None:
    """Return the year filter as an int, or None for ALL_YEARS or nothing chosen."""
    if year in (None, "", ALL_YEARS):
        return None
    return int(year)


def chat_turn(
    index: SearchableIndex,
    question: str,
    messages: list[dict[str, str]],
    asked: list[str],
    sources: Sequence[str] | None,
    year: str | int | None,
) -> tuple[list[dict[str, str]], list[str]]:
    """Answer one chat question and return the conversation and the questions asked so far.

    Args:
        index: the index to answer from.
        question: the question typed.
        messages: the conversation so far, in Chatbot messages format.
        asked: the earlier questions of this conversation, passed as history for follow-ups.
        sources: report files to search; empty or None for all.
        year: the year filter value.

    Returns:
        The conversation with the question and the rendered reply appended, and the questions
        asked including this one when it was answered.
    """
    question = question.strip()
    if not question:
        return messages, asked
    try:
        answer = index.answer(
            question, history=tuple(asked), sources=list(sources or ()) or None, year=parse_year(year)
        )
    except QAError as error:
        reply, asked_now = f"⚠️ {escape(str(error))}", asked
    else:
        reply, asked_now = render_answer(answer), [*asked, question]
    turn = [{"role": "user", "content": escape(question)}, {"role": "assistant", "content": reply}]
    return [*messages, *turn], asked_now


def add_reports(holder: IndexHolder, uploads: Sequence[str], progress: Progress | None = None) -> str:
    """Store uploaded reports in the corpus and rebuild the index; return a status message.

    A bad file leaves the corpus and the index as they were; a failed rebuild removes the new files.

    Args:
        holder: the shared index and its corpus folder.
        uploads: temporary paths of the uploaded files, named as uploaded.
        progress: called with (fraction, message) while re-embedding.

    Returns:
        Markdown naming each file and what happened to it.
    """
    if not uploads:
        return "请先选择要上传的报告文件（.txt / .docx / .pdf / .html）。"
    try:
        stored = store_uploads([(path, Path(path).name) for path in uploads], holder.corpus)
    except QAError as error:
        return f"❌ 未添加任何文件，索引保持不变。{escape(str(error))}"
    added = [report for report in stored if report.new]
    try:
        updated = holder.update(progress=progress)
    except QAError as error:
        for report in added:
            report.path.unlink(missing_ok=True)
        return f"❌ 重建索引失败，已撤回上传，索引保持不变。{escape(str(error))}"
    # The index may still refuse a file the reader accepted (no title, no passages): take it back out.
    refused = {Path(failure.path).name: failure.reason for failure in updated.failures if not failure.indexed}
    lines = []
    for report in stored:
        if report.new and report.path.name in refused:
            report.path.unlink(missing_ok=True)
            lines.append(f"- ❌ {escape(report.upload_name)}：未加入索引。{escape(refused[report.path.name])}")
        else:
            kept = "" if report.new else "（已存在，未改动）"
            lines.append(f"- {escape(report.upload_name)} → {escape(report.path.name)}{kept}")
    return "\n".join(["✅ 已重建索引：", *lines])


def build_app(holder: IndexHolder) -> gr.Blocks:
    """Build the web chat over a shared index, without launching a server.

    Args:
        holder: the index and the corpus folder uploads go into.

    Returns:
        The Blocks app; call .launch() to serve it. The endpoint "ask" answers over the API.
    """
    index = holder.index
    with gr.Blocks(title="法治政府建设报告问答", analytics_enabled=False) as app:
        gr.Markdown("## 法治政府建设报告问答\n答案均摘自报告原文，并标明出处。")
        with gr.Tab("问答"):
            asked = gr.State([])
            with gr.Row():
                report_filter = gr.Dropdown(
                    report_choices(index), multiselect=True, label="限定报告（不选则全部）", scale=3
                )
                year_filter = gr.Dropdown(year_choices(index), value=ALL_YEARS, label="年度", scale=1)
            # No copy buttons: they copy the escaped Markdown; selecting the text copies what is shown.
            chatbot = gr.Chatbot(label="对话", height=520, buttons=[], feedback_options=None)
            with gr.Row():
                question = gr.Textbox(
                    placeholder="输入问题，按回车提问；可接着追问", show_label=False, scale=5, elem_id="question"
                )
                send = gr.Button("提问", variant="primary", scale=1)
                clear = gr.Button("新对话", scale=1)
            gr.Examples([[example] for example in EXAMPLES], inputs=[question], label="示例问题")

        with gr.Tab("报告"):
            table = gr.Dataframe(
                report_rows(index), headers=REPORT_HEADERS, interactive=False, label="已索引的报告",
                elem_id="reports-table",
            )
            uploads = gr.File(
                label=f"上传新报告（.txt / .docx / .pdf / .html，每个不超过 {MAX_UPLOAD_BYTES // 2**20} MB）",
                file_count="multiple",
                file_types=UPLOAD_TYPES,
                elem_id="upload",
            )
            with gr.Row():
                add = gr.Button("添加并重建索引", variant="primary")
                rescan = gr.Button("重新扫描报告文件夹")
            status = gr.Markdown(elem_id="upload-status")

        def respond(text, messages, asked_so_far, sources, year):
            messages, asked_so_far = chat_turn(holder.index, text, messages or [], asked_so_far, sources, year)
            return messages, asked_so_far, ""

        chat_io = dict(
            inputs=[question, chatbot, asked, report_filter, year_filter], outputs=[chatbot, asked, question],
            api_visibility="private", concurrency_limit=ANSWERS_AT_ONCE, concurrency_id="answer",
        )
        question.submit(respond, **chat_io)
        send.click(respond, **chat_io)
        clear.click(lambda: ([], []), outputs=[chatbot, asked], api_visibility="private")
        chatbot.clear(lambda: [], outputs=[asked], api_visibility="private")

        def refreshed(message: str) -> tuple[Any, ...]:
            current = holder.index
            return (
                message,
                gr.Dataframe(value=report_rows(current)),
                gr.Dropdown(choices=report_choices(current)),
                gr.Dropdown(choices=year_choices(current)),
                None,
            )

        def upload(files, progress=gr.Progress()):
            return refreshed(add_reports(holder, files or [], _gradio_progress(progress)))

        def rebuild(progress=gr.Progress()):
            try:
                holder.update(progress=_gradio_progress(progress))
            except QAError as error:
                return refreshed(f"❌ 重建索引失败，索引保持不变。{escape(str(error))}")
            return refreshed("✅ 已重新扫描报告文件夹并更新索引。")

        refresh_io = [status, table, report_filter, year_filter, uploads]
        # One rebuild at a time (the default limit of one per concurrency id): uploads rely on it.
        rebuild_io = dict(outputs=refresh_io, api_visibility="private", concurrency_id="rebuild")
        add.click(upload, inputs=[uploads], **rebuild_io)
        rescan.click(rebuild, **rebuild_io)

        def ask(
            question: str, sources: list[str] | None = None, year: int | None = None, history: list[str] | None = None
        ) -> tuple[str, dict]:
            """Answer a question over the reports; return the reply as Markdown and as JSON."""
            try:
                answer = holder.index.answer(
                    question, history=tuple(history or ()), sources=sources or None, year=year
                )
            except QAError as error:
                raise gr.Error(str(error)) from error
            return render_answer(answer), answer_to_json(answer)

        gr.api(ask, api_name="ask", concurrency_limit=ANSWERS_AT_ONCE, concurrency_id="answer")
    return configure_queue(app)


def _gradio_progress(progress: gr.Progress) -> Progress:
    """Adapt gr.Progress to the (fraction, message) callable the index reports to."""
    return lambda fraction, message: progress(fraction, desc=message)


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
    args = parser.parse_args(argv)
    prepare_process()
    try:
        holder = IndexHolder.open(args.corpus, args.index, progress=_print_progress)
    except QAError as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 2
    print(f"\n{len(holder.index.reports)} reports indexed from {args.corpus}", file=sys.stderr)
    build_app(holder).launch(
        server_name=args.host, server_port=args.port, max_file_size=MAX_UPLOAD_BYTES, show_error=True
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
