"""Imports every model so that Base.metadata knows all tables (Alembic, tests)."""

from app.auth.models import ApiToken, User
from app.campaigns.models import Campaign
from app.db.base import Base
from app.observations.models import Observation, ObservationVersion
from app.quality.models import QualityRule, ReferenceFeature, ReferenceLayer
from app.review.models import ObservationEvent

__all__ = [
    "ApiToken",
    "Base",
    "Campaign",
    "Observation",
    "ObservationEvent",
    "ObservationVersion",
    "QualityRule",
    "ReferenceFeature",
    "ReferenceLayer",
    "User",
]
