"""Measure build, query, load, memory, update, ANN crossover, embedding speed and the peer, and print tables.

Usage: .venv/bin/python benchmarks/run.py [--sizes 100,1000,10000] [--quick] [--only build,serve,...]
       .venv/bin/python benchmarks/run.py --report      (print tables and plot from the saved results)

Corpora: "real" is corpus/ (5 reports); size N is corpus/ plus N-5 reports from generate.py
(seed 0). Corpora up to --real-up-to reports are embedded with the real model (m3e-small);
larger ones with HashingEncoder (same 512 dimensions), and every table says which. Each
measurement runs in a fresh process so its peak memory is its own. Results are merged
into benchmarks/results.json and docs/bench.png is drawn from them.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

RESULTS = HERE / "results.json"
PLOT = ROOT / "docs" / "bench.png"
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"
HASH_NOTE = "hash-bigram-512 = HashingEncoder, NOT the real model: figures for size/speed only"


# ----------------------------------------------------------------------------- child steps


def _encoder(kind: str):
    if kind == "real":
        from embeddings.encoder import load_encoder

        from qa import IndexConfig

        return load_encoder(IndexConfig().model)  # the default variant (ONNX int8 when exported)
    from hashing import HashingEncoder

    return HashingEncoder()


def _real_places() -> list[str]:
    from qa.ingest.reports import read_corpus

    return sorted({place for report in read_corpus(ROOT / "corpus")[0] for place in report.info.places})


def run_step(step: dict) -> dict:
    """Run one measurement in this process and return its figures."""
    import scale
    from qa import IndexConfig
    from qa.evaluation import load_questions

    name, work = step["step"], Path(step["work"])
    corpus, folder = work / f"corpus-{step.get('label')}", work / f"index-{step.get('label')}"
    if name == "build":
        shutil.rmtree(folder, ignore_errors=True)
        return scale.measure_build(corpus, folder, _encoder(step["encoder"]), IndexConfig())
    if name == "serve":
        from hashing import RenamedEncoder

        if step.get("threads"):  # as the web app serves (webui/serving.py): one thread per search and forward pass
            from embeddings.encoder import limit_threads

            limit_threads(int(step["threads"]))

        def make():
            encoder = _encoder("real")
            return encoder if step["encoder"] == "real" else RenamedEncoder(encoder, "hash-bigram-512")

        return scale.measure_serve(folder, make, load_questions(QUESTIONS), _real_places(), score=step["encoder"] == "real")
    if name == "update":
        from generate import generate

        extra = generate(ROOT / "corpus", corpus, 1, seed=9999)[0].path
        try:
            return scale.measure_update(folder, corpus, _encoder("hash"), extra)
        finally:
            extra.unlink(missing_ok=True)
    if name == "ann":
        import numpy as np
        from qa.retrieval.storage import current_generation

        generation, _ = current_generation(folder)
        vectors = np.load(generation / "vectors.npy", mmap_mode="r")
        questions = [gold.question for gold in load_questions(QUESTIONS)]
        queries = _encoder("hash").encode(questions)
        sizes = [size for size in step["sizes"] if size < len(vectors)] + [len(vectors)]
        return {"rows": scale.measure_ann(vectors, queries, sizes)}
    if name == "ivf":
        import numpy as np
        from qa import ReportIndex
        from qa.retrieval.storage import current_generation

        generation, _ = current_generation(folder)
        vectors = np.load(generation / "vectors.npy", mmap_mode="r")
        index = ReportIndex.load(folder, encoder=_encoder(step["encoder"]))
        asked = scale.scaled_questions(load_questions(QUESTIONS), index, _real_places())
        queries = index._encoder.encode(asked)
        return {"encoder": index._encoder.name, "rows": scale.measure_ivf(vectors, queries, [16, 32, 64, 128, 256])}
    if name == "embed":
        import embed_speed

        return embed_speed.measure(ROOT / "corpus", QUESTIONS, work / "embed", quick=step.get("quick", False))
    if name == "peer":
        import peer

        return peer.measure(ROOT / "corpus", QUESTIONS, work / "peer")
    raise SystemExit(f"unknown step {name!r}")


def in_child(step: dict) -> dict:
    """Run a step in a fresh interpreter; note the machine's load before and after."""
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--child", json.dumps(step)], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(load_before=load_before, load_after=os.getloadavg()[0], wall_s=time.perf_counter() - started)
    return result


