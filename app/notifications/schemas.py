from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EmailMode = Literal["off", "instant", "digest"]


class PreferenceIn(BaseModel):
    """E-mail off, at once or in a daily digest; push notifications on or off."""

    model_config = ConfigDict(extra="forbid")

    email: EmailMode
    push: bool


class CampaignPreferenceOut(BaseModel):
    slug: str
    email: EmailMode
    push: bool


class PreferencesOut(BaseModel):
    email: EmailMode
    push: bool
    # False for device accounts and accounts without a confirmed address: push only.
    email_available: bool
    campaigns: list[CampaignPreferenceOut]


class PushKeys(BaseModel):
    model_config = ConfigDict(extra="ignore")

    p256dh: str = Field(min_length=80, max_length=100, pattern=r"^[A-Za-z0-9_-]+=*$")
    auth: str = Field(min_length=16, max_length=32, pattern=r"^[A-Za-z0-9_-]+=*$")


class PushSubscriptionIn(BaseModel):
    """A browser's ``PushSubscription.toJSON()``."""

    model_config = ConfigDict(extra="ignore")

    endpoint: str = Field(max_length=2000, pattern=r"^https?://\S+$")
    keys: PushKeys


class PushSubscriptionOut(BaseModel):
    endpoint: str


class EndpointIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    endpoint: str = Field(max_length=2000)


class VapidKeyOut(BaseModel):
    # The applicationServerKey of pushManager.subscribe (base64url, uncompressed P-256 point).
    key: str


class CampaignAlertsIn(BaseModel):
    """Alerts to the campaign's owners and validators (each as their own preferences say):
    every new flagged contribution, and a review backlog over ``backlog_threshold``."""

    model_config = ConfigDict(extra="forbid")

    flagged: bool
    backlog_threshold: int | None = Field(default=None, ge=1, le=1_000_000)


class CampaignAlertsOut(BaseModel):
    flagged: bool
    backlog_threshold: int | None
