"""Build-time work: what each passage is embedded and tokenised as, with caches for rebuilds, and writing it.

A rebuild hands in what the previous index already computed, keyed by the exact input
text, so only new or changed passages cost model time or tokeniser time.
"""
from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from embeddings.encoder import Encoder
from embeddings.store import make_store

from qa.ingest.metadata import METADATA_VERSION
from qa.config import IndexConfig
from qa.model import Passage, Report, ReportInfo
from qa.retrieval import names, records, storage
from qa.retrieval.lexical import LexicalIndex
from qa.retrieval.tokenize import Tokenizer

# Words that mark a plan section ("四、2025年主要工作安排") or a question about plans.
PLAN_WORDS = re.compile(r"计划|安排|打算|思路|下一步|今后")
# Files of a generation besides the lexical and dense folders; load refuses one without a hash.
VECTORS, PLAN = "vectors.npy", "plan.npy"
REQUIRED_FILES = (*records.FILES, VECTORS, PLAN, names.TABLE)
Progress = Callable[[float, str], None]
Pair = tuple[ReportInfo, Passage]
# Passages per encode() call (one progress step) and per forward pass: on a CPU, padding a
# short text to the longest of its batch is the main waste (batch 8 runs 1.6x faster than 64 here).
EMBED_CHUNK = 128
EMBED_BATCH = 8


def embedding_input(info: ReportInfo, passage: Passage) -> str:
    """Return the text embedded for a passage: its report and section give it context."""
    return f"{info.name}｜{' '.join(passage.section)}｜{passage.text}"


def lexical_input(info: ReportInfo, passage: Passage) -> str:
    """Return the text tokenised for BM25: the passage with its section headings."""
    return f"{' '.join(passage.section)} {passage.text}"


def vector_key(text: str, model: str) -> str:
    """Return the cache key of an embedding: the same text under another model is another vector."""
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()


def embed_passages(
    pairs: Sequence[Pair], encoder: Encoder, cache: Mapping[str, np.ndarray], progress: Progress
) -> np.ndarray:
    """Embed passages shortest first, taking vectors from `cache` (by vector_key) where present.

    Returns:
        float32 array, one unit-length row per passage, in the order given.
    """
    texts = [embedding_input(info, p) for info, p in pairs]
    vectors = np.zeros((len(texts), encoder.dimension), dtype=np.float32)
    todo = []
    for i, text in enumerate(texts):
        row = cache.get(vector_key(text, encoder.name))
        if row is None:
            todo.append(i)
        else:
            vectors[i] = row
    todo.sort(key=lambda i: len(texts[i]))
    for done in range(0, len(todo), EMBED_CHUNK):
        chunk = todo[done : done + EMBED_CHUNK]
        vectors[chunk] = encoder.encode([texts[i] for i in chunk], batch_size=EMBED_BATCH)
        progress(0.05 + 0.85 * (done + len(chunk)) / len(todo), f"embedded {done + len(chunk)}/{len(todo)} passages")
    return vectors


def tokenize_passages(
    pairs: Sequence[Pair], tokenizer: Tokenizer, cache: Mapping[str, list[str]], changed_words: set[str]
) -> list[list[str]]:
    """Tokenise passages for BM25, taking tokens from `cache` (by lexical_input) where they cannot differ.

    Tokens depend on the user dictionary too: a passage holding a word that was added to
    or removed from it since the cache was made is tokenised again.
    """
    # Interned, a token repeated across a million passages is one string: lists of pointers stay small.
    # Each passage's text is made when its turn comes: all at once held 470 bytes a passage (0.8 GB at 1.75 M).
    return [
        cache[text] if text in cache and not any(word in text for word in changed_words)
        else [sys.intern(token) for token in tokenizer.tokens(text)]
        for text in (lexical_input(info, p) for info, p in pairs)
    ]


def dense_store(config: IndexConfig, passages: int) -> tuple[str, dict]:
    """Return the vector store kind and its params for an index of this many passages (exact up to approximate_above)."""
    if passages <= config.approximate_above:
        return "flat", {}
    # About 4 * sqrt(n) clusters, in multiples of 64, half of them scanned (README "Performance": recall on real vectors).
    nlist = max(64, round(4 * passages ** 0.5 / 64) * 64)
    return "ivf-rabitq", {"nlist": nlist, "nprobe": nlist // 2}


def write_generation(
    folder: Path, config: IndexConfig, encoder: Encoder, parsed: Sequence[Report], vectors: np.ndarray,
    tokens: list[list[str]], user_words: list[str], publish: Callable[[Path], dict] | None = None,
    stats: Mapping[str, Sequence[int]] | None = None, frequencies: list[int] | None = None,
) -> tuple[Path, dict]:
    """Index passages (BM25, vector store) into a new generation, seal it and make it current.

    Call it holding storage.writer_lock. `publish`, when given, writes the generation to a
    serving backend before it is sealed and returns the manifest entries that name it.
    `stats` are the report files' stats taken before reading (qa.retrieval.changes); `frequencies`
    the jieba frequency of each user word (Tokenizer.frequencies), so loading need not work them out.
    Returns the generation and its manifest.
    """
    passages = [p for report in parsed for p in report.passages]
    lexical = LexicalIndex.build(tokens)
    kind, params = dense_store(config, len(passages))
    store = make_store(kind, encoder.dimension, **params)
    store.add(vectors)
    generation = storage.new_generation(folder)
    records.write_corpus(generation, parsed, stats)
    plan = np.array([bool(PLAN_WORDS.search(" ".join(p.section))) for p in passages], dtype=bool)
    np.save(generation / PLAN, plan, allow_pickle=False)
    names.write_names(generation / names.TABLE, (report.text for report in parsed))
    storage.save_vectors(generation / VECTORS, vectors)
    records.write_tokens(generation / records.TOKENS, tokens)
    store.save(generation / "dense")
    lexical.save(generation / "lexical")
    manifest = {
        "format": storage.FORMAT_VERSION,
        "metadata": METADATA_VERSION,
        "config": config.to_dict(),
        "model": encoder.name,
        "encoder": getattr(encoder, "provenance", {"model": encoder.name}),
        "dimension": encoder.dimension,
        "normalised": True,
        "store": kind,
        "tokenizer": {"kind": "jieba", "user_words": user_words, **({"frequencies": frequencies} if frequencies else {})},
        "reports": len(parsed),
        "passages": len(passages),
    }
    if publish is not None:
        manifest.update(publish(generation))
    storage.commit_generation(folder, generation, manifest)
    return generation, manifest
