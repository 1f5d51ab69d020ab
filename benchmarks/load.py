"""Throughput of the web app under concurrent clients, beside the Python API's own rate, in one run.

Usage: nice -n 10 .venv/bin/python benchmarks/load.py [--clients 40] [--seconds 30] [--api-seconds 15]
           [--server-cpus 0] [--client-cpus 1] [--paths json,gradio] [--port 7861]

1. Opens (or builds) the index of corpus/ with the default model (m3e-small, ONNX int8).
2. The Python API: ReportIndex.answer on the public questions, one at a time on one thread, on the
   server's CPUs, for --api-seconds, before and again after the app (the machine's load drifts):
   answers/s, latency and CPU per answer. Their mean is the single-core rate the app is held against.
3. The app: `python app.py` in its own process on 127.0.0.1, pinned to --server-cpus, then
   --clients concurrent clients in this one process (asyncio, raw HTTP/1.1 on keep-alive
   connections, pinned to --client-cpus), each asking the public questions in turn for --seconds:
   first POST /api/ask (JSON), then Gradio's /ask (POST /gradio_api/call/ask, then its event stream).
Prints, per path: answers/s, p50/p95, errors, the server's and the clients' CPU per answer, the
app's share of the API's rate, and the load average.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
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


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system, all threads) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_index(index_folder: Path, corpus: Path):
    """Open (or build) the index on one thread, as the server's answers each run, and warm it."""
    from embeddings.encoder import limit_threads
    from qa import ReportIndex

    limit_threads(1)
    index = ReportIndex.open(corpus, index_folder)
    for question in questions():  # warm caches (tokenizer, scope lookups) as a running server has them
        index.answer(question)
    return index


def api_rate(index, seconds: float) -> dict:
    """Answer questions one after another on one thread in this process; return answers/s and latencies."""
    asked = questions()
    latencies = []
    stop_at = time.perf_counter() + seconds
    started, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() < stop_at:
        t = time.perf_counter()
        index.answer(asked[len(latencies) % len(asked)])
        latencies.append(time.perf_counter() - t)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"answers": len(latencies), "seconds": elapsed, "rate": len(latencies) / elapsed,
            "cpu_per_answer": cpu / len(latencies), "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95)}


