"""POST /api/ask: the chat's answer as plain JSON, cheap enough to serve many clients at once.

Gradio's /ask goes through its queue: an event id, a server-sent event stream and per-event
bookkeeping, which cost the server more CPU than the answer itself (README, "40 clients at once").
This route is one request and one JSON reply on a keep-alive connection. It answers exactly as
the chat does (webui.replies.build_reply: the same checks, quotes, refusal reason and notices) in a
pool of ANSWERS_AT_ONCE threads, and is open to everyone, like asking in the chat.

    POST /api/ask  {"question": "…", "history": ["…"], "sources": ["…"], "year": 2024}
    200 {"question", "found", "answer", "kind", "quotes": [{"text", "report", "section", "source",
         "answer_span"}], "rows": [...], "reason", "notices", "conflicts"}
    400 {"error": "<中文>", "detail": "<English>"} for a bad request or a question qa refuses
"""
from __future__ import annotations

import asyncio
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from qa.errors import QAError, QuestionError
from qa.model import Answer, Quote
from webui.holder import IndexHolder
from webui.messages import error_message
from webui.render import Reply
from webui.replies import build_reply

ASK_PATH = "/api/ask"
# A question is cut at 300 characters and only the last 8 history items are read (qa.config), so a
# real request is a few kB; this bounds what is parsed before any of that applies.
MAX_BODY_BYTES = 64 * 1024
FIELDS = ("question", "history", "sources", "year")


class BadRequest(ValueError):
    """A request this route refuses before asking: its message in Chinese and in English."""

    def __init__(self, chinese: str, english: str, status: int = 400) -> None:
        super().__init__(english)
        self.chinese, self.english, self.status = chinese, english, status


def ask_routes(holder: IndexHolder, answers_at_once: int) -> list[Route]:
    """Return the routes to serve beside the Gradio app (launch(app_kwargs={"routes": ...})).

    Args:
        holder: the shared index; each request answers from the index current when it starts.
        answers_at_once: threads answering at once; later requests wait for one.
    """
    pool = ThreadPoolExecutor(max_workers=answers_at_once, thread_name_prefix="api-ask")

    async def ask(request: Request) -> JSONResponse:
        try:
            fields = parse_request(await _body(request))
        except BadRequest as error:
            return _error(error.status, error.chinese, error.english)
        loop = asyncio.get_running_loop()
        try:
            payload = await loop.run_in_executor(pool, lambda: answer_payload(holder, **fields))
        except QuestionError as error:
            return _error(400, error_message(error), str(error))
        except QAError as error:
            print(f"/api/ask failed: {error}", file=sys.stderr)
            return _error(503, error_message(error), "the index could not answer; see the server log")
        except Exception as error:  # noqa: BLE001 - never a traceback to the client; the log keeps it
            print(f"/api/ask failed: {error!r}", file=sys.stderr)
            return _error(500, "处理时出错，请稍后再试。", "internal error; see the server log")
        return JSONResponse(payload)

    return [Route(ASK_PATH, ask, methods=["POST"])]


def parse_request(body: bytes) -> dict[str, Any]:
    """Return the keyword arguments of answer_payload read from a request body.

    Raises:
        BadRequest: the body is not a JSON object of the documented fields and types.
    """
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest("请求不是有效的 JSON。", f"the body is not JSON ({error}); send "
                         '{"question": "田镇街道2024年调处矛盾纠纷多少件"}') from error
    if not isinstance(data, dict):
        raise BadRequest("请求应为 JSON 对象。", f"the body is a JSON {type(data).__name__}, not an object "
                         'such as {"question": "…"}')
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise BadRequest(f"不认识的字段：{'、'.join(unknown)}。", f"unknown fields {unknown}; allowed: {list(FIELDS)}")
    question = data.get("question")
    if not isinstance(question, str):
        raise BadRequest("请提供问题（question，文字）。", f"question must be a string, not {_kind(question)}")
    history = _strings(data.get("history"), "history", "对话历史（history）")
    sources = _strings(data.get("sources"), "sources", "报告（sources）")
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise BadRequest("年度（year）应为整数，例如 2024。", f"year must be a whole number such as 2024, not {_kind(year)}")
    return {"question": question, "history": history, "sources": sources or None, "year": year}


def answer_payload(holder: IndexHolder, question: str, history: list[str], sources: list[str] | None,
                   year: int | None) -> dict[str, Any]:
    """Answer as the chat does and return the reply as JSON-ready data.

    Raises:
        QuestionError: the question is empty, has no words, or qa refused it.
        QAError: the index could not answer.
    """
    reply = build_reply(holder.index, question, history=history, sources=sources, year=year)
    return reply_to_json(reply)


def reply_to_json(reply: Reply) -> dict[str, Any]:
    """Return what the chat shows for a reply: the answer, its numbered quotes and why nothing was found."""
    answer = reply.answer
    return {
        "question": answer.question,
        "found": answer.found,
        "answer": answer.text,
        "kind": answer.kind,
        "quotes": [_quote(quote) for quote in reply.citations],
        "rows": [_row(row) for row in answer.rows],
        "reason": reply.reason or None,
        "notices": list(reply.notices),
        "conflicts": list(reply.conflicts),
    }


def _row(row: Answer) -> dict[str, Any]:
    return {"found": row.found, "answer": row.text, "kind": row.kind, "quotes": [_quote(quote) for quote in row.quotes]}


def _quote(quote: Quote) -> dict[str, Any]:
    return {"text": quote.text, "report": quote.report, "section": quote.section, "source": quote.source,
            "answer_span": list(quote.answer_span) if quote.answer_span else None}


def _strings(value: Any, name: str, chinese: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadRequest(f"{chinese}应为文字列表。", f"{name} must be a list of strings, not {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    return "missing" if value is None else type(value).__name__


async def _body(request: Request) -> bytes:
    """Read the body, refusing one over MAX_BODY_BYTES before it is all read."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise _too_large()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise _too_large()
    return bytes(body)


def _too_large() -> BadRequest:
    return BadRequest(f"请求过大（上限 {MAX_BODY_BYTES // 1024} KB）；问题请控制在 300 字以内。",
                      f"the body is larger than {MAX_BODY_BYTES} bytes", status=413)


def _error(status: int, chinese: str, english: str) -> JSONResponse:
    # A message may quote the request, which can hold a lone surrogate that UTF-8 cannot carry.
    safe = [text.encode("utf-8", "backslashreplace").decode("utf-8") for text in (chinese, english)]
    return JSONResponse({"error": safe[0], "detail": safe[1]}, status_code=status)
