"""The campaign's form: checking field definitions, and validating observation properties.

A campaign's fields are compiled once into a ``PropertiesValidator`` (a list of small check
functions), so validating a batch of 1,000 observations is a tight loop with no schema lookups.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app.campaigns import field_types
from app.campaigns.form_logic import FormLogic, check_logic
from app.campaigns.schemas import FieldSpec
from app.errors import FieldError, pointer

# Names the API itself puts in an observation's properties, or that GeoJSON tools rely on.
RESERVED_NAMES = frozenset(
    {
        "id", "type", "geometry", "properties", "bbox", "status", "version", "observed_at",
        "created_at", "updated_at", "accuracy_m", "quality_score", "quality_issues", "campaign",
        "created_by", "author", "change_seq", "withdrawn_at", "duplicate_of", "links",
        "confirmations", "form_version", "target",
    }
)  # fmt: skip
# Output-only members: a client that sends back a Feature it read has them ignored.
READ_ONLY_NAMES = frozenset(
    {"status", "version", "created_at", "updated_at", "campaign", "quality_score",
     "quality_issues", "withdrawn_at", "duplicate_of", "author", "confirmations",
     "form_version"}
)  # fmt: skip
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

# A check returns its error, or for a repeat the list of its instances' errors.
Check = Callable[[Any, str], FieldError | list[FieldError] | None]


def check_field_specs(fields: Sequence[FieldSpec]) -> list[FieldError]:
    """Errors in a campaign's field definitions, each located at /fields/N/..."""
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, spec in enumerate(fields):
        path = pointer("fields", index)
        errors.extend(name_errors(spec, path, seen))
        if spec.type not in KNOWN_TYPES:
            errors.append(FieldError(path + "/type", "unsupported_field_type", {"type": spec.type}))
        else:
            errors.extend(field_types.spec_errors(spec, path, KNOWN_TYPES))
        if spec.type == "choice" and not spec.choices:
            errors.append(FieldError(path + "/choices", "required"))
    if not errors:
        errors.extend(check_logic(fields, _check_default))
    return errors


def _check_default(spec: FieldSpec, value: Any, path: str) -> FieldError | None:
    """A field's default must be a value the field takes (calculate fields have none)."""
    if spec.type not in _CHECK_FACTORIES or spec.type == "calculate":
        return FieldError(path, "unknown_member", {"name": "default"})
    found = _CHECK_FACTORIES[spec.type](spec)(value, path)
    if isinstance(found, list):
        return found[0] if found else None
    return found


def name_errors(spec: FieldSpec, path: str, seen: set[str]) -> list[FieldError]:
    """The name's errors (reserved, malformed, used twice among ``seen``); adds it to seen."""
    errors: list[FieldError] = []
    if spec.name in RESERVED_NAMES:
        errors.append(FieldError(path + "/name", "reserved_field_name", {"name": spec.name}))
    elif not _FIELD_NAME.match(spec.name):
        errors.append(FieldError(path + "/name", "invalid_field_name", {"name": spec.name}))
    elif spec.name in seen:
        errors.append(FieldError(path + "/name", "duplicate_field_name", {"name": spec.name}))
    seen.add(spec.name)
    return errors


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
            dict: "object"}.get(type(value), type(value).__name__)  # fmt: skip


def _wrong(path: str, expected: str, value: Any) -> FieldError:
    return FieldError(path, "wrong_type", {"expected": expected, "got": type_name(value)})


def _bounds(spec: FieldSpec, value: float, path: str) -> FieldError | None:
    if spec.minimum is not None and value < spec.minimum:
        return FieldError(path, "below_minimum", {"value": value, "minimum": spec.minimum})
    if spec.maximum is not None and value > spec.maximum:
        return FieldError(path, "above_maximum", {"value": value, "maximum": spec.maximum})
    return None


def _text_check(spec: FieldSpec) -> Check:
    def check(value: Any, path: str) -> FieldError | None:
        if not isinstance(value, str):
            return _wrong(path, "string", value)
        if spec.min_length is not None and len(value) < spec.min_length:
            return FieldError(path, "too_short", {"minimum": spec.min_length, "length": len(value)})
        if spec.max_length is not None and len(value) > spec.max_length:
            return FieldError(path, "too_long", {"maximum": spec.max_length, "length": len(value)})
        return None

    return check


def _integer_check(spec: FieldSpec) -> Check:
    def check(value: Any, path: str) -> FieldError | None:
        integral = isinstance(value, float) and value.is_integer()
        if isinstance(value, bool) or not (isinstance(value, int) or integral):
            return _wrong(path, "integer", value)
        return _bounds(spec, value, path)

    return check


def _number_check(spec: FieldSpec) -> Check:
    def check(value: Any, path: str) -> FieldError | None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            return _wrong(path, "number", value)
        return _bounds(spec, value, path)

    return check


def _boolean_check(spec: FieldSpec) -> Check:
    def check(value: Any, path: str) -> FieldError | None:
        return None if isinstance(value, bool) else _wrong(path, "boolean", value)

    return check


