"""Chinese wording for what qa says in English: errors, file problems and build progress.

qa keeps English messages for Python users and logs; the web chat shows only Chinese. A message
no rule knows is never shown raw: the reader gets a general Chinese sentence and the log the original.
"""
from __future__ import annotations

import re
import sys

from qa.errors import IndexLoadError, QAError, QuestionError, ReportReadError

# (pattern of the English reason, Chinese wording); groups are reused by name.
_FILE_REASONS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"unsupported file type '(?P<suffix>[^']*)'"), "不支持的文件类型「{suffix}」，请上传 .txt、.docx、.pdf 或 .html 文件"),
    (re.compile(r"file is (?P<size>[\d.]+) MB, larger than the (?P<limit>\d+) MB"), "文件大小 {size} MB，超过 {limit} MB 的上限；请拆分报告或删去其中的图片"),
    (re.compile(r"file is empty|report is empty|holds no text"), "文件是空的，请上传含有报告正文的文件"),
    (re.compile(r"corrupt \.docx"), "不是有效的 .docx 文件，请用 Word 打开后重新保存"),
    (re.compile(r"corrupt \.pdf"), "不是有效的 PDF 文件，请重新导出 PDF 或另存为 .docx"),
    (re.compile(r"no text layer"), "这是扫描图片形式的 PDF，没有文字层；请先做文字识别（OCR）"),
    (re.compile(r"not a text file|cannot decode"), "不是文本文件，无法读取其中的文字；请另存为 UTF-8 编码的 .txt、.docx、.pdf 或 .html"),
    (re.compile(r"no text found"), "文件中没有找到文字，请上传含有报告正文的文件"),
    (re.compile(r"no title"), "没有找到报告标题，请把标题写在第一行"),
    (re.compile(r"no passages?|no sections?"), "没有找到可检索的正文"),
    (re.compile(r"duplicate of (?P<first>\S+?);"), "与已有的报告 {first} 内容完全相同，未重复加入"),
    (re.compile(r"file not found|cannot be read"), "文件无法打开，请检查后重新上传"),
]
_PROGRESS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"reading reports"), "正在读取报告文件"),
    (re.compile(r"embedded (?P<done>\d+)/(?P<total>\d+) passages"), "正在计算段落向量（{done}/{total} 段）"),
    (re.compile(r"building the lexical and vector indexes"), "正在建立检索索引"),
    (re.compile(r"indexed (?P<reports>\d+) reports, (?P<passages>\d+) passages"), "索引完成：{reports} 份报告，{passages} 个段落"),
]


class WordedQuestionError(QuestionError):
    """A question the chat refuses before asking qa, already worded in Chinese for the reader."""


def _translate(text: str, rules: list[tuple[re.Pattern, str]]) -> str | None:
    for pattern, wording in rules:
        match = pattern.search(text)
        if match:
            return wording.format(**match.groupdict())
    return None


def file_reason(reason: str) -> str:
    """Return why a file was refused, in Chinese; an unknown reason becomes a general sentence."""
    translated = _translate(reason, _FILE_REASONS)
    if translated is None:
        print(f"untranslated file reason: {reason}", file=sys.stderr)
        return "无法读取该文件"
    return translated + ("（保留先前索引的版本）" if "version indexed before is kept" in reason else "")


def error_message(error: QAError) -> str:
    """Return what the web chat says for an error raised by qa, in Chinese."""
    if isinstance(error, WordedQuestionError):
        return str(error)
    if isinstance(error, ReportReadError):
        return f"{error.path}：{file_reason(error.reason)}"
    text = str(error)
    if isinstance(error, QuestionError):
        if "no words" in text:
            return "问题中没有文字。请换个问法，例如“田镇街道2024年调处矛盾纠纷多少件”。"
        if "lone surrogate" in text:
            return "问题或对话历史中含有无效字符（不完整的 UTF-16 编码），请以有效的 UTF-8 文字重新发送。"
        if "unknown report source" in text:
            return "所选的报告已不在索引中，请刷新页面后重新选择。"
        print(f"untranslated question error: {text}", file=sys.stderr)
        return "无法理解这个问题，请换个问法再试。"
    if isinstance(error, IndexLoadError):
        print(f"index error: {text}", file=sys.stderr)
        return "索引文件已损坏或版本不符，请由管理员重建索引。"
    if "no readable report" in text:
        return "报告文件夹中没有可读取的报告，至少需要保留一份报告。"
    print(f"untranslated error: {text}", file=sys.stderr)
    return "处理时出错，请稍后再试。"


def progress_message(message: str) -> str:
    """Return a build progress step in Chinese."""
    return _translate(message, _PROGRESS) or "正在更新索引"
