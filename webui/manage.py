"""Change the corpus (add, rescan, delete reports) and rebuild, reporting progress as Chinese lines.

Each change either lands whole with a rebuilt index, or is undone and the index stays as it was.
"""
from __future__ import annotations

import os
import queue
import threading
from pathlib import Path
from typing import Callable, Iterator, Sequence

from qa.errors import QAError
from webui.holder import IndexHolder, Progress
from webui.messages import error_message, file_reason, progress_message
from webui.render import escape
from webui.uploads import store_uploads


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
        return f"❌ 未添加任何文件，索引保持不变。{escape(error_message(error))}"
    added = [report for report in stored if report.new]
    try:
        updated = holder.update(progress=progress)
    except QAError as error:
        for report in added:
            report.path.unlink(missing_ok=True)
        return f"❌ 重建索引失败，已撤回上传，索引保持不变。{escape(error_message(error))}"
    # The index may still refuse a file the reader accepted (no title, no passages): take it back out.
    refused = {Path(failure.path).name: failure.reason for failure in updated.failures if not failure.indexed}
    lines = []
    for report in stored:
        if report.new and report.path.name in refused:
            report.path.unlink(missing_ok=True)
            lines.append(f"- ❌ {escape(report.upload_name)}：未加入索引。{escape(file_reason(refused[report.path.name]))}")
        else:
            kept = "" if report.new else "（已存在，未改动）"
            lines.append(f"- {escape(report.upload_name)} → {escape(report.path.name)}{kept}")
    return "\n".join(["✅ 已重建索引：", *lines])


def rescan(holder: IndexHolder, progress: Progress | None = None) -> str:
    """Re-index the corpus folder as it now is; return a status message."""
    try:
        updated = holder.update(progress=progress)
    except QAError as error:
        return f"❌ 重建索引失败，索引保持不变。{escape(error_message(error))}"
    lines = [f"- ❌ {escape(Path(f.path).name)}：{escape(file_reason(f.reason))}" for f in updated.failures]
    return "\n".join([f"✅ 已重新扫描报告文件夹，共 {len(updated.reports)} 份报告。", *lines])


def delete_reports(holder: IndexHolder, sources: Sequence[str], progress: Progress | None = None) -> str:
    """Remove reports from the corpus and rebuild; on failure put them back and keep the index.

    Args:
        holder: the shared index and its corpus folder.
        sources: the reports' sources (paths relative to the corpus folder).
    """
    if not sources:
        return "请先选择要删除的报告。"
    corpus = holder.corpus.resolve()
    known = {info.source for info in holder.index.reports}
    moved: list[tuple[Path, Path]] = []
    for source in sources:
        path = (corpus / source).resolve()
        if source not in known or corpus not in path.parents or not path.is_file():
            _restore(moved)
            return f"❌ 没有这份报告：{escape(source)}。报告和索引均未改动。"
        # Hidden while the rebuild runs (the reader skips dot files), so it can be put back.
        hidden = path.with_name(f".{path.name}.deleted")
        os.replace(path, hidden)
        moved.append((hidden, path))
    try:
        updated = holder.update(progress=progress)
    except QAError as error:
        _restore(moved)
        return f"❌ 删除失败，报告已放回，索引保持不变。{escape(error_message(error))}"
    for hidden, _ in moved:
        hidden.unlink(missing_ok=True)
    names = "、".join(escape(source) for source in sources)
    return f"✅ 已删除 {names}，现有 {len(updated.reports)} 份报告。"


def _restore(moved: list[tuple[Path, Path]]) -> None:
    for hidden, path in moved:
        os.replace(hidden, path)


def with_progress(job: Callable[[Progress], str], every: float = 0.5) -> Iterator[tuple[bool, str]]:
    """Run a job in a thread and yield (done, line): Chinese progress lines while it runs, then its result.

    The app shows the lines in place of a spinner, so the reports list stays in view.
    """
    lines: queue.Queue[str] = queue.Queue()
    result: list[str] = []

    def progress(fraction: float, message: str) -> None:
        lines.put(f"⏳ {progress_message(message)}（{fraction:.0%}）")

    def run() -> None:
        try:
            result.append(job(progress))
        except Exception as error:  # noqa: BLE001 - the reader gets a sentence, the log the error
            result.append(f"❌ 处理失败：{escape(error_message(error) if isinstance(error, QAError) else '内部错误，请查看服务器日志')}")
            raise

    worker = threading.Thread(target=run, daemon=True)
    yield False, "⏳ 正在处理，请稍候…"
    worker.start()
    while worker.is_alive() or not lines.empty():
        try:
            yield False, lines.get(timeout=every)
        except queue.Empty:
            continue
    worker.join()
    yield True, result[0] if result else "❌ 处理失败：内部错误，请查看服务器日志"
