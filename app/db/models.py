"""Imports every model so that Base.metadata knows all tables (Alembic, tests)."""

from app.auth.models import ApiToken, User
from app.campaigns.models import Campaign
from app.db.base import Base
from app.observations.models import Observation, ObservationVersion

__all__ = ["ApiToken", "Base", "Campaign", "Observation", "ObservationVersion", "User"]
