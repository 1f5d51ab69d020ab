"""Recall@10 of the approximate stores on real m3e-small vectors: a random sample of a large index's passages, embedded.

Usage: nice -n 19 .venv/bin/python benchmarks/real_recall.py INDEX --sample 30000 --work DIR [--minutes 30]
           [--store ivf-rabitq|ivf-sq8] [--sizes 7500,15000,30000] [--settings 2,4,10,100]

The benchmark indexes above 100 reports are built with the hashing encoder (nearly random vectors, the
hardest case for any ANN), so the store's recall on the model's vectors has to be measured apart: this
embeds a seeded random sample of INDEX's passages with the default encoder (the text a build embeds,
one thread, checkpointed in DIR so a stopped run resumes), then builds the store over the first N of them
(--sizes) as a build would for that many passages and ranks the public questions (as asked, and without
place and year) through LocalDense, as ReportIndex does, against exact search. ivf-rabitq (what a build
above approximate_above writes) scans every cluster; its figure is recall against how many candidates are
ranked exactly (rescore x 50): how many it needs grows with the index, so give several sizes. ivf-sq8
(indexes built before) is given for nprobe values; one scans the same share of the clusters as nprobe 64
of the 100,000-report index's 5,312 (1.2 %).
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


def recall_rows(vectors: np.ndarray, queries: np.ndarray, store_kind: str, settings: list[int],
                share: float | None = None) -> list[dict]:
    """Rank every query through LocalDense as ReportIndex does and compare its first 10 with exact search.

    `settings` are nprobe values for ivf-sq8 (4 x 50 candidates, as its indexes were built), and
    candidate multipliers (`IndexConfig.rescore`) for ivf-rabitq, which scans the share of the clusters
    a build gives it (half) unless `share` says otherwise.
    """
    from embeddings.store import brute_force_top_k, make_store
    from qa import IndexConfig
    from qa.retrieval.backend import LocalDense
    from qa.retrieval.building import dense_store

    n = len(vectors)
    _, params = dense_store(IndexConfig(approximate_above=0), n)  # the clusters a build would make for n passages
    if share is not None and store_kind == "ivf-rabitq":
        params = dict(params, nprobe=max(1, round(share * params["nlist"])))
    store = make_store(store_kind, vectors.shape[1], **params)
    store.add(vectors)
    truth_scores, truth = brute_force_top_k(queries, vectors, 10)
    candidates, rows = IndexConfig().candidates, []
    for setting in settings:
        if store_kind == "ivf-sq8":
            store._index.nprobe, rescore = setting, 4
        else:
            rescore = setting
        dense = LocalDense(vectors, store, rescore=rescore)
        # As ReportIndex ranks: config.candidates passages from rescore times as many, of which the first 10 count.
        found = [dense.ranking(q, candidates, None)[:10] for q in queries]
        recalls = [len(set(f) & set(t.tolist())) / 10 for f, t in zip(found, truth)]
        # The sample holds near-copies of one paragraph under many issuers: a passage as similar as the
        # 10th exact one (to 1e-6) is as good an answer, though another id.
        as_good = [float(np.sum(vectors[f] @ q >= s[-1] - 1e-6)) / 10 for f, q, s in zip(found, queries, truth_scores)]
        rows.append({"passages": n, "store": store_kind, "nlist": params["nlist"], "nprobe": int(store._index.nprobe),
                     "share_scanned": int(store._index.nprobe) / params["nlist"], "candidates_ranked": candidates * rescore,
                     "questions": len(queries), "recall_at_10": float(np.mean(recalls)),
                     "min_recall_at_10": float(np.min(recalls)), "as_similar_as_10th": float(np.mean(as_good)),
                     "questions_below_0.9": int(sum(r < 0.9 for r in recalls))})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--sample", type=int, default=30000)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--store", choices=("ivf-rabitq", "ivf-sq8"), default="ivf-rabitq")
    parser.add_argument("--sizes", default="", help="first N of the sample, e.g. 7500,15000 (default: the whole sample)")
    parser.add_argument("--settings", default="", help="rescore multipliers (ivf-rabitq) or nprobe values (ivf-sq8)")
    parser.add_argument("--share", type=float, default=None, help="share of the clusters ivf-rabitq scans (default: a build's)")
    args = parser.parse_args()
    from embeddings.encoder import load_encoder
    from qa import IndexConfig
    from qa.evaluation import load_questions

    args.work.mkdir(parents=True, exist_ok=True)
    texts = sample_texts(args.index, args.sample)
    vectors = embed(texts, args.work, args.minutes)
    questions = [gold.question for gold in load_questions(HERE.parent / "tests" / "data" / "questions.jsonl")]
    asked = questions + [re.sub(r"^.*?(?:街道|镇|区|县|市)", "", re.sub(r"\d{4}\s*年度?", "", q)) or q for q in questions]
    queries = load_encoder(IndexConfig().model, threads=1).encode(asked)
    sizes = [int(size) for size in args.sizes.split(",") if size] or [len(vectors)]
    for n in sizes:
        nlist = max(64, round(4 * n ** 0.5 / 64) * 64)
        share = max(1, round(FULL_SHARE * nlist))
        default = ([share, 2 * share, 32, 64, 128, 256] if args.store == "ivf-sq8"
                   else [1, 2, 3, 4, 6, 10, 14, 20, 40, IndexConfig().rescore])
        settings = [int(x) for x in args.settings.split(",") if x] or sorted(set(default))
        recall_rows(vectors[:n], queries, args.store, settings, args.share)


if __name__ == "__main__":
    main()
