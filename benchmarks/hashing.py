"""A hashing encoder of m3e-small's dimension, so index, search and memory can be measured at a scale
the real model cannot embed in one session. Its vectors carry no meaning beyond shared character bigrams:
never report a ranking figure made with it as the real model's.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embeddings.encoder import check_texts

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


class HashingEncoder:
    """Hash character bigrams into signed buckets, vectorised with numpy (about 50k texts/s).

    Attributes:
        name: recorded in the index manifest, so an index built with it never loads with the real model.
        dimension: 512, the same as m3e-small, so vectors, FAISS stores and files have the real sizes.
    """

    name = "hash-bigram-512"
    dimension = 512

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Return one unit-length float32 row per text."""
        texts = check_texts(texts, batch_size)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            codes = np.frombuffer((text or " ").encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
            grams = codes[:-1] * np.uint64(1_000_003) + codes[1:] if len(codes) > 1 else codes
            hashed = grams * _MULTIPLIER
            buckets = (hashed >> np.uint64(40)) % np.uint64(self.dimension)
            signs = np.where((hashed >> np.uint64(20)) & np.uint64(1), 1.0, -1.0)
            vector = np.bincount(buckets.astype(np.int64), weights=signs, minlength=self.dimension)
            norm = np.linalg.norm(vector)
            if norm == 0.0:  # every bigram cancelled out; any fixed unit vector will do
                vector[0], norm = 1.0, 1.0
            vectors[row] = vector / norm
        return vectors


class RenamedEncoder:
    """Present one encoder under another's name, to time real-model queries against a hash-built index.

    The ranking is then meaningless (query and passages live in different spaces), but the
    time and memory of encoding each query with the real model are real.
    """

    def __init__(self, encoder, name: str) -> None:
        self._encoder = encoder
        self.name = name
        self.dimension = encoder.dimension

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        return self._encoder.encode(texts, batch_size=batch_size)
