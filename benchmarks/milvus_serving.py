"""The Milvus backend on milvus-lite against the local backend: hit@1 and search latency on the public questions.

Usage: .venv/bin/python benchmarks/milvus_serving.py [--model m3e-small]

Both indexes are built from the seed corpus with the same model; the figures come from
qa.evaluation.evaluate, the same as `python -m qa eval`. milvus-lite runs as a local
server process, so a search pays two gRPC calls (lexical, dense) that the local backend does not.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="m3e-small")
    args = parser.parse_args()
    from embeddings.encoder import load_encoder
    from qa import ReportIndex
    from qa.config import IndexConfig
    from qa.evaluation import evaluate, load_questions
    from qa.retrieval.milvus import MilvusTarget

    encoder = load_encoder(args.model)
    config = IndexConfig(model=args.model)
    questions = load_questions(HERE.parent / "tests" / "data" / "questions.jsonl")
    figures = {}
    with tempfile.TemporaryDirectory() as work:
        for name, backend in (("local", None), ("milvus-lite", MilvusTarget(str(Path(work) / "m.db")))):
            start = time.perf_counter()
            index = ReportIndex.build(HERE.parent / "corpus", Path(work) / name, config=config, encoder=encoder,
                                      backend=backend)
            built = time.perf_counter() - start
            start = time.perf_counter()
            index = ReportIndex.load(Path(work) / name, encoder=encoder)
            loaded = time.perf_counter() - start
            scores = evaluate(index, questions)
            figures[name] = {"build_s": round(built, 1), "load_s": round(loaded, 2), "hit_at_1": round(scores.hit_at_1, 3),
                             "hit_at_5": round(scores.hit_at_5, 3), "search_ms_p50": round(scores.search_ms_p50, 1),
                             "answer_ms_p50": round(scores.answer_ms_p50, 1)}
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
