"""Query parameters and OpenAPI examples for the observation endpoints.

Bodies are GeoJSON read with orjson and checked by ``geojson.py`` (precise JSON Pointer errors,
vectorised geometry work), so there is no pydantic model of a Feature on the hot path.
"""

from __future__ import annotations

import math
from typing import Any

from app.errors import FieldError, ValidationFailed

STATUSES = (
    "pending", "needs_review", "needs_info", "flagged", "validated", "rejected", "duplicate",
    "withdrawn",
)  # fmt: skip


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    try:
        numbers = tuple(float(part) for part in value.split(","))
    except ValueError:
        numbers = ()
    valid = len(numbers) == 4 and all(math.isfinite(n) for n in numbers)
    if not valid or numbers[0] > numbers[2] or numbers[1] > numbers[3]:
        raise ValidationFailed(
            [
                FieldError(
                    "/query/bbox",
                    "invalid_value",
                    {"reason": "expected minLon,minLat,maxLon,maxLat"},
                )
            ]
        )
    return numbers  # type: ignore[return-value]


def parse_statuses(value: str | None) -> list[str] | None:
    if not value:
        return None
    statuses = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [status for status in statuses if status not in STATUSES]
    if unknown:
        reason = f"unknown status {', '.join(unknown)} (known: {', '.join(STATUSES)})"
        raise ValidationFailed([FieldError("/query/status", "invalid_value", {"reason": reason})])
    return statuses


_FEATURE: dict[str, Any] = {
    "type": "Feature",
    "id": "0b5e8f5e-6f0c-4a7e-9a51-6a3f8d1c2b10",
    "geometry": {"type": "Point", "coordinates": [1.4442, 43.6045]},
    "properties": {"observed_at": "2026-05-01T10:15:00+02:00", "accuracy_m": 4.5},
}
FEATURE_EXAMPLE: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/geo+json": {"schema": {"type": "object"}, "example": _FEATURE}},
    }
}
BATCH_EXAMPLE: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/geo+json": {
                "schema": {"type": "object"},
                "example": {"type": "FeatureCollection", "features": [_FEATURE]},
            }
        },
    }
}
