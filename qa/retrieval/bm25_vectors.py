"""BM25 as sparse vectors, so any engine with a sparse inner product ranks exactly like the local index.

A passage becomes {token id: saturated term frequency with length normalisation} and a
question {token id: IDF}; their inner product is the passage's BM25 score as
qa.retrieval.lexical.LexicalIndex computes it (bm25s, Lucene variant, k1 and b as there).
The statistics (vocabulary, IDF, average length) stay with the client: a remote engine
never has to keep BM25 statistics itself, so its segments and inserts cannot change a ranking.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.errors import IndexLoadError

FORMAT_VERSION = 1
BM25_VECTORS = "bm25_vectors.json"  # the file in an index generation
# LexicalIndex.build's defaults; a test checks the scores equal LexicalIndex.scores.
K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Bm25Statistics:
    """What a client needs to turn passages and questions into BM25 sparse vectors.

    Attributes:
        vocabulary: token -> dimension of the sparse vectors.
        idf: IDF of each dimension, ln(1 + (N - df + 0.5) / (df + 0.5)) as bm25s computes it.
        average_length: mean token count of a passage.
        documents: number of passages the statistics were taken from.
        k1, b: saturation and length normalisation, as in LexicalIndex.
    """

    vocabulary: dict[str, int]
    idf: tuple[float, ...]
    average_length: float
    documents: int
    k1: float = K1
    b: float = B

    @classmethod
    def from_tokens(cls, token_lists: Sequence[Sequence[str]], *, k1: float = K1, b: float = B) -> Bm25Statistics:
        """Count document frequencies over every passage's tokens.

        Raises:
            ValueError: no passages, or no tokens at all.
        """
        if not token_lists:
            raise ValueError("token_lists is empty; BM25 statistics need at least one passage.")
        vocabulary: dict[str, int] = {}
        frequencies: list[int] = []
        for tokens in token_lists:
            for token in dict.fromkeys(tokens):  # first-seen order: the same file on every run
                if token not in vocabulary:
                    vocabulary[token] = len(vocabulary)
                    frequencies.append(0)
                frequencies[vocabulary[token]] += 1
        if not vocabulary:
            raise ValueError("token_lists holds no tokens at all; tokenise the passages' text first.")
        n = len(token_lists)
        idf = tuple(math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in frequencies)
        average = sum(len(tokens) for tokens in token_lists) / n
        return cls(vocabulary, idf, average, n, k1, b)

    def passage_vector(self, tokens: Sequence[str]) -> dict[int, float]:
        """Return a passage's side: tf / (tf + k1 * (1 - b + b * length / average)) per known token."""
        if not tokens:
            return {}
        norm = self.k1 * (1 - self.b + self.b * len(tokens) / self.average_length)
        return {
            self.vocabulary[token]: tf / (tf + norm) for token, tf in Counter(tokens).items() if token in self.vocabulary
        }

    def question_vector(self, tokens: Sequence[str]) -> dict[int, float]:
        """Return a question's side: the IDF of each distinct known token (repeats count once, as locally)."""
        return {self.vocabulary[t]: self.idf[self.vocabulary[t]] for t in dict.fromkeys(tokens) if t in self.vocabulary}

    def save(self, path: Path) -> None:
        """Write the statistics as one JSON file (no pickle)."""
        record = {
            "format": FORMAT_VERSION,
            "k1": self.k1,
            "b": self.b,
            "documents": self.documents,
            "average_length": self.average_length,
            "tokens": sorted(self.vocabulary, key=self.vocabulary.__getitem__),
            "idf": list(self.idf),
        }
        Path(path).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Bm25Statistics:
        """Read statistics written by save().

        Raises:
            IndexLoadError: the file is missing, damaged or of another format.
        """
        try:
            record = json.loads(Path(path).read_text(encoding="utf-8"))
            if record["format"] != FORMAT_VERSION:
                raise ValueError(f"format {record['format']!r}, this version reads {FORMAT_VERSION}")
            tokens, idf = record["tokens"], tuple(float(v) for v in record["idf"])
            if len(tokens) != len(idf):
                raise ValueError(f"{len(tokens)} tokens but {len(idf)} IDF values")
            return cls(
                {token: i for i, token in enumerate(tokens)}, idf, float(record["average_length"]),
                int(record["documents"]), float(record["k1"]), float(record["b"]),
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise IndexLoadError(f"{path}: BM25 statistics cannot be read ({error}); rebuild the index.") from error
