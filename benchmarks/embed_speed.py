"""Encoder variants side by side in one run: build rate against the fp32 bound, question time, answer time, rankings.

Usage: .venv/bin/python benchmarks/embed_speed.py [--quick] [--variants torch-fp32,onnx-fp32,onnx-int8,torch-int8]

The bound: FLOPs per passage (from the model's shape and the real passages' token counts)
against the float32 matmul rate numpy measures on this machine. Each variant embeds the
real corpus's passages exactly as a build does (shortest first, batches of 8), encodes each
public question alone, and answers each public question from an index it built; the runs
are interleaved and repeated (other work on a shared machine only slows a run, so rates are
the best run and latencies the median of all). Rankings: every variant builds the public
and both held-out corpora; the rank (up to 50) of every gold passage is compared with PyTorch fp32.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

# label -> (model name, backend) for load_encoder
VARIANTS = {
    "torch-fp32": ("m3e-small", "torch"),
    "onnx-fp32": ("m3e-small", "onnx"),
    "onnx-int8": ("m3e-small+onnx-int8", "onnx"),
    "torch-int8": ("m3e-small+int8", "torch"),
}
BASELINE = "torch-fp32"
SETS = {
    "public": (ROOT / "tests" / "data" / "questions.jsonl", ROOT / "corpus"),
    "heldout": (ROOT / "tests" / "data" / "heldout" / "questions.jsonl", ROOT / "tests" / "data" / "heldout"),
    "heldout2": (ROOT / "tests" / "data" / "heldout2" / "questions.jsonl", ROOT / "tests" / "data" / "heldout2"),
}
RANK_DEPTH = 50


def matmul_gflops(seconds: float = 2.0) -> float:
    """Return numpy's float32 matmul rate on shapes like the model's feed-forward layer."""
    a = np.random.default_rng(0).standard_normal((256, 512), dtype=np.float32)
    b = np.random.default_rng(1).standard_normal((512, 2048), dtype=np.float32)
    a @ b
    best, deadline = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        for _ in range(10):
            a @ b
        best = max(best, 10 * 2 * 256 * 512 * 2048 / (time.perf_counter() - started) / 1e9)
    return best


def flops_per_passage(config: dict, token_counts: list[int]) -> float:
    """Return mean forward FLOPs per passage: 2 per multiply-add in projections, FFN and attention."""
    hidden, ffn, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    total = 0.0
    for tokens in token_counts:
        per_layer = 2 * tokens * (4 * hidden * hidden + 2 * hidden * ffn) + 2 * 2 * tokens * tokens * hidden
        total += layers * per_layer
    return total / len(token_counts)


def _ms(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def _gold_ranks(index, questions) -> dict[str, int | None]:
    """Return the rank (1..RANK_DEPTH, None beyond) of each gold passage, by evaluate's own rule."""
    from qa.evaluation import evaluate

    scores = evaluate(index, [q for q in questions if q.quote], k=RANK_DEPTH, answers=False)
    return {outcome.id: outcome.rank for outcome in scores.outcomes}


