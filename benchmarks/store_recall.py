"""Recall@10 and cost of an index's own dense store against exact search over every one of its vectors.

Usage: nice -n 10 .venv/bin/python benchmarks/store_recall.py INDEX [--hash] [--rescore 4,20,100] [--nprobe 64,256]

The public questions (as asked, and without place and year) are encoded with the default model, or
with the hashing encoder (--hash) for the benchmark indexes built with it: on those nearly random
vectors every ANN is at its worst, so this is the hardest case, not the real one (benchmarks/real_recall.py).
Each question is ranked through LocalDense as ReportIndex ranks it (50 from rescore x 50 candidates,
one thread, the store memory-mapped); its first 10 are compared with an exact scan of vectors.npy.
Times are the dense ranking alone (store search plus reading and ranking the candidates exactly).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int = 10, block: int = 131_072) -> np.ndarray:
    """Return the ids of each query's k most similar vectors, scanning the (mapped) vectors in blocks."""
    best_scores = np.full((len(queries), 0), -np.inf, np.float32)
    best_ids = np.zeros((len(queries), 0), np.int64)
    for start in range(0, len(vectors), block):
        scores = queries @ np.asarray(vectors[start : start + block], dtype=np.float32).T
        top = np.argpartition(-scores, min(k, scores.shape[1] - 1), axis=1)[:, :k]
        best_scores = np.hstack([best_scores, np.take_along_axis(scores, top, 1)])
        best_ids = np.hstack([best_ids, top + start])
        keep = np.argsort(-best_scores, axis=1, kind="stable")[:, :k]
        best_scores, best_ids = np.take_along_axis(best_scores, keep, 1), np.take_along_axis(best_ids, keep, 1)
    return best_ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--hash", action="store_true", help="encode the questions with the hashing encoder")
    parser.add_argument("--rescore", default="", help="candidate multipliers (default: the index's own)")
    parser.add_argument("--nprobe", default="", help="nprobe values to try (default: the store's own)")
    args = parser.parse_args()
    import faiss

    from embeddings.store import load_store
    from qa import IndexConfig
    from qa.evaluation import load_questions
    from qa.retrieval import storage
    from qa.retrieval.backend import LocalDense

    faiss.omp_set_num_threads(1)  # as the web app serves
    generation, manifest = storage.current_generation(args.index)
    vectors = storage.load_vectors(generation / "vectors.npy")
    store = load_store(generation / "dense", mmap=True)
    questions = [gold.question for gold in load_questions(HERE.parent / "tests" / "data" / "questions.jsonl")]
    asked = questions + [re.sub(r"^.*?(?:街道|镇|区|县|市)", "", re.sub(r"\d{4}\s*年度?", "", q)) or q for q in questions]
    if args.hash:
        from hashing import HashingEncoder

        queries = HashingEncoder().encode(asked)
    else:
        from embeddings.encoder import load_encoder

        queries = load_encoder(IndexConfig().model, threads=1).encode(asked)
    started = time.perf_counter()
    truth = exact_top(vectors, queries)
    print(f"exact scan of {len(vectors):,} vectors for {len(queries)} questions: {time.perf_counter() - started:.0f} s", flush=True)
    config = IndexConfig.from_dict(manifest["config"])
    for nprobe in [int(x) for x in args.nprobe.split(",") if x] or [int(store._index.nprobe)]:
        store._index.nprobe = nprobe
        for rescore in [int(x) for x in args.rescore.split(",") if x] or [config.rescore]:
            dense, times, recalls = LocalDense(vectors, store, rescore=rescore), [], []
            for query, exact in zip(queries, truth):
                started = time.perf_counter()
                found = dense.ranking(query, config.candidates, None)[:10]
                times.append((time.perf_counter() - started) * 1000)
                recalls.append(len(set(found) & set(exact.tolist())) / 10)
            times.sort()
            print(json.dumps({"passages": len(vectors), "store": store.kind, "nlist": store.params.get("nlist"),
                              "nprobe": nprobe, "candidates_ranked": rescore * config.candidates,
                              "encoder": "hashing" if args.hash else "m3e-small", "questions": len(queries),
                              "recall_at_10": float(np.mean(recalls)), "min_recall_at_10": float(np.min(recalls)),
                              "p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))],
                              "load": os.getloadavg()[0]}), flush=True)


if __name__ == "__main__":
    main()
