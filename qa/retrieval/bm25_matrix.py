"""BM25 scores of every (passage, token) pair as bm25s stores them, built from compact arrays in blocks.

bm25s builds its score matrix from Python lists of token ids and sorts every pair at once:
at 1.75 M passages (170 M tokens) its temporaries alone take several gigabytes. This gives
the same arrays (bm25s's "lucene" BM25: the same formula, in the same floating-point
operations, checked against bm25s in tests/test_lexical.py) holding only the token ids
(4 bytes each), the result and one block of passages at a time.
"""
from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

BLOCK_TOKENS = 1 << 20  # tokens per block of passages (under 100 MB of temporaries)


def score_matrix(ids: np.ndarray, lengths: np.ndarray, vocabulary_size: int, k1: float, b: float) -> dict:
    """Return bm25s's scores dict {"data", "indices", "indptr", "num_docs"} (a CSC matrix, passages by token).

    Args:
        ids: int32 token ids of every passage, one passage after another.
        lengths: int64 number of tokens of each passage.
        vocabulary_size: the number of token ids (ids lie in [0, vocabulary_size)).
    """
    count = len(lengths)
    average = lengths.mean()  # as bm25s: numpy's mean of the lengths, a float64
    frequencies = np.zeros(vocabulary_size, dtype=np.int64)
    for _, _, tokens, _ in _pairs(ids, lengths, vocabulary_size):
        frequencies += np.bincount(tokens, minlength=vocabulary_size)
    # bm25s's lucene idf, worked out in Python floats and stored as float32.
    idf = np.array([math.log(1 + (count - df + 0.5) / (df + 0.5)) if df else 0.0 for df in frequencies.tolist()],
                   dtype=np.float32)
    indptr = np.zeros(vocabulary_size + 1, dtype=np.int64)
    np.cumsum(frequencies, out=indptr[1:])
    data = np.empty(int(indptr[-1]), dtype=np.float32)
    indices = np.empty(int(indptr[-1]), dtype=np.int32)
    cursor = indptr[:-1].copy()
    for first, passages, tokens, tf in _pairs(ids, lengths, vocabulary_size):
        # tf / (k1 * ((1 - b) + b * l_d / l_avg) + tf) with bm25s's types: a float64 per passage, float32 tf.
        length = lengths[first + passages].astype(np.float64)
        tf = tf.astype(np.float32)
        scores = (idf[tokens] * (tf / (k1 * ((1 - b) + b * length / average) + tf))).astype(np.float32)
        order = np.argsort(tokens, kind="stable")  # by token, passages ascending within a token
        tokens, passages, scores = tokens[order], passages[order], scores[order]
        starts = np.flatnonzero(np.r_[True, tokens[1:] != tokens[:-1]])
        rank = np.arange(len(tokens)) - np.repeat(starts, np.diff(np.r_[starts, len(tokens)]))
        places = cursor[tokens] + rank
        data[places] = scores
        indices[places] = first + passages
        cursor += np.bincount(tokens, minlength=vocabulary_size)
    return {"data": data, "indices": indices, "indptr": indptr, "num_docs": count}


def _pairs(ids: np.ndarray, lengths: np.ndarray, vocabulary_size: int) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Yield, per block of passages, (first passage, passage within the block, token, count) of each distinct pair."""
    ends = np.cumsum(lengths)
    first = 0
    while first < len(lengths):
        start = int(ends[first - 1]) if first else 0
        last = max(first + 1, int(np.searchsorted(ends, start + BLOCK_TOKENS, side="right")))
        block = lengths[first:last]
        passage = np.repeat(np.arange(len(block), dtype=np.int64), block)
        keys, counts = np.unique(passage * vocabulary_size + ids[start : int(ends[last - 1])], return_counts=True)
        yield first, keys // vocabulary_size, keys % vocabulary_size, counts
        first = last
