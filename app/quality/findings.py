"""What the rule engine works on and answers: candidates, compiled rules, findings, verdicts.

Score (documented in the README): 1.0 with no issue; each ``flag`` issue multiplies it by 0.5
and each ``info`` issue by 0.9. Blocking issues refuse the submission and are never stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# A blocking finding on an already stored observation (found by a recheck) counts as a flag.
SCORE_FACTORS = {"block": 0.5, "flag": 0.5, "info": 0.9}
LABEL_PROPERTIES = ("name", "nom", "label", "libelle", "ref", "code")


@dataclass(slots=True)
class Candidate:
    index: int
    id: uuid.UUID
    wkb: bytes
    values: dict[str, Any]
    accuracy_m: float | None
    observed_at: datetime | None
    created_at: datetime | None = None  # None: a new submission


@dataclass(slots=True)
class CompiledRule:
    name: str
    kind: str
    severity: str
    params: Any
    message: dict[str, str] | None
    layer_id: uuid.UUID | None = None
    layer_slug: str | None = None
    layer_title: str | None = None


@dataclass(slots=True)
class Finding:
    code: str | None
    figures: dict[str, Any] = field(default_factory=dict)
    related: list[dict[str, Any]] = field(default_factory=list)
    derived: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Verdict:
    """The engine's answer for one candidate."""

    issues: list[dict[str, Any]] = field(default_factory=list)
    blocking: list[dict[str, Any]] = field(default_factory=list)
    derived: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> float:
        score = 1.0
        for issue in self.issues:
            score *= SCORE_FACTORS.get(issue["severity"], 1.0)
        return round(score, 4)

    @property
    def status(self) -> str:
        return "flagged" if any(i["severity"] == "flag" for i in self.issues) else "pending"


def feature_label(feature_id: Any, properties: dict[str, Any] | None) -> str:
    """A human name for a reference feature: its name, or its address, or its number."""
    properties = properties or {}
    for name in LABEL_PROPERTIES:
        if properties.get(name):
            return str(properties[name])
    if properties.get("voie"):
        return f"{str(properties.get('numero') or '').lstrip('0')} {properties['voie']}".strip()
    return f"#{feature_id}"
