"""Serving many questions at once: shared forward passes, and answers not held two at a time.

Throughput itself is measured by benchmarks/load.py, never asserted here; these tests check the
mechanisms it relies on.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from app import build_app
from embeddings.coalescing import Coalescer
from qa.model import Answer, ReportInfo
from webui.holder import IndexHolder
from webui.serving import ANSWERS_AT_ONCE

from support import free_port


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