def parse_date(value: str) -> date | None:
    if not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _date_check(spec: FieldSpec) -> Check:
    def check(value: Any, path: str) -> FieldError | None:
        if not isinstance(value, str):
            return _wrong(path, "date string", value)
        parsed = parse_date(value)
        if parsed is None:
            return FieldError(path, "invalid_date", {"value": value})
        if spec.min_date and parsed < spec.min_date:
            return FieldError(path, "below_minimum", {"value": value, "minimum": spec.min_date})
        if spec.max_date and parsed > spec.max_date:
            return FieldError(path, "above_maximum", {"value": value, "maximum": spec.max_date})
        return None

    return check


def _choice_check(spec: FieldSpec) -> Check:
    values = [choice.value for choice in spec.choices or []]
    allowed = frozenset(values)
    listed = ", ".join(values)

    def one(value: Any, path: str) -> FieldError | None:
        if not isinstance(value, str):
            return _wrong(path, "string", value)
        if value not in allowed:
            return FieldError(path, "not_a_choice", {"value": value, "choices": listed})
        return None

    def many(value: Any, path: str) -> FieldError | None:
        if not isinstance(value, list):
            return _wrong(path, "array", value)
        for index, item in enumerate(value):
            error = one(item, f"{path}/{index}")
            if error is None and item in value[:index]:
                error = FieldError(f"{path}/{index}", "duplicate_choice", {"value": item})
            if error:
                return error
        return None

    return many if spec.multiple else one


def _calculate_check(spec: FieldSpec) -> Check:
    # Whatever the client sends is replaced by the server's calculation (form_logic.py).
    def check(value: Any, path: str) -> FieldError | None:
        return None

    return check


_CHECK_FACTORIES: dict[str, Callable[[FieldSpec], Check]] = {
    "text": _text_check,
    "integer": _integer_check,
    "number": _number_check,
    "boolean": _boolean_check,
    "date": _date_check,
    "choice": _choice_check,
    "calculate": _calculate_check,
    "photo": field_types.media_check,
    "audio": field_types.media_check,
    "geopoint": field_types.geopoint_check,
    "repeat": lambda spec: field_types.repeat_check(spec, _CHECK_FACTORIES),
}
# The types a form may use: those with a check, and those never given a value (note).
KNOWN_TYPES = frozenset(_CHECK_FACTORIES) | field_types.VALUELESS_TYPES


def parse_observed_at(value: Any, path: str) -> tuple[datetime | None, FieldError | None]:
    if value is None:
        return None, None
    if not isinstance(value, str) or not _RFC3339.match(value):
        return None, FieldError(path, "invalid_datetime", {"value": value})
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
    except ValueError:
        return None, FieldError(path, "invalid_datetime", {"value": value})
    return parsed.astimezone(UTC), None


def parse_accuracy(value: Any, path: str) -> tuple[float | None, FieldError | None]:
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None, _wrong(path, "number", value)
    if value < 0:
        return None, FieldError(path, "below_minimum", {"value": value, "minimum": 0})
    return float(value), None


@dataclass(slots=True)
class CleanProperties:
    values: dict[str, Any]
    observed_at: datetime | None
    accuracy_m: float | None


class PropertiesValidator:
    """Validates an observation's properties against the campaign's fields."""

    def __init__(self, fields: Sequence[FieldSpec]) -> None:
        fields = [spec for spec in fields if spec.type not in field_types.VALUELESS_TYPES]
        self.checks = [
            (spec.name, field_types.is_required(spec), _CHECK_FACTORIES[spec.type](spec))
            for spec in fields
        ]
        self.names = frozenset(spec.name for spec in fields)
        # 3.0 is a valid integer in JSON; it is stored as 3.
        self.integer_names = frozenset(spec.name for spec in fields if spec.type == "integer")
        # relevant, required_if, constraint, calculation: compiled once too (form_logic.py).
        self.logic = FormLogic.compile(fields)
        self.conditional = self.logic.conditional if self.logic else frozenset()

    def validate(
        self, properties: dict[str, Any], path: str
    ) -> tuple[CleanProperties | None, list[FieldError]]:
        errors: list[FieldError] = []
        observed_at, error = parse_observed_at(properties.get("observed_at"), path + "/observed_at")
        errors.extend([error] if error else [])
        accuracy, error = parse_accuracy(properties.get("accuracy_m"), path + "/accuracy_m")
        errors.extend([error] if error else [])
        values: dict[str, Any] = {}
        for name, required, check in self.checks:
            value = properties.get(name)
            if value is None:
                if required and name not in self.conditional:
                    errors.append(FieldError(f"{path}/{name}", "required"))
                continue
            found = check(value, f"{path}/{name}")
            if found:
                errors.extend(found if isinstance(found, list) else [found])
            else:
                values[name] = int(value) if name in self.integer_names else value
        if self.logic:
            values, errors = self.logic.apply(values, errors, path, properties)
        errors.extend(self._unknown(properties, path))
        if errors:
            return None, errors
        return CleanProperties(values, observed_at, accuracy), []

    def _unknown(self, properties: dict[str, Any], path: str) -> list[FieldError]:
        extra = properties.keys() - self.names - READ_ONLY_NAMES - {"observed_at", "accuracy_m"}
        return [
            FieldError(path + pointer(name), "unknown_member", {"name": name})
            for name in sorted(extra)
        ]
