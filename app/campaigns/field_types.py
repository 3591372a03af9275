"""Checks of the newer question types: photo, audio, geopoint, note and repeat.

Each factory compiles a ``FieldSpec`` into a check ``(value, path) -> error(s) | None`` like those
of fields.py; a repeat's check returns the list of its children's errors (each at
``/properties/<repeat>/<index>/<child>``). Specs are checked for meaning by ``spec_errors``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection
from typing import Any

from app.campaigns.schemas import FieldSpec
from app.errors import FieldError

DIGEST = re.compile(r"^[0-9a-f]{64}$")
MEDIA_TYPES = frozenset({"photo", "audio"})
# Types that never hold a value: a value sent for one is an unknown member.
VALUELESS_TYPES = frozenset({"note"})

Result = FieldError | list[FieldError] | None
TypedCheck = Callable[[Any, str], Result]


def is_required(spec: FieldSpec) -> bool:
    """Required, or a photo, audio or repeat question wanting at least one item."""
    return spec.required or bool(spec.min_count and spec.type in ("photo", "audio", "repeat"))


def _wrong(path: str, expected: str, value: Any) -> FieldError:
    from app.campaigns.fields import type_name

    return FieldError(path, "wrong_type", {"expected": expected, "got": type_name(value)})


def _count(spec: FieldSpec, count: int, path: str) -> FieldError | None:
    if spec.required and count == 0:
        return FieldError(path, "required")
    if spec.min_count is not None and count < spec.min_count:
        return FieldError(path, "too_few_items", {"minimum": spec.min_count, "count": count})
    if spec.max_count is not None and count > spec.max_count:
        return FieldError(path, "too_many_items", {"maximum": spec.max_count, "count": count})
    return None


def media_check(spec: FieldSpec) -> TypedCheck:
    """photo, audio: the list of the files' upload SHA-256 digests, each once."""

    def check(value: Any, path: str) -> Result:
        if not isinstance(value, list):
            return _wrong(path, "array of SHA-256 digests", value)
        for index, item in enumerate(value):
            here = f"{path}/{index}"
            if not isinstance(item, str):
                return _wrong(here, "SHA-256 digest string", item)
            if not DIGEST.match(item):
                return FieldError(here, "invalid_digest", {"value": item[:80]})
            if item in value[:index]:
                return FieldError(here, "duplicate_digest", {"value": item})
        return _count(spec, len(value), path)

    return check


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def geopoint_check(spec: FieldSpec) -> TypedCheck:
    """geopoint: a GeoJSON Point {"type": "Point", "coordinates": [lon, lat(, elevation)]}."""

    def check(value: Any, path: str) -> Result:
        if not isinstance(value, dict):
            return _wrong(path, "GeoJSON Point", value)
        extra = sorted(value.keys() - {"type", "coordinates"})
        if extra:
            return FieldError(f"{path}/{extra[0]}", "unknown_member", {"name": extra[0]})
        if value.get("type") != "Point":
            return FieldError(f"{path}/type", "not_a_point", {"got": str(value.get("type"))[:40]})
        position = value.get("coordinates")
        where = f"{path}/coordinates"
        if not isinstance(position, list) or len(position) not in (2, 3):
            return FieldError(where, "position_expected", {"got": _short(position)})
        for index, number in enumerate(position):
            if not _finite(number):
                return _wrong(f"{where}/{index}", "finite number", number)
        lon, lat = position[0], position[1]
        if not -180 <= lon <= 180:
            return FieldError(f"{where}/0", "longitude_out_of_range", {"value": lon})
        if not -90 <= lat <= 90:
            return FieldError(f"{where}/1", "latitude_out_of_range", {"value": lat})
        return None

    return check


def _short(value: Any) -> str:
    return str(value)[:40].replace("\x00", "\\u0000")


def repeat_check(spec: FieldSpec, factories: dict[str, Callable[[FieldSpec], Any]]) -> TypedCheck:
    """repeat: a list of objects, each made of the repeat's fields (checked like the form's)."""
    # A child whose relevance, required_if or calculation decides `required` is left to the
    # logic, instance by instance (repeat_logic.py).
    children = [
        (
            child.name,
            is_required(child) and not (child.relevant or child.required_if or child.calculation),
            factories[child.type](child),
            child.type == "integer",
        )
        for child in spec.fields or []
        if child.type not in VALUELESS_TYPES
    ]
    names = frozenset(name for name, *_ in children)

    def instance(item: dict[str, Any], path: str) -> list[FieldError]:
        errors: list[FieldError] = []
        for name, required, child_check, integer in children:
            value = item.get(name)
            if value is None:
                if required:
                    errors.append(FieldError(f"{path}/{name}", "required"))
                continue
            found = child_check(value, f"{path}/{name}")
            errors.extend(found if isinstance(found, list) else [found] if found else [])
            if integer and not found:
                item[name] = int(value)
        for name in sorted(item.keys() - names):
            errors.append(FieldError(f"{path}/{_escape(name)}", "unknown_member", {"name": name}))
        return errors

    def check(value: Any, path: str) -> Result:
        if not isinstance(value, list):
            return _wrong(path, "array of objects", value)
        errors: list[FieldError] = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                errors.append(_wrong(f"{path}/{index}", "object", item))
            else:
                errors.extend(instance(item, f"{path}/{index}"))
        count = _count(spec, len(value), path)
        return errors + ([count] if count else [])

    return check


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def spec_errors(spec: FieldSpec, path: str, known: Collection[str]) -> list[FieldError]:
    """What is wrong in one newer-type spec (its children included, for a repeat)."""
    errors: list[FieldError] = []
    if (
        spec.min_count is not None
        and spec.max_count is not None
        and spec.min_count > spec.max_count
    ):
        errors.append(
            FieldError(path + "/min_count", "min_above_max",
                       {"minimum": spec.min_count, "maximum": spec.max_count})
        )  # fmt: skip
    if spec.type == "repeat":
        errors.extend(_repeat_errors(spec, path, known))
    elif spec.fields is not None:
        errors.append(FieldError(path + "/fields", "fields_only_in_repeat", {"type": spec.type}))
    return errors


def _repeat_errors(spec: FieldSpec, path: str, known: Collection[str]) -> list[FieldError]:
    from app.campaigns.fields import name_errors

    if not spec.fields:
        return [FieldError(path + "/fields", "required")]
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, child in enumerate(spec.fields):
        here = f"{path}/fields/{index}"
        errors.extend(name_errors(child, here, seen))
        kind = {"type": child.type}
        if child.type == "repeat":
            errors.append(FieldError(here + "/type", "nested_repeat"))
        elif child.type not in known:
            errors.append(FieldError(here + "/type", "unsupported_field_type", kind))
        else:
            errors.extend(spec_errors(child, here, known))
        if child.type == "choice" and not child.choices:
            errors.append(FieldError(here + "/choices", "required"))
    return errors
