"""Consensus as on iNaturalist: the contributor counts as one agreeing vote."""

from __future__ import annotations

import pytest

from app.review.consensus import consensus


@pytest.mark.parametrize(
    ("votes", "quorum", "expected"),
    [
        ([], 3, ("pending", 1, 1)),
        (["agree"], 3, ("pending", 2, 2)),
        (["agree", "agree"], 3, ("validated", 3, 3)),
        (["disagree"], 3, ("needs_review", 1, 2)),
        (["disagree", "agree"], 3, ("needs_review", 2, 3)),  # 2 of 3 is not more than two thirds
        (["disagree", "agree", "agree"], 3, ("validated", 3, 4)),
        (["disagree", "disagree", "disagree"], 3, ("rejected", 1, 4)),
        (["disagree", "disagree"], 3, ("needs_review", 1, 3)),
        (["unsure", "unsure", "agree"], 3, ("pending", 2, 2)),
        (["agree"], 2, ("validated", 2, 2)),
    ],
)
def test_consensus(votes: list[str], quorum: int, expected: tuple[str, int, int]) -> None:
    assert consensus(votes, quorum, "pending") == expected
