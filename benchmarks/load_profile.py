"""Where a cold start's time goes: ReportIndex.load under cProfile, then the first question's lazy parts.

Usage: .venv/bin/python benchmarks/load_profile.py INDEX [--top 15] [--hash]

--hash serves a benchmark index built with the hashing encoder (benchmarks/run.py sizes above
100); without it the index's own model is loaded. The encoder is loaded before the clock
starts, as benchmarks/run.py does; prints wall and CPU seconds of load(), the functions with
the most cumulative time, and the first question split into scoping, the tokenizer's
dictionary and the rest.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]


def timed(call):
    wall, cpu = time.perf_counter(), time.process_time()
    value = call()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--hash", action="store_true", help="the index was built with the hashing encoder")
    args = parser.parse_args()
    from qa import ReportIndex

    encoder = None
    if args.hash:
        from embeddings.encoder import load_encoder
        from hashing import RenamedEncoder

        from qa import IndexConfig

        encoder = RenamedEncoder(load_encoder(IndexConfig().model), "hash-bigram-512")
    profile = cProfile.Profile()
    index, wall, cpu = timed(lambda: profile.runcall(ReportIndex.load, args.index, encoder=encoder))
    print(f"load: {wall:.2f} s wall, {cpu:.2f} s CPU (under cProfile), {len(index.reports):,} reports, "
          f"{len(index.passages):,} passages")
    _, wall, cpu = timed(lambda: ReportIndex.load(args.index, encoder=encoder))
    print(f"load again without the profiler: {wall:.2f} s wall, {cpu:.2f} s CPU")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])
    info = index.reports[len(index.reports) // 2]
    question = f"{info.places[0] if info.places else info.issuer}{info.year or ''}年调处矛盾纠纷多少件"
    _, wall, cpu = timed(lambda: index._scope_resolver)
    print(f"first question, scoping prepared: {wall:.2f} s wall, {cpu:.2f} s CPU")
    _, wall, cpu = timed(lambda: index._tokenizer.tokens("法治政府"))
    print(f"first question, tokenizer dictionary ({len(index._tokenizer.user_words):,} names): {wall:.2f} s wall, {cpu:.2f} s CPU")
    _, wall, cpu = timed(lambda: index.answer(question))
    print(f"first question, the rest (encoding, search, answer): {wall:.2f} s wall, {cpu:.2f} s CPU  [{question}]")


if __name__ == "__main__":
    main()