# ----------------------------------------------------------------------------- orchestration


def prepare_corpus(work: Path, label: str, size: int) -> None:
    """Write corpus-<label>: the real reports plus size-5 generated ones (kept if already there)."""
    from generate import generate

    folder = work / f"corpus-{label}"
    real = sorted((ROOT / "corpus").glob("*.txt"))
    if folder.is_dir() and len(list(folder.glob("*.txt"))) == max(size, len(real)):
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for path in real:
        shutil.copy(path, folder / path.name)
    if size > len(real):
        generate(ROOT / "corpus", folder, size - len(real), seed=0)


def plan(sizes: list[int], real_up_to: int, quick: bool) -> list[tuple[str, int, str]]:
    """Return (label, size, encoder) for every corpus to measure."""
    runs = [("real", 5, "real")]
    for size in sizes:
        runs.append((str(size), size, "real" if size <= real_up_to else "hash"))
        if quick:
            break
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--quick", action="store_true", help="real corpus and the first size only; small ANN and embed runs")
    parser.add_argument("--only", default="build,serve,update,ann,ivf,embed,peer")
    parser.add_argument("--real-up-to", type=int, default=100, help="largest corpus embedded with the real model")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "report-qa-bench")
    parser.add_argument("--report", action="store_true", help="only print tables and plot from results.json")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_step(json.loads(args.child))))
        return
    import tables

    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    if not args.report:
        steps = set(args.only.split(","))
        sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
        args.work.mkdir(parents=True, exist_ok=True)
        results["machine"] = {"cpus": os.cpu_count(), "load_at_start": os.getloadavg(), "when": time.strftime("%Y-%m-%d %H:%M")}
        runs = plan(sizes, args.real_up_to, args.quick)
        for label, size, encoder in runs:
            prepare_corpus(args.work, label, size)
            common = {"work": str(args.work), "label": label, "encoder": encoder}
            for step in ("build", "serve"):
                if step in steps:
                    print(f"[{time.strftime('%H:%M:%S')}] {step} {label} ({encoder})", flush=True)
                    results.setdefault(step, {})[label] = in_child({"step": step, **common})
        hashed = [label for label, _, encoder in runs if encoder == "hash"]
        for label in hashed if "update" in steps else ():
            print(f"[{time.strftime('%H:%M:%S')}] update {label}", flush=True)
            measured = in_child({"step": "update", "work": str(args.work), "label": label})
            if label == "1000":
                results["update"] = measured
            else:  # large indexes add the report as a segment (qa.retrieval.segments)
                results.setdefault("update_at", {})[label] = measured
        if "ivf" in steps:
            label, _, encoder = runs[-1]
            print(f"[{time.strftime('%H:%M:%S')}] ivf on {label}", flush=True)
            results.setdefault("ivf", {})[label] = in_child({"step": "ivf", "work": str(args.work), "label": label,
                                                             "encoder": encoder})
        if "ann" in steps and hashed:
            print(f"[{time.strftime('%H:%M:%S')}] ann on {hashed[-1]}", flush=True)
            ann_sizes = [1000, 10000] if args.quick else [1000, 10000, 30000, 60000, 100000]
            results["ann"] = in_child({"step": "ann", "work": str(args.work), "label": hashed[-1], "sizes": ann_sizes})
        for step in ("embed", "peer"):
            if step in steps:
                print(f"[{time.strftime('%H:%M:%S')}] {step}", flush=True)
                results[step] = in_child({"step": step, "work": str(args.work), "quick": args.quick})
        RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(tables.render(results, HASH_NOTE))
    tables.plot(results, PLOT)
    print(f"\nplot: {PLOT.relative_to(ROOT)}   results: {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
