"""Recall@10 of the ivf-sq8 store on real m3e-small vectors: a random sample of a large index's passages, embedded.

Usage: nice -n 19 .venv/bin/python benchmarks/real_recall.py INDEX --sample 30000 --work DIR [--minutes 30]

The benchmark indexes above 100 reports are built with the hashing encoder (nearly random vectors, the
hardest case for any ANN), so the store's recall on the model's vectors has to be measured apart: this
embeds a seeded random sample of INDEX's passages with the default encoder (the text a build embeds,
one thread, checkpointed in DIR so a stopped run resumes), then builds the IVF store over them as a build
would for that many passages and ranks the public questions (as asked, and without place and year)
through LocalDense, as ReportIndex does, against exact search. A sample is smaller than the index, so two
settings are given: the build's nprobe for the sample's size, and an nprobe that scans the same share of
the clusters as nprobe 64 of the 100,000-report index's 5,312 (1.2 %), the harder and fairer proxy.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

FULL_SHARE = 64 / 5312  # nprobe / nlist of the 100,000-report index


def sample_texts(index_folder: Path, size: int, seed: int = 0) -> list[str]:
    """Return the embedding input of `size` passages drawn at random from the index's generation."""
    from qa.retrieval import records
    from qa.retrieval.building import embedding_input
    from qa.retrieval.storage import current_generation

    generation, _ = current_generation(index_folder)
    infos, counts = records.read_infos(generation / records.INFOS)
    lines = records.LineFile(generation / records.PASSAGES, sum(counts))
    by_source = {info.source: info for info in infos}
    chosen = np.sort(np.random.default_rng(seed).choice(len(lines), size, replace=False))
    passages = records.StoredPassages(lines)
    return [embedding_input(by_source[p.source], p) for p in (passages[int(i)] for i in chosen)]


def embed(texts: list[str], work: Path, minutes: float) -> np.ndarray:
    """Embed texts with the default encoder on one thread, resuming from DIR/vectors-*.npy; stop after `minutes`."""
    from embeddings.encoder import load_encoder
    from qa import IndexConfig

    encoder = load_encoder(IndexConfig().model, threads=1)
    done = sorted(work.glob("vectors-*.npy"))
    parts = [np.load(path) for path in done]
    start, block, deadline = sum(len(p) for p in parts), 500, time.monotonic() + minutes * 60
    while start < len(texts) and time.monotonic() < deadline:
        began = time.perf_counter()
        rows = encoder.encode(texts[start : start + block], batch_size=8)
        np.save(work / f"vectors-{start:07d}.npy", rows)
        parts.append(rows)
        start += len(rows)
        print(f"{start:,}/{len(texts):,} embedded ({len(rows) / (time.perf_counter() - began):.1f}/s)", flush=True)
    return np.concatenate(parts) if parts else np.empty((0, encoder.dimension), np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--sample", type=int, default=30000)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--minutes", type=float, default=30.0)
    args = parser.parse_args()
    from embeddings.encoder import load_encoder
    from embeddings.store import brute_force_top_k, make_store
    from qa import IndexConfig
    from qa.evaluation import load_questions
    from qa.retrieval.backend import LocalDense

    args.work.mkdir(parents=True, exist_ok=True)
    texts = sample_texts(args.index, args.sample)
    vectors = embed(texts, args.work, args.minutes)
    questions = [gold.question for gold in load_questions(HERE.parent / "tests" / "data" / "questions.jsonl")]
    asked = questions + [re.sub(r"^.*?(?:街道|镇|区|县|市)", "", re.sub(r"\d{4}\s*年度?", "", q)) or q for q in questions]
    queries = load_encoder(IndexConfig().model, threads=1).encode(asked)
    n = len(vectors)
    nlist = max(64, round(4 * n ** 0.5 / 64) * 64)
    store = make_store("ivf-sq8", vectors.shape[1], nlist=nlist)
    store.add(vectors)
    truth_scores, truth = brute_force_top_k(queries, vectors, 10)
    rows = []
    share = max(1, round(FULL_SHARE * nlist))
    for nprobe in sorted({share, 2 * share, 32, IndexConfig().nprobe, 128, 256}):
        store._index.nprobe = nprobe
        dense = LocalDense(vectors, store, rescore=IndexConfig().rescore)
        # As ReportIndex ranks: config.candidates passages from rescore times as many, of which the first 10 count.
        found = [dense.ranking(q, IndexConfig().candidates, None)[:10] for q in queries]
        recalls = [len(set(f) & set(t.tolist())) / 10 for f, t in zip(found, truth)]
        # The sample holds near-copies of one paragraph under many issuers: a passage as similar as the
        # 10th exact one (to 1e-6) is as good an answer, though another id.
        as_good = [float(np.sum(vectors[f] @ q >= s[-1] - 1e-6)) / 10 for f, q, s in zip(found, queries, truth_scores)]
        rows.append({"passages": n, "nlist": nlist, "nprobe": nprobe, "share_scanned": nprobe / nlist,
                     "rescore": IndexConfig().rescore, "questions": len(queries),
                     "recall_at_10": float(np.mean(recalls)), "min_recall_at_10": float(np.min(recalls)),
                     "as_similar_as_10th": float(np.mean(as_good)),
                     "questions_below_0.9": int(sum(r < 0.9 for r in recalls))})
        print(json.dumps(rows[-1]), flush=True)


if __name__ == "__main__":
    main()
