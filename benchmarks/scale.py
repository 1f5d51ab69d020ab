"""Measurements of one index at one size: build phases, serving latency and memory, update, flat vs HNSW.

Each function returns a plain dict of figures so run.py can run it in a fresh process (peak
memory is per process) and collect the result as JSON.
"""
from __future__ import annotations

import random
import re
import resource
import statistics
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from embeddings.store import make_store
from qa import IndexConfig, ReportIndex
from qa.evaluation import GoldQuestion, evaluate


class TimedEncoder:
    """Pass calls through to an encoder, adding up the time spent inside encode()."""

    def __init__(self, encoder) -> None:
        self._encoder = encoder
        self.name = encoder.name
        self.dimension = encoder.dimension
        self.seconds = 0.0
        self.first_call: float | None = None
        self.texts = 0

    def encode(self, texts, *, batch_size: int = 32):
        started = time.perf_counter()
        if self.first_call is None:
            self.first_call = started
        vectors = self._encoder.encode(texts, batch_size=batch_size)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return vectors


def peak_rss_mb() -> float:
    """Return this process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_mb(folder: Path) -> float:
    return sum(path.stat().st_size for path in Path(folder).rglob("*") if path.is_file()) / 1e6


def measure_build(corpus: Path, folder: Path, encoder, config: IndexConfig) -> dict:
    """Build an index and split its time into reading+parsing, embedding, and indexing+writing.

    Reading ends when the builder first calls the encoder; embedding is the time inside it;
    the rest (tokenising, BM25, FAISS, writing the folder) is indexing.
    """
    timed = TimedEncoder(encoder)
    started = time.perf_counter()
    index = ReportIndex.build(corpus, folder, config=config, encoder=timed)
    total = time.perf_counter() - started
    reading = (timed.first_call or started) - started
    reports, passages = len(index.reports), len(index.passages)
    return {
        "reports": reports, "passages": passages, "encoder": encoder.name, "total_s": total,
        "read_s": reading, "embed_s": timed.seconds, "index_s": total - reading - timed.seconds,
        "reports_per_s": reports / total, "passages_per_s": passages / total,
        "embed_passages_per_s": passages / timed.seconds if timed.seconds else float("inf"),
        "disk_mb": folder_mb(folder), "build_peak_rss_mb": peak_rss_mb(),
    }


def scaled_questions(questions: Sequence[GoldQuestion], index: ReportIndex, real_places: Sequence[str],
                     *, seed: int = 0, unscoped: bool = False) -> list[str]:
    """Return the public questions, plus each asked of a random synthetic report instead of the real one.

    With unscoped, also each without any place or year, so it is searched over every report.
    """
    asked = [gold.question for gold in questions]
    synthetic = [info for info in index.reports if not set(info.places) & set(real_places)]
    if not synthetic:
        return asked
    rng = random.Random(seed)
    names = sorted(real_places, key=len, reverse=True)
    for question in list(asked):
        topic = re.sub(r"\d{4}\s*年度?", "", question)
        for name in names:
            topic = topic.replace(name, "")
        info = rng.choice(synthetic)
        asked.append(f"{info.places[0]}{info.year}年{topic}")
        if unscoped:
            asked.append(topic)
    return asked


def percentiles(samples_ms: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def read_through(folder: Path) -> None:
    """Read every file of the index once, as a build or a load that hashes them leaves them in the page cache.

    Pages that come into the cache by read() or write() form large folios, which the kernel maps
    whole when a mapping touches one row: the state in which mapped files weigh most in RSS
    (200 rows of vectors.npy: 388 MB resident, against 22 MB when paged in by the mapping itself).
    """
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            with open(path, "rb") as data:
                while data.read(1 << 24):
                    pass


def measure_serve(folder: Path, make_encoder: Callable[[], object], questions: Sequence[GoldQuestion],
                  real_places: Sequence[str], *, score: bool) -> dict:
    """Load an index as a server would, then time search and answer for every question once.

    The index's files are read once first (read_through), so RSS is measured in the worst page-cache state.

    Args:
        make_encoder: returns the encoder queries are embedded with (timed as model load).
        score: also compute hit@1 and answer accuracy (only meaningful when the index and
            the queries use the same real model).
    """
    read_through(folder)
    started = time.perf_counter()
    encoder = make_encoder()
    model_s = time.perf_counter() - started
    rss_model = peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    index = ReportIndex.load(folder, encoder=encoder)
    load_s, load_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    rss_loaded = peak_rss_mb()
    asked = scaled_questions(questions, index, real_places, unscoped=True)
    started = time.perf_counter()
    index.answer(asked[0])  # the first question prepares scoping: part of a cold start
    first_question_ms = (time.perf_counter() - started) * 1000
    for question in asked[1:3]:
        index.answer(question)
    search_ms, answer_ms, both_ms = [], [], {"scoped": [], "unscoped": []}
    both_cpu_ms: dict[str, list[float]] = {"scoped": [], "unscoped": []}
    for question in asked:
        started, cpu = time.perf_counter(), time.process_time()
        index.search(question, 5)
        search_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        index.answer(question)
        answer_ms.append((time.perf_counter() - started) * 1000)
        group = "unscoped" if index.scope(question).sources is None else "scoped"
        both_ms[group].append(search_ms[-1] + answer_ms[-1])
        # CPU time of this process: on a machine shared with other jobs, wall time is mostly waiting.
        both_cpu_ms[group].append((time.process_time() - cpu) * 1000)
    peak_before_year_only = peak_rss_mb()
    # A question naming only a year is scoped to every report of that year (a seventh of them here).
    years = sorted({info.year for info in index.reports if info.year})
    year = max(years, key=lambda y: sum(info.year == y for info in index.reports)) if years else None
    for topic in [question for question in asked if index.scope(question).sources is None][:20] if year else ():
        started, cpu = time.perf_counter(), time.process_time()
        index.search(f"{year}年{topic}", 5)
        index.answer(f"{year}年{topic}")
        both_ms.setdefault("year_only", []).append((time.perf_counter() - started) * 1000)
        both_cpu_ms.setdefault("year_only", []).append((time.process_time() - cpu) * 1000)
    result = {
        "queries": len(asked), "model_load_s": model_s, "load_s": load_s,
        "rss_after_load_mb": rss_loaded, "index_rss_mb": rss_loaded - rss_model,
        "search_p50_ms": percentiles(search_ms)[0], "search_p95_ms": percentiles(search_ms)[1],
        "answer_p50_ms": percentiles(answer_ms)[0], "answer_p95_ms": percentiles(answer_ms)[1],
        "serve_peak_rss_mb": peak_rss_mb(), "peak_rss_before_year_only_mb": peak_before_year_only,
        "first_question_ms": first_question_ms, "load_cpu_s": load_cpu_s,
        **{f"{group}_search_answer_cpu_p95_ms": percentiles(ms)[1] for group, ms in both_cpu_ms.items() if ms},
        **{f"{group}_search_answer_cpu_p50_ms": percentiles(ms)[0] for group, ms in both_cpu_ms.items() if ms},
        **{f"{group}_questions": len(ms) for group, ms in both_ms.items()},
        **{f"{group}_search_answer_p95_ms": percentiles(ms)[1] for group, ms in both_ms.items() if ms},
        **{f"{group}_search_answer_p50_ms": percentiles(ms)[0] for group, ms in both_ms.items() if ms},
    }
    if score:
        scores = evaluate(index, questions)
        result.update(hit_at_1=scores.hit_at_1, hit_at_5=scores.hit_at_5, answer_accuracy=scores.answer_accuracy)
    return result


def measure_update(folder: Path, corpus: Path, encoder, new_report: Path) -> dict:
    """Time adding one report (already written into the corpus) to a loaded index, then loading the result,
    then removing that report again (the file is gone by then), so the index holds what it held before."""
    timed = TimedEncoder(encoder)
    index = ReportIndex.load(folder, encoder=timed)
    started, cpu = time.perf_counter(), time.process_time()
    updated = index.update(corpus)
    total = time.perf_counter() - started
    update_cpu = time.process_time() - cpu
    result = {
        "update_cpu_s": update_cpu,
        "reports_before": len(index.reports), "reports_after": len(updated.reports),
        "update_s": total, "update_embed_s": timed.seconds, "update_embedded": timed.texts,
        "new_report": new_report.name, "segment": len((folder / "CURRENT").read_text().split()) == 4,
    }
    started, cpu = time.perf_counter(), time.process_time()
    reloaded = ReportIndex.load(folder, encoder=encoder)
    result["load_with_segment_s"] = time.perf_counter() - started
    result["load_with_segment_cpu_s"] = time.process_time() - cpu
    info = reloaded.report(new_report.name).info
    hits = reloaded.search(f"{info.places[0]}{info.year}年调处矛盾纠纷多少件", 5)
    result["new_report_answers"] = bool(hits) and all(hit.source == new_report.name for hit in hits)
    # A serving index has its tokenizer loaded: add a second report after one question, as the app would.
    reloaded.answer(f"{info.places[0]}{info.year}年开展普法活动多少场")
    second = new_report.with_name("9999-00001_" + new_report.name.split("_", 1)[1])
    second.write_text(new_report.read_text(encoding="utf-8").replace("调处", "调解处理"), encoding="utf-8")
    started, cpu = time.perf_counter(), time.process_time()
    warm = reloaded.update(corpus)
    result["update_warm_s"] = time.perf_counter() - started
    result["update_warm_cpu_s"] = time.process_time() - cpu
    new_report.unlink()
    second.unlink()
    started = time.perf_counter()
    result["reports_after_removal"] = len(warm.update(corpus).reports)
    result["remove_s"] = time.perf_counter() - started
    return result


def measure_ann(vectors: np.ndarray, queries: np.ndarray, sizes: Sequence[int], *, k: int = 10) -> list[dict]:
    """Compare exact (flat) and HNSW search at growing sizes: build time, query latency, recall@k."""
    rows = []
    for size in sizes:
        subset = np.ascontiguousarray(vectors[:size], dtype=np.float32)
        row = {"size": int(len(subset))}
        truth = None
        for kind in ("flat", "hnsw"):
            store = make_store(kind, subset.shape[1])
            started = time.perf_counter()
            store.add(subset)
            row[f"{kind}_build_s"] = time.perf_counter() - started
            latencies, found = [], []
            for query in queries:
                started = time.perf_counter()
                _, ids = store.search(query[None, :], k)
                latencies.append((time.perf_counter() - started) * 1000)
                found.append(ids[0])
            row[f"{kind}_p50_ms"], row[f"{kind}_p95_ms"] = percentiles(latencies)
            if kind == "flat":
                truth = found
            else:
                row["hnsw_recall_at_10"] = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(found, truth)]))
        rows.append(row)
    return rows


def measure_ivf(vectors: np.ndarray, queries: np.ndarray, nprobes: Sequence[int], *, k: int = 10,
                rescore: int = 4) -> list[dict]:
    """Recall@k of the IVF 8-bit store, its candidates ranked again exactly as ReportIndex does, against exact search."""
    from embeddings.store import brute_force_top_k
    from qa.retrieval.backend import LocalDense

    n = len(vectors)
    nlist = max(64, round(4 * n ** 0.5 / 64) * 64)
    store = make_store("ivf-sq8", vectors.shape[1], nlist=nlist)
    started = time.perf_counter()
    store.add(np.ascontiguousarray(vectors, dtype=np.float32))
    build_s = time.perf_counter() - started
    _, truth = brute_force_top_k(queries, vectors, k)
    rows = []
    for nprobe in nprobes:
        store._index.nprobe = nprobe
        dense = LocalDense(vectors, store, rescore=rescore)
        latencies, recalls = [], []
        for query, exact in zip(queries, truth):
            started = time.perf_counter()
            found = dense.ranking(query, k, None)
            latencies.append((time.perf_counter() - started) * 1000)
            recalls.append(len(set(found) & set(exact.tolist())) / k)
        p50, p95 = percentiles(latencies)
        rows.append({"size": n, "nlist": nlist, "nprobe": nprobe, "rescore": rescore, "build_s": build_s,
                     "recall_at_10": float(np.mean(recalls)), "min_recall_at_10": float(np.min(recalls)),
                     "p50_ms": p50, "p95_ms": p95})
    return rows
