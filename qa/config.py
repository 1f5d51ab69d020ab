"""One typed object for every setting of an index; it is written into the manifest."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from embeddings.encoder import DEFAULT_MODEL, ONNX_INT8_SUFFIX

from qa.errors import QAError


@dataclass(frozen=True)
class IndexConfig:
    """Settings chosen at build time and kept with the index.

    Attributes:
        model: embedding model: a packaged name ("m3e-small"), a folder, or a hub name. The
            default, "m3e-small+onnx-int8", runs the ONNX export's dynamic int8 copy (per-channel
            weights) on ONNX Runtime: the fastest variant measured, and it moved no gold passage's
            rank on the public and both held-out sets (README, "Performance"). Where onnxruntime
            or the export is missing, the encoder falls back to PyTorch fp32 with a warning and the
            manifest says so. "m3e-small" is fp32 on either backend; "+int8" PyTorch int8.
        max_passage_chars: passages are cut at sentence ends to stay under this many characters.
        candidates: how many passages each retriever hands to fusion.
        rrf_k: the constant of reciprocal-rank fusion; larger flattens the rank curve.
        dense_weight: weight of the dense ranking in fusion (lexical gets 1 - dense_weight).
            Chosen on the public questions (README, "Figures"): BM25 carries the exact
            wording of figures, m3e-small adds recall for paraphrases; above 0.2 it
            starts to pull look-alike passages ahead.
        plan_section_weight: fused score multiplier for passages of a plan section (计划, 安排…)
            when the question does not ask about plans; measured on the held-out sets.
        approximate_above: passage count above which the vector store becomes IVF with 1-bit RaBitQ
            codes, half the clusters scanned ("ivf-rabitq", memory-mapped) instead of flat; below it
            search is exact. Indexes built before it was chosen hold "ivf-sq8" and still serve.
        nprobe: clusters an "ivf-sq8" store scans per question (only indexes built before "ivf-rabitq").
        rescore: an approximate store hands rescore * candidates passages, ranked again with the
            exact vectors, so its ranking equals exact search whenever the true ones are among them.
            100 (5,000 passages) was chosen on real m3e-small vectors (README, "Performance": the
            candidates recall@10 >= 0.99 needs grow with the index, about as its square root);
            "ivf-sq8" indexes keep the 4 they were built with.
        max_question_chars: longer questions are cut to this length so a query stays fast.
        segment_above: passage count of the index at or above which an update adds new and changed
            reports as a segment beside it (qa.retrieval.segments) instead of rewriting it whole.
        max_history: a conversation's earlier questions read for a follow-up: only the most
            recent this many count, each cut to max_question_chars, so a reply costs the same
            however long the conversation or its turns.
    """

    model: str = DEFAULT_MODEL + ONNX_INT8_SUFFIX
    max_passage_chars: int = 300
    candidates: int = 50
    rrf_k: int = 5
    dense_weight: float = 0.2
    plan_section_weight: float = 0.8
    approximate_above: int = 200_000
    nprobe: int = 64
    rescore: int = 100
    max_question_chars: int = 300
    max_history: int = 8
    segment_above: int = 50_000

    def __post_init__(self) -> None:
        if self.max_passage_chars < 50:
            raise QAError(f"max_passage_chars={self.max_passage_chars} is too small; use 50 or more (default 300).")
        if self.candidates < 1:
            raise QAError(f"candidates={self.candidates} must be at least 1 (default 50).")
        if not 0.0 < self.plan_section_weight <= 1.0:
            raise QAError(f"plan_section_weight={self.plan_section_weight} must lie in (0, 1] (default 0.8).")
        if not 0.0 <= self.dense_weight <= 1.0:
            raise QAError(f"dense_weight={self.dense_weight} must lie between 0 and 1 (default 0.2).")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "IndexConfig":
        """Build from a manifest's dict, ignoring keys this version does not know."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})
