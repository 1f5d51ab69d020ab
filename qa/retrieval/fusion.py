"""Fuse the lexical and dense rankings into one.

Reciprocal-rank fusion is used because BM25 scores and cosine similarities live on
different scales; ranks don't, so no per-corpus score normalisation has to be tuned.
"""
from __future__ import annotations

from typing import Sequence


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], weights: Sequence[float], *, k: int = 60
) -> list[tuple[int, float]]:
    """Combine rankings of passage ids, best first, into one ranking.

    Args:
        rankings: each a list of passage ids, best first.
        weights: one weight per ranking.
        k: the RRF constant; a passage at rank r adds weight / (k + r + 1).

    Returns:
        (passage id, fused score) pairs, best first; ties keep the first ranking's order.
    """
    if len(rankings) != len(weights):
        raise ValueError(f"got {len(rankings)} rankings but {len(weights)} weights; give one weight per ranking")
    scores: dict[int, float] = {}
    first_seen: dict[int, int] = {}
    order = 0
    for ranking, weight in zip(rankings, weights):
        for rank, passage_id in enumerate(ranking):
            scores[passage_id] = scores.get(passage_id, 0.0) + weight / (k + rank + 1)
            if passage_id not in first_seen:
                first_seen[passage_id] = order
                order += 1
    return sorted(scores.items(), key=lambda item: (-item[1], first_seen[item[0]]))