def measure(corpus: Path, questions: Path, work: Path, *, quick: bool = False, variants: list[str] | None = None) -> dict:
    """Return the bound and, per variant, build rate, question and answer p50, and gold ranks; "text" summarises."""
    from embeddings.encoder import load_encoder, resolve_model
    from qa import ReportIndex
    from qa.evaluation import evaluate, load_questions
    from qa.ingest.reports import read_corpus
    from qa.retrieval.building import EMBED_BATCH, embed_passages, embedding_input

    labels = variants or list(VARIANTS)
    encoders = {label: load_encoder(VARIANTS[label][0], backend=VARIANTS[label][1]) for label in labels}
    reports, _ = read_corpus(corpus)
    pairs = [(r.info, p) for r in reports for p in r.passages]
    texts = [embedding_input(info, p) for info, p in pairs]
    from tokenizers import Tokenizer

    location = Path(resolve_model("m3e-small"))
    tokenizer = Tokenizer.from_file(str(location / "tokenizer.json"))
    counts = [min(len(e.ids), 512) for e in tokenizer.encode_batch(texts)]
    config = json.loads((location / "config.json").read_text(encoding="utf-8"))
    flops = flops_per_passage(config, counts)
    gflops = matmul_gflops()
    bound = gflops * 1e9 / flops
    asked = [gold.question for gold in load_questions(questions)]
    indexes = {label: ReportIndex.build(corpus, work / label / "public", encoder=encoders[label]) for label in labels}
    rates = {label: [] for label in labels}
    encode_ms = {label: [] for label in labels}
    answer_ms = {label: [] for label in labels}
    for label in labels:  # warm up every runtime before timing
        encoders[label].encode(asked[:3])
        for question in asked[:3]:
            indexes[label].answer(question)
    for _ in range(1 if quick else 3):
        for label in labels:
            seconds = _ms(lambda: embed_passages(pairs, encoders[label], {}, lambda *_: None)) / 1000
            rates[label].append(len(pairs) / seconds)
            encode_ms[label] += [_ms(lambda: encoders[label].encode([q])) for q in asked]
            answer_ms[label] += [_ms(lambda: indexes[label].answer(q)) for q in asked]
    ranks: dict[str, dict[str, dict[str, int | None]]] = {}
    quality: dict[str, dict[str, dict[str, float]]] = {}
    for name, (question_file, folder) in SETS.items():
        gold = load_questions(question_file)
        for label in labels:
            index = indexes[label] if name == "public" else ReportIndex.build(folder, work / label / name, encoder=encoders[label])
            scores = evaluate(index, gold)
            quality.setdefault(label, {})[name] = {"hit_at_1": scores.hit_at_1, "hit_at_5": scores.hit_at_5,
                                                   "answer_accuracy": scores.answer_accuracy,
                                                   "refusal_accuracy": scores.refusal_accuracy}
            ranks.setdefault(label, {})[name] = _gold_ranks(index, gold)
    rows = {}
    for label in labels:
        changed = [f"{name}:{qid} {ranks[BASELINE][name][qid]}->{rank}" for name in SETS
                   for qid, rank in ranks[label][name].items() if BASELINE in ranks and rank != ranks[BASELINE][name][qid]]
        rows[label] = {
            "model": encoders[label].name, "provenance": getattr(encoders[label], "provenance", {}),
            "passages_per_s": max(rates[label]), "runs": rates[label], "of_bound": max(rates[label]) / bound,
            "question_encode_p50_ms": statistics.median(encode_ms[label]),
            "answer_p50_ms": statistics.median(answer_ms[label]),
            "quality": quality[label], "gold_ranks": ranks[label], "rank_changes": changed,
        }
    result = {"passages": len(texts), "mean_tokens": float(np.mean(counts)), "gflop_per_passage": flops / 1e9,
              "numpy_fp32_gflops": gflops, "bound_passages_per_s": bound, "variants": rows,
              "default": fastest_unchanged(rows)}
    result["text"] = summary(result)
    return result


def fastest_unchanged(rows: dict) -> str:
    """Return the fastest-building variant whose gold ranks equal PyTorch fp32's on every set."""
    return max((label for label, row in rows.items() if not row["rank_changes"]), key=lambda label: rows[label]["passages_per_s"])


def summary(result: dict) -> str:
    """Return the figures as a few printable lines and a table."""
    lines = [
        f"{result['passages']} passages, mean {result['mean_tokens']:.0f} tokens: {result['gflop_per_passage']:.2f} GFLOP/passage; "
        f"numpy fp32 matmul {result['numpy_fp32_gflops']:.1f} GFLOP/s -> fp32 bound {result['bound_passages_per_s']:.1f} passages/s",
        f"{'variant':<11} {'passages/s':>10} {'of bound':>8} {'question p50':>12} {'answer p50':>10}  "
        f"hit@1 public/heldout/heldout2   answer acc   gold ranks changed vs {BASELINE}",
    ]
    for label, row in result["variants"].items():
        q = row["quality"]
        lines.append(
            f"{label:<11} {row['passages_per_s']:>10.1f} {row['of_bound']:>8.0%} {row['question_encode_p50_ms']:>9.1f} ms "
            f"{row['answer_p50_ms']:>7.1f} ms  {q['public']['hit_at_1']:.3f}/{q['heldout']['hit_at_1']:.3f}/{q['heldout2']['hit_at_1']:.3f}"
            f"        {q['public']['answer_accuracy']:.3f}/{q['heldout']['answer_accuracy']:.3f}/{q['heldout2']['answer_accuracy']:.3f}"
            f"   {len(row['rank_changes'])} {' '.join(row['rank_changes'])}"
        )
    lines.append(f"fastest variant with no gold rank change: {result['default']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--questions", type=Path, default=ROOT / "tests" / "data" / "questions.jsonl")
    parser.add_argument("--work", type=Path, default=Path("/tmp/report-qa-bench/embed"))
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--json", type=Path, help="also write every figure (and every gold rank) here")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    result = measure(args.corpus, args.questions, args.work, quick=args.quick, variants=args.variants.split(","))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(result["text"])


if __name__ == "__main__":
    main()
