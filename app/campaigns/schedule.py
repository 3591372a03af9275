"""A campaign's optional schedule within its "open" status: opening and closing dates.

Before ``opens_at`` an open campaign is announced (it is public, its form can be read) but
takes contributions only from its members, who try it as they would a draft. From
``closes_at`` on it takes none, with one allowance for people collecting without a network:
an observation made before the closing (its ``observed_at``) and sent within
``LATE_ALLOWANCE`` of it is still taken. The status stays the owner's to change; the dates
only narrow when "open" means open.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.campaigns.models import Campaign
from app.errors import Conflict, FieldError, ValidationFailed

LATE_ALLOWANCE = timedelta(hours=72)


def accepting(campaign: Campaign, now: datetime) -> bool:
    """Whether the campaign takes anyone's contributions now."""
    if campaign.status != "open":
        return False
    if campaign.opens_at is not None and now < campaign.opens_at:
        return False
    return campaign.closes_at is None or now < campaign.closes_at


def refusal(campaign: Campaign, now: datetime, member: bool) -> Conflict | None:
    """Why an open campaign refuses every contribution now, or None."""
    if campaign.opens_at is not None and now < campaign.opens_at and not member:
        return Conflict(
            "campaign_not_yet_open", slug=campaign.slug, opens_at=moment(campaign.opens_at)
        )
    if campaign.closes_at is not None and now >= campaign.closes_at + LATE_ALLOWANCE:
        return Conflict("campaign_ended", slug=campaign.slug, closes_at=moment(campaign.closes_at))
    return None


def late_error(
    campaign: Campaign, observed_at: datetime | None, now: datetime, path: str
) -> FieldError | None:
    """After the closing, within the allowance: an observation made after (or not dated) is
    refused alone, naming its ``observed_at``."""
    closes_at = campaign.closes_at
    if closes_at is None or now < closes_at:
        return None
    if observed_at is not None and observed_at < closes_at:
        return None
    return FieldError(
        f"{path}/properties/observed_at", "observed_after_closing", {"closes_at": moment(closes_at)}
    )


def check_order(opens_at: datetime | None, closes_at: datetime | None) -> None:
    """The closing comes after the opening (422 naming both members)."""
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        params = {"opens_at": moment(opens_at), "closes_at": moment(closes_at)}
        raise ValidationFailed([FieldError("/closes_at", "closes_before_opening", params)])


def moment(value: datetime) -> str:
    """A moment as messages state it: 2026-12-01 18:00 UTC."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
