"""Measure how many passages per second each encoder backend encodes on this machine, by threads and batch size.

Usage: .venv/bin/python benchmarks/encode_speed.py [--corpus corpus] [--passages 200] [--chars 200]
       [--variants m3e-small:torch,m3e-small:onnx,m3e-small+onnx-int8:onnx]

Passages are overlapping windows of the reports' text, so their length is close to what
the index builder produces. Each setting is timed after one warm-up run; the best of
--repeats runs is printed, because other work on a shared machine only ever slows a run.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from embeddings.encoder import Encoder, load_encoder  # noqa: E402


def sample_passages(corpus: Path, count: int, chars: int) -> list[str]:
    """Cut count overlapping windows of about chars characters from the corpus's .txt files."""
    text = "".join("".join(path.read_text(encoding="utf-8").split()) for path in sorted(corpus.glob("*.txt")))
    if len(text) < chars:
        raise SystemExit(f"{corpus}: only {len(text)} characters of .txt text; need at least {chars}.")
    step = max(1, (len(text) - chars) // count)
    return [text[start : start + chars] for start in range(0, step * count, step)][:count]


def passages_per_second(encoder: Encoder, passages: list[str], batch_size: int, repeats: int) -> float:
    """Return the best encoding rate over repeats, after one warm-up."""
    encoder.encode(passages[:batch_size], batch_size=batch_size)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        encoder.encode(passages, batch_size=batch_size)
        best = min(best, time.perf_counter() - start)
    return len(passages) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parent.parent / "corpus")
    parser.add_argument("--variants", default="m3e-small:torch,m3e-small:onnx,m3e-small+onnx-int8:onnx",
                        help="comma-separated MODEL:BACKEND pairs")
    parser.add_argument("--passages", type=int, default=200)
    parser.add_argument("--chars", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    passages = sample_passages(args.corpus, args.passages, args.chars)
    print(f"{len(passages)} passages of {args.chars} chars, {os.cpu_count()} CPUs")
    print(f"{'model':<22} {'backend':<7} {'threads':>7} {'batch':>5} {'passages/s':>10}")
    for variant in args.variants.split(","):
        model, backend = variant.split(":")
        for threads in args.threads:
            # ONNX Runtime fixes its threads per session and torch per process: load anew for each.
            encoder = load_encoder(model, backend=backend, threads=threads)
            for batch_size in args.batch_sizes:
                rate = passages_per_second(encoder, passages, batch_size, args.repeats)
                print(f"{model:<22} {backend:<7} {threads:>7} {batch_size:>5} {rate:>10.1f}", flush=True)


if __name__ == "__main__":
    main()
