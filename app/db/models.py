"""Imports every model so that Base.metadata knows all tables (Alembic, tests)."""

from app.auth.models import AccountToken, ApiToken, RecoveryCode, User
from app.auth.oidc_models import OidcLogin, UserIdentity
from app.campaigns.models import Campaign, CampaignMember
from app.db.base import Base
from app.invitations.models import Invitation
from app.media.models import Media
from app.notifications.models import (
    BacklogAlert,
    CampaignAlerts,
    InstanceSecret,
    Notification,
    NotificationDigest,
    NotificationPreference,
    OutgoingEmail,
    PushSubscription,
)
from app.observations.models import Observation, ObservationVersion
from app.organisations.models import Organisation, OrganisationMember
from app.quality.models import QualityRule, ReferenceFeature, ReferenceLayer
from app.review.community_models import Confirmation, Follower, ReviewSkip
from app.review.models import (
    ObservationEvent,
    Outcome,
    RateCounter,
    Review,
    Webhook,
    WebhookDelivery,
)
from app.search.models import PlaceName
from app.targets.models import Target

__all__ = [
    "AccountToken",
    "ApiToken",
    "BacklogAlert",
    "Base",
    "Campaign",
    "CampaignAlerts",
    "CampaignMember",
    "Confirmation",
    "Follower",
    "InstanceSecret",
    "Invitation",
    "Media",
    "Notification",
    "NotificationDigest",
    "NotificationPreference",
    "Observation",
    "ObservationEvent",
    "ObservationVersion",
    "OidcLogin",
    "Organisation",
    "OrganisationMember",
    "Outcome",
    "OutgoingEmail",
    "PlaceName",
    "PushSubscription",
    "QualityRule",
    "RateCounter",
    "RecoveryCode",
    "ReferenceFeature",
    "ReferenceLayer",
    "Review",
    "ReviewSkip",
    "Target",
    "User",
    "UserIdentity",
    "Webhook",
    "WebhookDelivery",
]
