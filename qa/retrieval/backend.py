"""The two searches the index needs, as small interfaces, and the local (FAISS + mapped vectors) dense one.

ReportIndex ranks through these only, so another backend (a Milvus collection, say) can
stand in by providing the same two methods: BM25 scores for a question's tokens, and a
dense ranking limited, or not, to some passages.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np

from embeddings.store import VectorStore

from qa.retrieval.file_rows import FileRows


class LexicalSearch(Protocol):
    """BM25 over passages whose ids are their positions (qa.retrieval.lexical.LexicalIndex)."""

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """Return the BM25 score of every passage, float32 of shape (passages,)."""
        ...

    def query(self, query_tokens: list[str]):
        """Return the scores of scores() worked out on demand, to hand to top() (only those of the allowed ids when given)."""
        ...

    def top(self, scores: np.ndarray, k: int, *, allowed_ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Return (scores, ids) of the k best passages with a positive score, best first, ties by lower id."""
        ...


class DenseSearch(Protocol):
    """Passages ranked by cosine similarity to a question's unit vector."""

    def ranking(self, vector: np.ndarray, n: int, allowed: np.ndarray | None) -> list[int]:
        """Return the ids of the n most similar passages, best first; only `allowed` ones when given."""
        ...


# A scope of more passages than this is searched in an approximate store, not scored exactly: the exact
# way reads every row of the scope (a gigabyte for a year's reports at 100,000 reports).
EXACT_AT_MOST = 20_000


class LocalDense:
    """A FAISS store for the whole collection; the exact vectors, memory-mapped, for subsets and rescoring.

    An approximate store hands `rescore` times n candidates, ranked again exactly, so the
    ranking equals exact search whenever the true top n are among the candidates. Those rows
    are read from the file (qa.retrieval.file_rows), not through the mapping, so they leave no
    pages resident in the process; `vectors` may offer rows(ids) itself (segment_view.StackedVectors).
    """

    def __init__(self, vectors: np.ndarray, store: VectorStore, *, rescore: int = 1) -> None:
        self._vectors = vectors
        self._rows = vectors.rows if hasattr(vectors, "rows") else FileRows(vectors).take
        self._store = store
        self._rescore = rescore

    def ranking(self, vector: np.ndarray, n: int, allowed: np.ndarray | None) -> list[int]:
        if allowed is not None and self._rescore > 1 and len(allowed) > EXACT_AT_MOST and hasattr(self._store, "search_among"):
            # A broad scope ("2023年…": every report of a year, 250,000 passages at 100,000 reports) is
            # searched in the approximate store among its passages, then its candidates ranked again exactly.
            allowed = np.asarray(allowed, dtype=np.int64)
            stored = allowed < len(self._store)
            _, ids = self._store.search_among(vector[None, :], n * self._rescore, allowed[stored])
            allowed = np.unique(np.concatenate([ids[0][ids[0] >= 0], allowed[~stored]]))  # a segment's are not in the store
        elif allowed is None:
            _, ids = self._store.search(vector[None, :], n * self._rescore)
            found = [int(i) for i in ids[0] if i >= 0]
            if self._rescore == 1:
                return found
            allowed = np.sort(np.asarray(found, dtype=np.int64))
        scores = np.asarray(self._rows(allowed), dtype=np.float32) @ vector
        top = np.argsort(-scores, kind="stable")[:n]
        return [int(allowed[i]) for i in top]
