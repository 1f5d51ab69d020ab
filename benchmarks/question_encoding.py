"""CPU per question encoded by the ONNX int8 encoder: runtime threads, and passes shared by several questions.

Usage: nice -n 10 .venv/bin/python benchmarks/question_encoding.py [--rounds 4] [--model m3e-small]

Encodes the 35 public questions in passes of 1, 4, 8 and 16, with ONNX Runtime's default threads
(one per core, spinning) and with one thread, after a warm-up; prints wall and CPU time per question.
This is what decides the server's thread limit (webui/serving.py) and whether questions asked at
the same moment should share a pass (embeddings/coalescing.py).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from embeddings.onnx_encoder import OnnxEncoder  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--model", default="m3e-small")
    args = parser.parse_args()
    lines = (ROOT / "tests" / "data" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    for threads in (None, 1):
        encoder = OnnxEncoder(args.model, quantised=True, threads=threads)
        encoder.encode(questions, batch_size=1)  # warm-up
        for size in (1, 4, 8, 16):
            passes = [questions[start : start + size] for start in range(0, len(questions) - size + 1, size)]
            encoded, wall, cpu = 0, time.perf_counter(), time.process_time()
            for _ in range(args.rounds):
                for texts in passes:
                    encoder.encode(texts, batch_size=size)
                    encoded += len(texts)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"threads {threads or 'default':>7}, {size:2d} per pass: {wall / encoded * 1000:5.2f} ms wall, "
                  f"{cpu / encoded * 1000:5.2f} ms CPU per question ({encoded} questions)")
    print(f"load average {' '.join(f'{value:.1f}' for value in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
