"""Compare the latency of an answer through the web app's "ask" API with the Python API's, same questions.

Usage: .venv/bin/python benchmarks/app_latency.py [--index index] [--corpus corpus] [--rounds 5]

Loads (or builds) the index once, times ReportIndex.answer for every question of
tests/data/questions.jsonl, then serves the app on 127.0.0.1 in the same process and times the
same questions through gradio_client (HTTP, the queue, rendering, JSON). Prints the medians,
p95 and the difference; the rounds are interleaved so machine load hits both alike.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default="index")
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from gradio_client import Client

    from app import build_app, launch_options
    from support import free_port
    from webui.holder import IndexHolder

    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    holder = IndexHolder.open(args.corpus, args.index)
    index = holder.index
    app = build_app(holder)
    app.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True, **launch_options())
    client = Client(app.local_url, verbose=False)
    for question in questions[:3]:  # warm both paths: caches, the client's connection
        index.answer(question)
        client.predict(question, api_name="/ask")
    python_ms: list[float] = []
    app_ms: list[float] = []
    try:
        for _ in range(args.rounds):
            for question in questions:
                start = time.perf_counter()
                index.answer(question)
                python_ms.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                client.predict(question, api_name="/ask")
                app_ms.append((time.perf_counter() - start) * 1000)
    finally:
        app.close()
    for name, values in (("Python API (ReportIndex.answer)", python_ms), ("app /ask via gradio_client", app_ms)):
        print(f"{name:34} n={len(values)}  p50 {statistics.median(values):7.1f} ms  p95 {percentile(values, 0.95):7.1f} ms")
    difference = [a - p for a, p in zip(app_ms, python_ms)]
    print(f"{'difference (app - Python)':34} p50 {statistics.median(difference):7.1f} ms  p95 {percentile(difference, 0.95):7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