class Connection:
    """One keep-alive HTTP/1.1 connection: just enough of the protocol for these two endpoints."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode("ascii")
        self.writer.write(head + body)
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:] if line)}
        if "content-length" in headers:
            payload = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            payload = await self._chunks()
        else:
            payload = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, payload

    async def _chunks(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            data = await self.reader.readexactly(size + 2)
            if size == 0:
                return b"".join(parts)
            parts.append(data[:-2])

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


async def ask_json(connection: Connection, question: str) -> None:
    body = json.dumps({"question": question}, ensure_ascii=False).encode("utf-8")
    status, payload = await connection.request("POST", "/api/ask", body)
    if status != 200 or "found" not in json.loads(payload):
        raise RuntimeError(f"/api/ask {status}: {payload[:200]!r}")


async def ask_gradio(connection: Connection, question: str) -> None:
    body = json.dumps({"data": [question, None, None, None]}, ensure_ascii=False).encode("utf-8")
    status, payload = await connection.request("POST", "/gradio_api/call/ask", body)
    if status != 200:
        raise RuntimeError(f"/gradio_api/call/ask {status}: {payload[:200]!r}")
    event = json.loads(payload)["event_id"]
    status, stream = await connection.request("GET", f"/gradio_api/call/ask/{event}")
    if status != 200 or b"event: complete" not in stream:
        raise RuntimeError(f"/gradio_api/call/ask/{event} {status}: {stream[-200:]!r}")


async def load(host: str, port: int, ask, clients: int, seconds: float) -> dict:
    """Run `clients` clients asking in turn until the time is up; return latencies, errors, CPU."""
    asked = questions()
    connections = [Connection(host, port) for _ in range(clients)]
    for number, connection in enumerate(connections):  # connected and warm before the clock starts
        await ask(connection, asked[number % len(asked)])
    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + seconds

    async def client(number: int, connection: Connection) -> None:
        turn = number
        while time.monotonic() < stop_at:
            started = time.monotonic()
            try:
                await ask(connection, asked[turn % len(asked)])
                latencies.append(time.monotonic() - started)
            except Exception as error:  # every failure counts; the figures report them
                errors.append(repr(error)[:200])
                await connection.close()
            turn += 1

    started, cpu = time.monotonic(), time.process_time()
    await asyncio.gather(*(client(number, connection) for number, connection in enumerate(connections)))
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    for connection in connections:
        await connection.close()
    return {"latencies": latencies, "errors": errors, "seconds": elapsed, "cpu": cpu}


def serve(index_folder: Path, corpus: Path, port: int, cpus: set[int] | None) -> subprocess.Popen:
    """Start app.py in its own process (on `cpus`) and wait until it serves."""
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--corpus", str(corpus), "--index", str(index_folder), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
    )
    for _ in range(900):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("app.py exited before serving")
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("app.py did not serve within 180 s")


def app_rates(server: subprocess.Popen, port: int, paths: list[str], clients: int, seconds: float) -> dict[str, dict]:
    """Load the running app through each path in turn; return answers/s, latencies and CPU per answer."""
    asks = {"json": ask_json, "gradio": ask_gradio}
    results = {}
    for path in paths:
        before = cpu_seconds(server.pid)
        part = asyncio.run(load("127.0.0.1", port, asks[path], clients, seconds))
        # The server's CPU includes the warm-up questions; counted in, it slightly overstates the cost.
        served = len(part["latencies"]) + clients
        latencies = part["latencies"]
        results[path] = {
            "answers": len(latencies), "errors": len(part["errors"]), "first_errors": part["errors"][:3],
            "seconds": part["seconds"], "rate": len(latencies) / part["seconds"],
            "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
            "server_cpu": (cpu_seconds(server.pid) - before) / max(1, served),
            "client_cpu": part["cpu"] / max(1, len(latencies)),
        }
    return results


def cpu_set(text: str) -> set[int] | None:
    return {int(cpu) for cpu in text.split(",") if cpu.strip()} or None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--api-seconds", type=float, default=15)
    parser.add_argument("--paths", default="json,gradio", help="json (POST /api/ask), gradio (Gradio's /ask), or both")
    parser.add_argument("--server-cpus", default="0", help="CPUs for the server and the API run ('' for any)")
    parser.add_argument("--client-cpus", default="1", help="CPUs for the clients ('' for any)")
    parser.add_argument("--port", type=int, default=7861)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--index", type=Path, default=Path("/tmp/report-qa-load-index"))
    args = parser.parse_args()
    server_cpus, client_cpus = cpu_set(args.server_cpus), cpu_set(args.client_cpus)
    paths = [path.strip() for path in args.paths.split(",") if path.strip()]

    everywhere = os.sched_getaffinity(0)
    if server_cpus:
        os.sched_setaffinity(0, server_cpus)
    index = open_index(args.index, args.corpus)
    apis = [api_rate(index, args.api_seconds)]
    os.sched_setaffinity(0, everywhere)
    server = serve(args.index, args.corpus, args.port, server_cpus)
    try:
        if client_cpus:
            os.sched_setaffinity(0, client_cpus)
        app = app_rates(server, args.port, paths, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(30)
    os.sched_setaffinity(0, server_cpus or everywhere)  # again after the app: the machine's load drifts
    apis.append(api_rate(index, args.api_seconds))
    load_average = os.getloadavg()
    pinned = f"server and API on CPU {args.server_cpus or 'any'}, clients on CPU {args.client_cpus or 'any'}"
    for when, api in zip(("before", "after"), apis):
        print(f"Python API, {when:<6}: {api['rate']:6.1f} answers/s  p50 {api['p50'] * 1000:6.1f} ms  "
              f"p95 {api['p95'] * 1000:6.1f} ms  CPU {api['cpu_per_answer'] * 1000:5.1f} ms/answer  "
              f"({api['answers']} answers in {api['seconds']:.0f} s, one thread)")
    api_rate_mean = sum(api["rate"] for api in apis) / len(apis)
    names = {"json": "POST /api/ask", "gradio": "Gradio /ask"}
    for path, figures in app.items():
        print(f"{names[path]:<14}, {args.clients} cl.: {figures['rate']:6.1f} answers/s  p50 {figures['p50'] * 1000:6.0f} ms  "
              f"p95 {figures['p95'] * 1000:6.0f} ms  CPU {figures['server_cpu'] * 1000:5.1f} ms/answer server, "
              f"{figures['client_cpu'] * 1000:4.1f} clients  ({figures['answers']} answers, {figures['errors']} errors "
              f"in {figures['seconds']:.0f} s)  = {figures['rate'] / api_rate_mean:.0%} of the API's mean")
        for error in figures["first_errors"]:
            print(f"  error: {error}")
    print(f"{pinned}; load average {load_average[0]:.1f} {load_average[1]:.1f} {load_average[2]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
