"""Which form question a file answers: ``field=photo_front`` or ``field=trees/0/photo``.

The file's upload SHA-256 must be one of the digests the observation gives that question;
a question of type audio takes audio files, a photo question images.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import FieldError, ValidationFailed

MEDIA_TYPES = ("photo", "audio")


@dataclass(frozen=True, slots=True)
class Question:
    field: str  # as given: photo_front, trees/0/photo
    type: str  # photo or audio
    digests: tuple[str, ...]  # what the observation says the question holds


def _spec(specs: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    return next((spec for spec in specs if spec.get("name") == name), None)


def _unknown(field: str) -> ValidationFailed:
    return ValidationFailed([FieldError("/field", "media_field_unknown", {"field": field[:100]})])


def resolve(field: str, specs: list[dict[str, Any]], properties: dict[str, Any]) -> Question:
    """The photo or audio question named by ``field`` in the campaign's ``specs``, with the
    digests ``properties`` give it; a 422 at /field when there is no such question."""
    parts = field.split("/")
    if len(parts) == 1:
        spec, value = _spec(specs, parts[0]), properties.get(parts[0])
    elif len(parts) == 3 and parts[1].isdigit() and len(parts[1]) < 4:
        spec, value = _in_repeat(specs, properties, parts[0], int(parts[1]), parts[2])
    else:
        raise _unknown(field)
    if spec is None or spec.get("type") not in MEDIA_TYPES:
        raise _unknown(field)
    digests = tuple(d for d in value if isinstance(d, str)) if isinstance(value, list) else ()
    return Question(field, str(spec["type"]), digests)


def _in_repeat(
    specs: list[dict[str, Any]], properties: dict[str, Any], name: str, index: int, child: str
) -> tuple[dict[str, Any] | None, Any]:
    repeat = _spec(specs, name)
    if repeat is None or repeat.get("type") != "repeat":
        return None, None
    instances = properties.get(name)
    instance = instances[index] if isinstance(instances, list) and index < len(instances) else {}
    value = instance.get(child) if isinstance(instance, dict) else None
    return _spec(repeat.get("fields") or [], child), value


def check_answers(question: Question, upload_sha256: str) -> None:
    """A 422 unless the observation lists this file's digest for the question."""
    if upload_sha256 not in question.digests:
        raise ValidationFailed(
            [FieldError("/file", "media_not_in_question",
                        {"field": question.field, "sha256": upload_sha256})]
        )  # fmt: skip
