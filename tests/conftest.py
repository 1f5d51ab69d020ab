"""Shared test fixtures: a fake encoder so unit tests never load a real model."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from embeddings.encoder import check_texts


class FakeEncoder:
    """Hash character bigrams into a small vector: texts sharing bigrams come out similar.

    Deterministic across processes (hashlib, not hash()), so saved indexes reload identically.
    """

    name = "fake-bigram"
    dimension = 64

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        texts = check_texts(texts, batch_size)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            # A text too short for a bigram still gets a feature, so no row is all zeros.
            features = [text[i : i + 2] for i in range(len(text) - 1)] or [f"<{text}>"]
            for feature in features:
                digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self.dimension
                sign = 1.0 if digest[4] & 1 else -1.0
                vectors[row, bucket] += sign
            norm = np.linalg.norm(vectors[row])
            if norm == 0.0:  # every feature cancelled out; fall back to one fixed bucket
                vectors[row, 0], norm = 1.0, 1.0
            vectors[row] /= norm
        return vectors


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    """Return a fresh fake encoder (name "fake-bigram", dimension 64)."""
    return FakeEncoder()
