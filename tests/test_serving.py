"""Serving many questions at once: shared forward passes, and answers not held two at a time.

Throughput itself is measured by benchmarks/load.py, never asserted here; these tests check the
mechanisms it relies on.
"""
from __future__ import annotations

import http.client
import json
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from gradio.state_holder import SessionState

from app import build_app
from embeddings.coalescing import Coalescer
from qa import ReportIndex
from qa.model import Answer, ReportInfo
from webui.holder import IndexHolder
from webui.render import answer_to_json, render_answer
from webui.serving import ANSWERS_AT_ONCE, ConfigsOnDemand, make_session_configs_on_demand

from support import free_port


REPO = Path(__file__).resolve().parents[1]


def rows(texts: list[str]) -> np.ndarray:
    return np.array([[len(text), sum(map(ord, text)) % 97] for text in texts], dtype=np.float32)


def test_texts_encoded_at_the_same_time_share_a_pass():
    passes: list[list[str]] = []
    first_pass_started = threading.Event()

    def encode_batch(texts: list[str]) -> np.ndarray:
        passes.append(list(texts))
        first_pass_started.set()
        time.sleep(0.2)  # a forward pass; meanwhile the other callers arrive
        return rows(texts)

    coalescer = Coalescer(encode_batch)
    texts = [f"问题{i}" * (i + 1) for i in range(12)]
    results: dict[int, np.ndarray] = {}

    def ask(i: int) -> None:
        results[i] = coalescer.encode(texts[i])

    first = threading.Thread(target=ask, args=(0,))
    first.start()
    first_pass_started.wait(5)
    others = [threading.Thread(target=ask, args=(i,)) for i in range(1, 12)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(10)

    assert len(passes) == 2 and passes[0] == [texts[0]] and sorted(passes[1]) == sorted(texts[1:])
    for i, text in enumerate(texts):
        assert np.array_equal(results[i], rows([text])[0])


def test_a_pass_holds_at_most_max_batch_texts_and_errors_reach_their_callers():
    gate = threading.Event()
    sizes: list[int] = []

    def encode_batch(texts: list[str]) -> np.ndarray:
        gate.wait(5)
        sizes.append(len(texts))
        if "坏" in texts:
            raise RuntimeError("model failed")
        return rows(texts)

    coalescer = Coalescer(encode_batch, max_batch=3)
    outcomes: dict[str, object] = {}

    def ask(text: str) -> None:
        try:
            outcomes[text] = coalescer.encode(text)
        except RuntimeError as error:
            outcomes[text] = error

    texts = ["甲", "乙", "丙", "丁", "戊", "坏", "己"]
    threads = [threading.Thread(target=ask, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    gate.set()
    for thread in threads:
        thread.join(10)
    assert sum(sizes) == len(texts) and max(sizes) <= 3
    failed = {text for text, outcome in outcomes.items() if isinstance(outcome, RuntimeError)}
    assert "坏" in failed and len(failed) <= 3
    for text in set(texts) - failed:
        assert np.array_equal(outcomes[text], rows([text])[0])
    with pytest.raises(ValueError, match="max_batch of 0"):
        Coalescer(encode_batch, max_batch=0)


class SlowIndex:
    """An index whose answers take a while and release the GIL, recording how many run at once."""

    failures = ()

    def __init__(self) -> None:
        self.running = 0
        self.peak = 0
        self._lock = threading.Lock()

    @property
    def reports(self):
        return (ReportInfo(source="2024_田镇街道.txt", title="田镇街道报告", issuer="田镇街道", year=2024),)

    def passage_count(self, source: str) -> int:
        return 1

    def answer(self, question, *, history=(), sources=None, year=None) -> Answer:
        with self._lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        time.sleep(0.5)
        with self._lock:
            self.running -= 1
        return Answer(question=question, text="806件", found=True, kind="number")


def test_the_app_answers_many_clients_at_once(tmp_path: Path):
    from gradio_client import Client

    index = SlowIndex()
    app = build_app(IndexHolder(index, tmp_path))
    app.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True)
    replies: list[dict] = []
    try:
        clients = [Client(app.local_url, verbose=False) for _ in range(12)]
        jobs = [client.submit(f"问题{i}", api_name="/ask") for i, client in enumerate(clients)]
        replies = [job.result(timeout=60)[1] for job in jobs]
    finally:
        app.close()
    assert [reply["text"] for reply in replies] == ["806件"] * 12
    # Every answering slot is used (two at a time once, the rest waiting in Gradio's queue), none more.
    assert index.peak == ANSWERS_AT_ONCE


def ask_over_http(url: str, question: str) -> tuple[str, dict]:
    """Ask Gradio's /ask as a plain HTTP client does: POST the call, then read its event stream.

    Returns the reply as Markdown and as JSON (Gradio sends the function's pair as one output).
    """
    host, port = url.split("//")[1].strip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        body = json.dumps({"data": [question, None, None, None]}, ensure_ascii=False).encode("utf-8")
        connection.request("POST", "/gradio_api/call/ask", body=body, headers={"Content-Type": "application/json"})
        event = json.loads(connection.getresponse().read())["event_id"]
        connection.request("GET", f"/gradio_api/call/ask/{event}")
        stream = connection.getresponse().read().decode("utf-8")
    finally:
        connection.close()
    assert "event: complete" in stream, stream[-300:]
    [(markdown, reply)] = json.loads(stream.split("event: complete\ndata: ", 1)[1].split("\n", 1)[0])
    return markdown, reply


def test_ask_over_http_answers_as_the_python_api_and_makes_no_page_config_per_call(tmp_path: Path, fake_encoder):
    corpus = shutil.copytree(REPO / "corpus", tmp_path / "corpus")
    index = ReportIndex.build(corpus, tmp_path / "index", encoder=fake_encoder)
    lines = (REPO / "tests" / "data" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()][:8]
    app = build_app(IndexHolder(index, corpus))
    app.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        replies = {question: ask_over_http(app.local_url, question) for question in questions}
        sessions = list(app.state_holder.session_data.values())
    finally:
        app.close()

    for question, (markdown, reply) in replies.items():
        answer = index.answer(question)
        assert reply == json.loads(json.dumps(answer_to_json(answer), ensure_ascii=False))
        assert markdown == render_answer(answer)
        assert [quote["source"] for quote in reply["quotes"]] == [quote.source for quote in answer.quotes]
    assert sum(reply["found"] for _, reply in replies.values()) >= len(questions) // 2
    # Every call was a session of its own; each made the configs of the blocks it used (four inputs, one
    # output), not those of the page's 37 (Gradio's own sessions make them all at once).
    assert len(sessions) == len(questions)
    assert all(dict.__len__(session.config_values) <= 5 for session in sessions) and len(app.blocks) > 30


def test_a_sessions_configs_made_on_demand_equal_the_ones_gradio_makes_at_once(tmp_path: Path):
    make_session_configs_on_demand()
    app = build_app(IndexHolder(SlowIndex(), tmp_path))
    eager = SessionState.__new__(SessionState)
    SessionState.__init__.eager(eager, app)  # type: ignore[attr-defined]
    lazy = SessionState(app)
    assert isinstance(lazy.config_values, ConfigsOnDemand) and dict.__len__(lazy.config_values) == 0
    assert not isinstance(eager.config_values, ConfigsOnDemand) and len(eager.config_values) == len(app.blocks)

    textbox = next(key for key, block in app.blocks.items() if getattr(block, "elem_id", None) == "question")
    chatbot = next(key for key, block in app.blocks.items() if getattr(block, "elem_id", None) == "chat")
    for state in (eager, lazy):
        state._update_value_in_config(textbox, "田镇街道调处矛盾纠纷多少件")  # what an event's input does
        state[chatbot] = app.blocks[chatbot].__class__(value=[{"role": "user", "content": "问"}])  # an update
    assert dict.__len__(lazy.config_values) == 2
    assert list(lazy.components) == list(eager.components)  # what the deep-link route reads, in order
    assert lazy.config_values[textbox]["props"]["value"] == "田镇街道调处矛盾纠纷多少件"
