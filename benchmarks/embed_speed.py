"""How fast can m3e-small embed passages here, how far is that from the machine's bound, and does int8 help?

Usage: .venv/bin/python benchmarks/embed_speed.py [--quick]

The bound: FLOPs per passage (from the model's shape and the real passages' token counts)
against the float32 matmul rate numpy measures on this machine. The candidate: torch's
dynamic int8 quantisation of every Linear layer, timed against fp32 on the same passages
(interleaved, best of several runs, since other work on a shared machine only slows a run)
and checked for hit@1 on the public questions.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]


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


def _rate(encoder, texts: list[str]) -> float:
    started = time.perf_counter()
    encoder.encode(texts, batch_size=32)
    return len(texts) / (time.perf_counter() - started)


class _Quantised:
    """The packaged encoder with its Linear layers quantised to int8 (weights; activations at run time)."""

    def __init__(self, encoder) -> None:
        import torch

        self.name, self.dimension = encoder.name, encoder.dimension
        self._encoder = encoder
        self._model = torch.ao.quantization.quantize_dynamic(encoder._model, {torch.nn.Linear}, dtype=torch.qint8)

    def encode(self, texts, *, batch_size: int = 32) -> np.ndarray:
        vectors = self._model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)


def measure(corpus: Path, questions: Path, work: Path, *, quick: bool = False) -> dict:
    """Return the bound, fp32 and int8 rates, and hit@1 with each; "text" holds the printed summary."""
    import torch

    from embeddings.encoder import load_encoder
    from qa import ReportIndex
    from qa.evaluation import evaluate, load_questions
    from qa.retrieval.building import embedding_input
    from qa.ingest.reports import read_corpus

    reports, _ = read_corpus(corpus)
    texts = [embedding_input(r.info, p) for r in reports for p in r.passages]
    fp32 = load_encoder("m3e-small")
    tokenizer = fp32._model.tokenizer
    limit = fp32.max_seq_length
    counts = [min(len(tokenizer(text)["input_ids"]), limit) for text in texts]
    config = json.loads((Path(fp32.location) / "config.json").read_text(encoding="utf-8"))
    flops = flops_per_passage(config, counts)
    gflops = matmul_gflops()
    int8 = _Quantised(load_encoder("m3e-small"))
    rates: dict[str, list[float]] = {"fp32": [], "int8": []}
    for _ in range(1 if quick else 3):
        rates["fp32"].append(_rate(fp32, texts))
        rates["int8"].append(_rate(int8, texts))
    similarity = float(np.mean(np.sum(fp32.encode(texts[:64]) * int8.encode(texts[:64]), axis=1)))
    gold = load_questions(questions)
    hits = {}
    for label, encoder in (("fp32", fp32), ("int8", int8)):
        index = ReportIndex.build(corpus, work / label, encoder=encoder)
        hits[label] = evaluate(index, gold, answers=False).hit_at_1
    best = {label: max(values) for label, values in rates.items()}
    result = {
        "passages": len(texts), "mean_tokens": float(np.mean(counts)), "gflop_per_passage": flops / 1e9,
        "numpy_fp32_gflops": gflops, "bound_passages_per_s": gflops * 1e9 / flops, "torch_threads": torch.get_num_threads(),
        "fp32_passages_per_s": best["fp32"], "int8_passages_per_s": best["int8"], "speedup": best["int8"] / best["fp32"],
        "fp32_int8_cosine": similarity, "hit_at_1_fp32": hits["fp32"], "hit_at_1_int8": hits["int8"],
        "fp32_runs": rates["fp32"], "int8_runs": rates["int8"],
    }
    result["text"] = (
        f"{len(texts)} passages, mean {result['mean_tokens']:.0f} tokens (max_seq_length {limit}): "
        f"{result['gflop_per_passage']:.2f} GFLOP/passage; numpy fp32 matmul {gflops:.1f} GFLOP/s "
        f"-> bound {result['bound_passages_per_s']:.1f} passages/s\n"
        f"fp32 {best['fp32']:.1f} passages/s ({best['fp32'] / result['bound_passages_per_s']:.0%} of bound), "
        f"int8 dynamic {best['int8']:.1f} passages/s = {result['speedup']:.2f}x; torch threads {torch.get_num_threads()}; "
        f"runs fp32 {[round(x, 1) for x in rates['fp32']]} int8 {[round(x, 1) for x in rates['int8']]}\n"
        f"mean cosine(fp32, int8) {similarity:.4f}; hit@1 fp32 {hits['fp32']:.3f}, int8 {hits['int8']:.3f}"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parent / "corpus")
    parser.add_argument("--questions", type=Path, default=HERE.parent / "tests" / "data" / "questions.jsonl")
    parser.add_argument("--work", type=Path, default=Path("/tmp/report-qa-bench/embed"))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(measure(args.corpus, args.questions, args.work, quick=args.quick)["text"])


if __name__ == "__main__":
    main()
