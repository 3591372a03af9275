"""Community consensus, as on iNaturalist: the contributor's own submission counts as one
agreeing vote; once at least ``review_quorum`` votes are in, more than two thirds agreeing
validates the observation and more than two thirds disagreeing rejects it. ``unsure`` votes
are recorded but do not count. Until then, an observation someone disagreed with needs review.
"""

from __future__ import annotations

from collections.abc import Iterable


def consensus(votes: Iterable[str], quorum: int, current: str) -> tuple[str, int, int]:
    """(new status, agreeing, counted) from the validators' votes and the campaign's quorum."""
    ballot = [vote for vote in votes if vote != "unsure"]
    agree = 1 + ballot.count("agree")  # the contributor agrees with their own observation
    disagree = ballot.count("disagree")
    counted = agree + disagree
    if counted >= quorum and 3 * agree > 2 * counted:
        return "validated", agree, counted
    if counted >= quorum and 3 * disagree > 2 * counted:
        return "rejected", agree, counted
    if disagree:
        return "needs_review", agree, counted
    return current, agree, counted
