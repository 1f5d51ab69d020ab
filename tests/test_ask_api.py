"""POST /api/ask over real HTTP against a started app: answers, refusals, open to all, many at once."""
from __future__ import annotations

import http.client
import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from app import build_app, launch_options
from qa import ReportIndex
from webui.admin import AdminGate
from webui.ask_api import MAX_BODY_BYTES, reply_to_json
from webui.holder import IndexHolder
from webui.replies import build_reply
from webui.serving import ANSWERS_AT_ONCE

from support import free_port

REPO = Path(__file__).resolve().parents[1]
QUESTION = "田镇街道2024年调处矛盾纠纷多少件"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    from conftest import FakeEncoder

    folder = tmp_path_factory.mktemp("api")
    corpus = shutil.copytree(REPO / "corpus", folder / "corpus")
    return ReportIndex.build(corpus, folder / "index", encoder=FakeEncoder())


@pytest.fixture(scope="module")
def served(index):
    """One app over the plain index for the tests that only ask."""
    app = serve(index)
    yield app
    app.close()


def serve(index, gate: AdminGate | None = None):
    holder = IndexHolder(index, REPO / "corpus")
    app = build_app(holder, gate)
    app.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True,
               **launch_options(holder))
    return app


def post(app, body: bytes | str | dict, path: str = "/api/ask", method: str = "POST") -> tuple[int, dict]:
    if isinstance(body, dict):
        body = json.dumps(body, ensure_ascii=False)
    if isinstance(body, str):
        body = body.encode("utf-8")
    host, port = app.local_url.split("//")[1].strip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    assert b"Traceback" not in raw
    return response.status, json.loads(raw)


def test_answers_a_question_with_quotes_as_the_chat_does(index, served):
    status, reply = post(served, {"question": QUESTION})
    follow_status, follow = post(served, {"question": "那春城街道呢？", "history": [QUESTION]})
    assert status == 200 and reply["found"] and "806" in reply["answer"]
    assert reply["quotes"] and reply["quotes"][0]["report"] and reply["quotes"][0]["section"]
    assert "806" in reply["quotes"][0]["text"] and reply["reason"] is None
    assert reply == json.loads(json.dumps(reply_to_json(build_reply(index, QUESTION)), ensure_ascii=False))
    expected = reply_to_json(build_reply(index, "那春城街道呢？", history=[QUESTION]))
    assert follow_status == 200 and follow == json.loads(json.dumps(expected, ensure_ascii=False))
    assert "春城" in follow["quotes"][0]["report"]


def test_not_found_says_why(served):
    status, reply = post(served, {"question": "北京市朝阳区2024年调处矛盾纠纷多少件"})
    assert status == 200 and reply["found"] is False and reply["answer"] is None
    assert "朝阳区" in reply["reason"]


@pytest.mark.parametrize("body, words", [
    ("田镇街道", "不是有效的 JSON"),
    (b"\xff\xfe{", "不是有效的 JSON"),
    ('["田镇街道"]', "JSON 对象"),
    ({}, "请提供问题"),
    ({"question": 806}, "请提供问题"),
    ({"question": QUESTION, "history": "田镇街道"}, "对话历史"),
    ({"question": QUESTION, "history": [1, 2]}, "对话历史"),
    ({"question": QUESTION, "sources": "2024_田镇街道.txt"}, "报告（sources）"),
    ({"question": QUESTION, "year": "2024"}, "年度（year）应为整数"),
    ({"question": QUESTION, "year": True}, "年度（year）应为整数"),
    ({"question": QUESTION, "password": "x"}, "不认识的字段"),
    ({"question": "   "}, "请输入问题"),
    ({"question": "？？！！"}, "问题中没有文字"),
    ('{"question": "\\ud800田镇街道"}', "含有无效字符"),
    ('{"question": "田镇街道", "history": ["\\udc00"]}', "含有无效字符"),
    ({"question": QUESTION, "sources": ["nope.txt"]}, "已不在索引中"),
])
def test_bad_input_is_refused_with_400_and_a_clear_message(served, body, words):
    status, reply = post(served, body)
    assert status == 400, reply
    assert set(reply) == {"error", "detail"} and words in reply["error"] and reply["detail"]
    assert any("\u4e00" <= char <= "\u9fff" for char in reply["error"])  # Chinese for the reader


def test_a_huge_body_is_refused_before_it_is_read(served):
    status, reply = post(served, {"question": QUESTION, "history": ["田" * 300] * (MAX_BODY_BYTES // 300)})
    assert status == 413 and "请求过大" in reply["error"]


def test_asking_needs_no_administrator(index):
    app = serve(index, AdminGate("a-long-admin-password"))
    try:
        status, reply = post(app, {"question": QUESTION})
        get_status = post_raw_status(app, "GET")
    finally:
        app.close()
    assert status == 200 and "806" in reply["answer"]
    assert get_status == 405


def post_raw_status(app, method: str) -> int:
    host, port = app.local_url.split("//")[1].strip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(method, "/api/ask")
        return connection.getresponse().status
    finally:
        connection.close()


class Watched:
    """The real index, with answers that take a while and a count of how many run at once."""

    def __init__(self, index, fail: bool = False) -> None:
        self._index, self._fail = index, fail
        self.running = self.peak = 0
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self._index, name)

    def answer(self, question, **options):
        with self._lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            time.sleep(0.3)
            if self._fail:
                raise RuntimeError("secret detail of /srv/index")
            return self._index.answer(question, **options)
        finally:
            with self._lock:
                self.running -= 1


def test_concurrent_requests_are_all_answered_at_most_answers_at_once_at_a_time(index):
    watched = Watched(index)
    app = serve(watched)
    questions = [QUESTION, "春城街道探索实施了什么样的普法方式？", "铁西区2024年收到行政复议申请多少件？"]
    results: dict[int, tuple[int, dict]] = {}

    def ask(number: int) -> None:
        results[number] = post(app, {"question": questions[number % 3]})

    threads = [threading.Thread(target=ask, args=(number,)) for number in range(ANSWERS_AT_ONCE + 14)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        app.close()
    assert len(results) == len(threads) and all(status == 200 for status, _ in results.values())
    for number, (_, reply) in results.items():
        assert reply == json.loads(json.dumps(reply_to_json(build_reply(index, questions[number % 3])), ensure_ascii=False))
    assert watched.peak == ANSWERS_AT_ONCE  # every thread of the pool answering, none more


def test_a_failure_inside_is_a_500_without_a_traceback_or_its_details(index):
    app = serve(Watched(index, fail=True))
    try:
        status, reply = post(app, {"question": QUESTION})
    finally:
        app.close()
    assert status == 500 and reply["error"] == "处理时出错，请稍后再试。" and "secret" not in json.dumps(reply)
