"""Passages per second of the Ray build with 1 and 2 encoder actors here, and hours for 10^6 reports on N machines.

Usage: .venv/bin/python benchmarks/ray_build.py [--reports 20] [--model m3e-small]

A synthetic corpus (benchmarks/generate.py, seed 0) is parsed and embedded by
qa.retrieval.distributed.read_and_embed on a Ray instance started on this machine (2 CPUs,
so 2 actors is the most it holds), and, as the baseline, by the local build's
embed_passages in one process limited to one thread like an actor. The embedding stage is
timed from the moment the actor pool is asked for until the vectors are back, so it
includes starting the actors and loading the model once per actor: with few passages that
start-up weighs. The projection gives hours at the better measured Ray rate, and at the
rate per CPU-second of the baseline times 2 cores (a machine like this one with no other load).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

REPORTS_AT_SCALE = 1_000_000
PASSAGES_PER_REPORT = 17


def _timed_ray(corpus: Path, workers: int, model: str) -> dict:
    from qa.config import IndexConfig
    from qa.retrieval.distributed import RayCluster, read_and_embed

    marks: dict[str, float] = {}

    def progress(fraction: float, message: str) -> None:
        marks.setdefault(message.split()[0], time.perf_counter())

    start = time.perf_counter()
    reports, _, vectors = read_and_embed(corpus, RayCluster(None, workers), IndexConfig(model=model), None, progress)
    end = time.perf_counter()
    embed_seconds = end - marks["embedding"]
    return {"workers": workers, "passages": len(vectors), "embed_seconds": round(embed_seconds, 1),
            "passages_per_s": round(len(vectors) / embed_seconds, 1), "whole_call_seconds": round(end - start, 1)}


def _timed_local(corpus: Path, model: str) -> dict:
    import torch

    from embeddings.encoder import load_encoder
    from qa.ingest.reports import read_corpus
    from qa.retrieval.building import embed_passages

    torch.set_num_threads(1)
    reports, _ = read_corpus(corpus)
    pairs = [(r.info, p) for r in reports for p in r.passages]
    encoder = load_encoder(model)
    start, cpu = time.perf_counter(), time.process_time()
    embed_passages(pairs, encoder, {}, lambda fraction, message: None)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    # Per CPU-second the rate hardly depends on what else runs on a shared machine; per wall second it does.
    return {"workers": "local, 1 thread", "passages": len(pairs), "embed_seconds": round(seconds, 1),
            "passages_per_s": round(len(pairs) / seconds, 1), "passages_per_cpu_s": round(len(pairs) / cpu, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--model", default="m3e-small")
    args = parser.parse_args()
    from generate import generate

    with tempfile.TemporaryDirectory() as work:
        corpus = Path(work) / "corpus"
        generate(HERE.parent / "corpus", corpus, args.reports, seed=0)
        runs = [_timed_local(corpus, args.model), _timed_ray(corpus, 1, args.model), _timed_ray(corpus, 2, args.model)]
    total = REPORTS_AT_SCALE * PASSAGES_PER_REPORT
    measured = max(runs[1]["passages_per_s"], runs[2]["passages_per_s"])  # the better Ray rate of one machine
    by_cpu = runs[0]["passages_per_cpu_s"] * 2  # both cores of a machine like this one, had it to itself
    hours = {
        "at_the_measured_ray_rate": {str(n): round(total / (measured * n) / 3600, 1) for n in (1, 10, 50, 100)},
        "at_the_cpu_rate_2_cores_idle": {str(n): round(total / (by_cpu * n) / 3600, 1) for n in (1, 10, 50, 100)},
    }
    print(json.dumps({"runs": runs, "hours_for_1e6_reports_of_17_passages_on_N_machines": hours}, indent=1))


if __name__ == "__main__":
    main()
