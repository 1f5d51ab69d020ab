"""Compare the latency of an answer through the web app's "ask" API with the Python API's, same questions.

Usage: .venv/bin/python benchmarks/app_latency.py [--index index] [--corpus corpus] [--rounds 5]

Loads (or builds) the index once, times ReportIndex.answer for every question of
tests/data/questions.jsonl, then serves the app on 127.0.0.1 in the same process and times the
same questions through the app's HTTP API (/gradio_api/call/ask: the queue, rendering, JSON, one
POST and one streamed GET on a kept-alive connection) and through gradio_client, whose own
message loop polls every 50 ms. Prints medians, p95 and the differences; the three are
interleaved question by question so machine load hits them alike.
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

    import httpx
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
    http = httpx.Client(base_url=app.local_url.rstrip("/"), timeout=60)

    def over_http(question: str) -> None:
        event = http.post("/gradio_api/call/ask", json={"data": [question, None, None, None]}).json()["event_id"]
        with http.stream("GET", f"/gradio_api/call/ask/{event}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event: complete"):
                    return
                if line.startswith("event: error"):
                    raise RuntimeError(f"the app failed on {question!r}")

    paths = {
        "Python API (ReportIndex.answer)": index.answer,
        "app over HTTP (/gradio_api/call/ask)": over_http,
        "app via gradio_client": lambda question: client.predict(question, api_name="/ask"),
    }
    times: dict[str, list[float]] = {name: [] for name in paths}
    try:
        for question in questions[:3]:  # warm every path: caches, connections
            for run in paths.values():
                run(question)
        for _ in range(args.rounds):
            for question in questions:
                for name, run in paths.items():
                    start = time.perf_counter()
                    run(question)
                    times[name].append((time.perf_counter() - start) * 1000)
    finally:
        http.close()
        app.close()
    python_ms = times["Python API (ReportIndex.answer)"]
    for name, values in times.items():
        line = f"{name:38} n={len(values)}  p50 {statistics.median(values):7.1f} ms  p95 {percentile(values, 0.95):7.1f} ms"
        if values is not python_ms:
            extra = [a - p for a, p in zip(values, python_ms)]
            line += f"   minus Python: p50 {statistics.median(extra):6.1f} ms  p95 {percentile(extra, 0.95):6.1f} ms"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
