"""BM25 keyword search over pre-tokenised passages, saved as a folder without pickle.

bm25s is given token ids and the vocabulary directly: its own splitter would turn a
Chinese clause into a single token. Scores for every passage come from one sparse
lookup per query token, so limiting a search to some reports is a cheap mask.
"""
from __future__ import annotations

import json
from array import array
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from qa.errors import IndexLoadError
from qa.retrieval.bm25_matrix import score_matrix
from qa.retrieval.file_rows import FileRows

MANIFEST_FILE = "lexical.json"
# Above this share of the documents, scores of some are taken from the scores of all (QueryScores.of).
FEW_SHARE = 1 / 16
FORMAT_VERSION = 1


class LexicalIndex:
    """Rank passages by BM25 over their tokens; built once, searched many times."""

    def __init__(self, bm25: bm25s.BM25, vocabulary: dict[str, int], count: int, avgdl: float | None = None) -> None:
        """Wrap a ready bm25s index; use build() or load() rather than calling this.

        Args:
            bm25: an indexed bm25s.BM25.
            vocabulary: token -> id as given to bm25s.
            count: number of documents indexed.
            avgdl: mean document length in tokens (None for an index saved without it), so a
                segment added later can be scored with this index's statistics.
        """
        self._bm25 = bm25
        # Postings are read from the files of a mapped index, not through the mappings: pages read through
        # a mapping stay in the process's RSS (617 MB of them after 162 questions at 100,000 reports).
        self._data, self._indices = FileRows(bm25.scores["data"]), FileRows(bm25.scores["indices"])
        self._indptr = np.array(bm25.scores["indptr"])  # one offset per token, in memory: 2 MB at 100,000 reports
        self._vocabulary = vocabulary
        self._count = count
        self.avgdl = avgdl

    @classmethod
    def build(cls, token_lists: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        """Index documents given as token lists; document ids are their positions.

        Args:
            token_lists: one list of tokens per document (see qa.retrieval.tokenize.Tokenizer).
            k1: term-frequency saturation; higher lets repeated words count more.
            b: length normalisation, 0 (none) to 1 (full).

        Returns:
            The index.

        Raises:
            ValueError: no documents, a token that is not a non-empty string, or k1/b out of range.
        """
        if len(token_lists) == 0:
            raise ValueError("token_lists is empty; a lexical index needs at least one document.")
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError(f"k1 of {k1} must be >= 0 and b of {b} must be within [0, 1].")
        vocabulary: dict[str, int] = {}
        ids, lengths = array("i"), array("q")  # 4 and 8 bytes an entry: a million passages' ids fit in memory
        for position, tokens in enumerate(token_lists):
            if isinstance(tokens, str):
                raise ValueError(f"token_lists[{position}] is a string; pass a list of tokens per document.")
            before = len(ids)
            for token in tokens:
                if not isinstance(token, str) or not token:
                    raise ValueError(f"token_lists[{position}] holds {token!r}; tokens must be non-empty strings.")
                ids.append(vocabulary.setdefault(token, len(vocabulary)))
            lengths.append(len(ids) - before)
        if not vocabulary:
            raise ValueError("token_lists holds no tokens at all; tokenise the passages' text first.")
        lengths_array = np.frombuffer(lengths, dtype=np.int64)
        bm25 = bm25s.BM25(k1=k1, b=b)
        # The arrays bm25s.BM25.index((ids, vocabulary)) makes, built in blocks (qa.retrieval.bm25_matrix).
        bm25.scores = score_matrix(np.frombuffer(ids, dtype=np.int32), lengths_array, len(vocabulary), k1, b)
        bm25.vocab_dict, bm25.unique_token_ids_set, bm25.nonoccurrence_array = vocabulary, set(vocabulary.values()), None
        return cls(bm25, vocabulary, len(lengths), float(lengths_array.mean()))

    def __len__(self) -> int:
        return self._count

    @property
    def vocabulary_size(self) -> int:
        return len(self._vocabulary)

    @property
    def parameters(self) -> tuple[float, float]:
        """Return (k1, b)."""
        return float(self._bm25.k1), float(self._bm25.b)

    def document_frequency(self, token: str) -> int:
        """Return how many documents hold the token (the length of its postings)."""
        i = self._vocabulary.get(token)
        if i is None:
            return 0
        return int(self._indptr[i + 1] - self._indptr[i])

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """Return the BM25 score of every document for the query, float32 of shape (len(self),).

        Args:
            query_tokens: the question's tokens; repeats count once, unknown tokens are ignored.
        """
        return self.query(query_tokens).full()

    def query(self, query_tokens: Sequence[str]) -> "QueryScores":
        """Return the query's BM25 scores worked out on demand: all of them, or only those of some documents."""
        if isinstance(query_tokens, str):
            raise TypeError("query_tokens is one string; pass the question's list of tokens.")
        ids = [self._vocabulary[token] for token in dict.fromkeys(query_tokens) if token in self._vocabulary]
        return QueryScores(self, ids)

    def search(
        self, query_tokens: Sequence[str], k: int, *, allowed_ids: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Find the k documents that best match the query tokens.

        Args:
            query_tokens: the question's tokens.
            k: most results to return.
            allowed_ids: if given, only these document ids compete (e.g. the passages of some reports).

        Returns:
            (scores, ids): float32 and int64 arrays, best first, ties by lower id; only
            documents with a positive score, so possibly fewer than k (empty for an empty query).

        Raises:
            ValueError: k below 1, or allowed_ids outside [0, len(self)).
        """
        return self.top(self.scores(query_tokens), k, allowed_ids=allowed_ids)

    def top(
        self, scores: np.ndarray, k: int, *, allowed_ids: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rank documents by scores from scores() or query(), so one query can be ranked within many subsets.

        Args, Returns and Raises as in search(), with `scores` in place of the query tokens.
        """
        if not isinstance(scores, QueryScores):
            return top_scores(scores, k, self._count, allowed_ids)
        if allowed_ids is None:
            return top_scores(scores.full(), k, self._count)
        check_k(k)
        candidates = allowed(allowed_ids, self._count)
        return ranked(scores.of(candidates), candidates, k)

    def save(self, folder: Path) -> None:
        """Write the index into folder: numpy arrays, vocabulary JSON, and lexical.json.

        Args:
            folder: destination; created if needed, earlier index files replaced.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(folder), allow_pickle=False, show_progress=False)
        manifest = {
            "format": FORMAT_VERSION,
            "documents": self._count,
            "vocabulary": len(self._vocabulary),
            "k1": self._bm25.k1,
            "b": self._bm25.b,
            "avgdl": self.avgdl,
            "bm25s_version": bm25s.__version__,
        }
        (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, *, mmap: bool = False) -> LexicalIndex:
        """Read an index written by save(), checking its files agree.

        Args:
            folder: the folder save() wrote.
            mmap: map the score arrays from disk instead of reading them: a large index then
                loads at once and only the postings a query touches are read into memory.

        Returns:
            The index, searching exactly as before saving.

        Raises:
            IndexLoadError: a file is missing or damaged, or the files disagree.
        """
        folder = Path(folder)
        manifest_path = folder / MANIFEST_FILE
        if not manifest_path.is_file():
            raise IndexLoadError(f"{manifest_path}: missing; the lexical index is incomplete. Rebuild the index.")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            count, vocabulary_size = int(manifest["documents"]), int(manifest["vocabulary"])
            format_version = manifest["format"]
        except (ValueError, KeyError, TypeError) as error:
            raise IndexLoadError(f"{manifest_path}: not a valid lexical manifest ({error}). Rebuild the index.") from error
        if format_version != FORMAT_VERSION:
            raise IndexLoadError(
                f"{manifest_path}: format {format_version!r}, this version reads {FORMAT_VERSION}. Rebuild the index."
            )
        try:
            bm25 = bm25s.BM25.load(str(folder), allow_pickle=False, show_progress=False, mmap=mmap)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise IndexLoadError(f"{folder}: bm25s cannot read the lexical index ({error}). Rebuild the index.") from error
        vocabulary = bm25.vocab_dict
        if (
            bm25.scores["num_docs"] != count
            or len(vocabulary) != vocabulary_size
            or len(bm25.scores["indptr"]) != vocabulary_size + 1
            or not _ids_are_a_range(bm25.unique_token_ids_set, vocabulary_size)
        ):
            raise IndexLoadError(
                f"{folder}: the bm25s files disagree with {MANIFEST_FILE} ({count} documents, {vocabulary_size} "
                f"tokens); they come from different builds. Rebuild the index."
            )
        avgdl = manifest.get("avgdl")
        return cls(bm25, vocabulary, count, float(avgdl) if isinstance(avgdl, (int, float)) else None)


def _ids_are_a_range(ids: set[int], size: int) -> bool:
    """Tell whether the token ids are exactly 0..size-1 (bm25s made the set while loading; sorting a
    million ids again cost a third of a second per load)."""
    return len(ids) == size and (size == 0 or (min(ids) == 0 and max(ids) == size - 1))


class QueryScores:
    """One query's BM25 scores, worked out for every document (full) or for a few (of).

    A question about one report needs the scores of its 17 passages, not of 1.75 M: of()
    reads each query token's postings (document ids, ascending: bm25_matrix and bm25s both
    write them so), finds the documents asked among them by binary search and reads only
    their scores. The sums are made token by token in the same order as full(), so they are
    the same floats.
    """

    def __init__(self, index: LexicalIndex, token_ids: list[int]) -> None:
        self._index, self._ids = index, token_ids
        self._full: np.ndarray | None = None
        self._documents: dict[int, np.ndarray] = {}

    def full(self) -> np.ndarray:
        """Return the score of every document, float32 of shape (len(index),); worked out once."""
        if self._full is None:
            index = self._index
            scores = np.zeros(len(index), dtype=np.float32)
            for i in self._ids:
                # A token's postings name each document once, so a plain indexed add is exact and, at 1.75 M
                # passages, many times faster than the np.add.at bm25s uses (same order of additions, same sums).
                start, end = int(index._indptr[i]), int(index._indptr[i + 1])
                scores[self._postings(i)] += index._data.range(start, end)
            self._full = scores
        return self._full

    def of(self, documents: np.ndarray) -> np.ndarray:
        """Return the scores of these documents (sorted, unique ids), float32, in their order."""
        if self._full is not None or len(documents) > FEW_SHARE * len(self._index):
            return self.full()[documents]
        scores = np.zeros(len(documents), dtype=np.float32)
        for i in self._ids:
            postings = self._postings(i)
            at = np.searchsorted(postings, documents)
            found = at < len(postings)
            found[found] = postings[at[found]] == documents[found]
            if found.any():
                scores[found] += self._index._data.take(at[found] + int(self._index._indptr[i]))
        return scores

    def _postings(self, i: int) -> np.ndarray:
        """Return the ids of the documents holding token i, read once per query."""
        if i not in self._documents:
            start, end = int(self._index._indptr[i]), int(self._index._indptr[i + 1])
            self._documents[i] = self._index._indices.range(start, end)
        return self._documents[i]


def check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k of {k!r} is not a positive integer; ask for at least 1 result.")


def allowed(allowed_ids: np.ndarray, count: int) -> np.ndarray:
    """Return the allowed ids sorted and without repeats, or raise ValueError when one lies outside [0, count)."""
    candidates = np.asarray(allowed_ids, dtype=np.int64)
    if not (candidates.ndim == 1 and np.all(candidates[1:] > candidates[:-1])):  # a scope's ids come sorted
        candidates = np.unique(candidates)
    if len(candidates) and (candidates[0] < 0 or candidates[-1] >= count):
        raise ValueError(f"allowed_ids must lie within [0, {count}); got {candidates[0]}..{candidates[-1]}.")
    return candidates


def top_scores(scores: np.ndarray, k: int, count: int, allowed_ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return (scores, ids) of the k best of `count` documents with a positive score, best first, ties by lower id.

    Raises:
        ValueError: k below 1, or allowed_ids outside [0, count).
    """
    check_k(k)
    if allowed_ids is None:
        return ranked(scores, None, k)
    candidates = allowed(allowed_ids, count)
    return ranked(scores[candidates], candidates, k)


def ranked(scores: np.ndarray, candidates: np.ndarray | None, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (scores, ids) of the k best positive scores, best first, ties by lower id.

    `scores` are those of `candidates` (sorted ids), or of ids 0..len(scores)-1 when None:
    no array of every id is made for a search over all of them.
    """
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:
        # Keep every document tied with the k-th best, so ties resolve by id, not by partition order.
        kth_best = np.partition(scores[positive], len(positive) - k)[len(positive) - k]
        positive = positive[scores[positive] >= kth_best]
    ids = positive if candidates is None else candidates[positive]
    order = np.lexsort((ids, -scores[positive]))[:k]
    return scores[positive[order]].astype(np.float32), ids[order]
