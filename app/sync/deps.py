"""Dependencies of the sync endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.sync.targets import TargetPolicy


def target_policy(request: Request) -> TargetPolicy:
    """Which webhook URLs this instance accepts (``RELEVE_WEBHOOK_ALLOWED_HOSTS``)."""
    return TargetPolicy.parse(request.app.state.settings.webhook_allowed_hosts)


TargetPolicyDep = Annotated[TargetPolicy, Depends(target_policy)]
