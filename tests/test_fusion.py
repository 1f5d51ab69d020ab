import pytest

from qa.retrieval.fusion import reciprocal_rank_fusion


def test_agreement_wins_over_a_single_first_place():
    fused = reciprocal_rank_fusion([[1, 2, 3], [2, 3, 1]], [0.5, 0.5], k=60)
    assert [i for i, _ in fused] == [2, 1, 3]


def test_weights_tip_the_balance():
    fused = reciprocal_rank_fusion([[1, 2], [2, 1]], [0.9, 0.1], k=1)
    assert fused[0][0] == 1


def test_ids_in_one_ranking_only_still_count():
    fused = dict(reciprocal_rank_fusion([[7], []], [1.0, 1.0], k=0))
    assert fused == {7: 1.0}


def test_mismatched_weights_are_refused():
    with pytest.raises(ValueError, match="2 rankings but 1 weights"):
        reciprocal_rank_fusion([[1], [2]], [1.0])
