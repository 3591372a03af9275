"""What the console reads of the sign-in through OpenID Connect."""

from __future__ import annotations

from pydantic import BaseModel, Field


class OidcInfo(BaseModel):
    configured: bool = Field(description="Whether sign-in through OpenID Connect is offered.")
    name: str | None = Field(default=None, description="The provider's name, for the button.")
    login_url: str | None = Field(
        default=None, description="Where the button leads; add `?next=` (a path of this site)."
    )
