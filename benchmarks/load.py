"""Throughput of the web app's /ask API under concurrent clients, beside the Python API's own rate, in one run.

Usage: .venv/bin/python benchmarks/load.py [--clients 40] [--seconds 30] [--processes 4] [--port 7861]

1. Opens (or builds) the index of corpus/ with the default model (m3e-small).
2. The Python API: ReportIndex.answer on the public questions, one at a time on one thread (torch
   and FAISS limited to one thread), for --api-seconds: answers/s, latency and CPU time per answer.
   This is the single-core rate the app is held against.
3. The app: `python app.py` in its own process on 127.0.0.1, and --clients gradio_client clients
   spread over --processes load processes, each asking the public questions in turn for --seconds.
   The load processes share the machine's cores with the server, as any load test on one machine does.
Prints answers/s, p50 and p95 of both and the app's share of the API's rate.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"


def questions() -> list[str]:
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def api_rate(index_folder: Path, corpus: Path, seconds: float) -> dict:
    """Answer questions one after another in this process; return answers/s and latencies."""
    from embeddings.encoder import limit_threads
    from qa import ReportIndex

    limit_threads(1)  # one core, as the app's answers each use
    index = ReportIndex.open(corpus, index_folder)
    asked = questions()
    for question in asked:  # warm caches (tokenizer, scope lookups) as a running server has them
        index.answer(question)
    latencies = []
    stop_at = time.perf_counter() + seconds
    turn = 0
    started, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() < stop_at:
        t = time.perf_counter()
        index.answer(asked[turn % len(asked)])
        latencies.append(time.perf_counter() - t)
        turn += 1
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"answers": len(latencies), "seconds": elapsed, "rate": len(latencies) / elapsed,
            "cpu_per_answer": cpu / len(latencies), "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95)}


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_process(url: str, clients: int, first: int, seconds: float, results, ready, start) -> None:
    """Run `clients` gradio_client conversations in threads until the time is up; put their figures."""
    from gradio_client import Client

    asked = questions()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    connected = threading.Barrier(clients + 1)
    go = threading.Event()
    stop_at = [0.0]

    def client(number: int) -> None:
        try:
            connection = Client(url, verbose=False, httpx_kwargs={"timeout": 120})
        except Exception as error:  # a client that cannot connect counts as an error of the server
            with lock:
                errors.append(f"connect: {error!r}")
            connected.wait()
            return
        connected.wait()
        go.wait()
        turn = number
        while time.monotonic() < stop_at[0]:
            t = time.monotonic()
            try:
                connection.predict(asked[turn % len(asked)], api_name="/ask")
            except Exception as error:  # every failure counts; the figures report them
                with lock:
                    errors.append(repr(error)[:200])
                continue
            finally:
                turn += 1
            with lock:
                latencies.append(time.monotonic() - t)

    threads = [threading.Thread(target=client, args=(first + i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    connected.wait()
    ready.put(len(errors))
    start.wait()
    started, cpu = time.monotonic(), time.process_time()
    stop_at[0] = started + seconds
    go.set()
    for thread in threads:
        thread.join(seconds + 120)
    results.put({"latencies": latencies, "errors": errors, "seconds": time.monotonic() - started,
                 "cpu": time.process_time() - cpu})


def app_rate(index_folder: Path, corpus: Path, clients: int, processes: int, seconds: float, port: int) -> dict:
    """Serve app.py in its own process and load it; return answers/s and latencies."""
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--corpus", str(corpus), "--index", str(index_folder),
         "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit("app.py exited before serving")
                time.sleep(0.2)
        results, ready, start = multiprocessing.Queue(), multiprocessing.Queue(), multiprocessing.Event()
        shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
        workers = [
            multiprocessing.Process(target=load_process, args=(url, share, sum(shares[:i]), seconds, results, ready, start))
            for i, share in enumerate(shares) if share
        ]
        for worker in workers:
            worker.start()
        for _ in workers:  # every client connected (fetching the app's config) before the clock starts
            ready.get(timeout=600)
        cpu = cpu_seconds(server.pid)
        start.set()
        parts = [results.get(timeout=seconds + 300) for _ in workers]
        cpu = cpu_seconds(server.pid) - cpu
        for worker in workers:
            worker.join()
    finally:
        server.terminate()
        server.wait(30)
    latencies = [value for part in parts for value in part["latencies"]]
    errors = [value for part in parts for value in part["errors"]]
    elapsed = max(part["seconds"] for part in parts)
    return {"answers": len(latencies), "errors": len(errors), "first_errors": errors[:3], "seconds": elapsed,
            "cpu_per_answer": cpu / max(1, len(latencies)),
            "client_cpu_per_answer": sum(part["cpu"] for part in parts) / max(1, len(latencies)),
            "rate": len(latencies) / elapsed, "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--api-seconds", type=float, default=10)
    parser.add_argument("--processes", type=int, default=4, help="load processes the clients are spread over")
    parser.add_argument("--port", type=int, default=7861)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--index", type=Path, default=Path("/tmp/report-qa-load-index"))
    args = parser.parse_args()

    api = api_rate(args.index, args.corpus, args.api_seconds)
    app = app_rate(args.index, args.corpus, args.clients, args.processes, args.seconds, args.port)
    load = os.getloadavg()
    print(f"Python API, 1 thread : {api['rate']:7.1f} answers/s  p50 {api['p50'] * 1000:6.1f} ms  "
          f"p95 {api['p95'] * 1000:6.1f} ms  CPU {api['cpu_per_answer'] * 1000:5.1f} ms/answer  "
          f"({api['answers']} answers in {api['seconds']:.0f} s)")
    print(f"app, {args.clients} clients    : {app['rate']:7.1f} answers/s  p50 {app['p50'] * 1000:6.0f} ms  "
          f"p95 {app['p95'] * 1000:6.0f} ms  CPU {app['cpu_per_answer'] * 1000:5.1f} ms/answer (server; "
          f"clients {app['client_cpu_per_answer'] * 1000:.0f})  "
          f"({app['answers']} answers, {app['errors']} errors in {app['seconds']:.0f} s)")
    print(f"app / API            : {app['rate'] / api['rate']:.0%}   load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    if app["first_errors"]:
        print("first errors:", *app["first_errors"], sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
