"""A campaign's fields as an XLSForm workbook (survey, choices, settings) that pyxform reads.

Bounds are written as constraints (`. >= 1`), which the import reads back as bounds; labels,
hints and constraint messages get one column per language (`label::Français (fr)`).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook

from app.campaigns.schemas import FieldSpec

_TYPES = {"text": "text", "integer": "integer", "number": "decimal", "boolean": "acknowledge",
          "date": "date", "photo": "image", "audio": "audio", "geopoint": "geopoint",
          "note": "note", "calculate": "calculate"}  # fmt: skip
_NAMES = {"en": "English", "fr": "Français", "es": "Español", "de": "Deutsch", "it": "Italiano",
          "pt": "Português", "oc": "Occitan", "br": "Brezhoneg", "ca": "Català"}  # fmt: skip
_BOUNDS = (
    ("minimum", ". >= {}"), ("maximum", ". <= {}"), ("min_length", "string-length(.) >= {}"),
    ("max_length", "string-length(.) <= {}"), ("min_date", ". >= date('{}')"),
    ("max_date", ". <= date('{}')"),
)  # fmt: skip
_TEXTS = (("label", "label"), ("hint", "help"), ("constraint_message", "constraint_message"))
_LOGIC = ("required", "relevant", "constraint", "calculation", "default", "choice_filter",
          "repeat_count")  # fmt: skip


def language_column(tag: str) -> str:
    return f"{_NAMES.get(tag.split('-')[0], tag)} ({tag})"


def _languages(fields: list[FieldSpec]) -> list[str]:
    tags: dict[str, None] = {}
    for spec in _walk(fields):
        for label in (spec.label, spec.help, spec.constraint_message):
            tags.update(dict.fromkeys(label or {}))
        for choice in spec.choices or []:
            tags.update(dict.fromkeys(choice.label))
    return list(tags)


def _walk(fields: list[FieldSpec]) -> list[FieldSpec]:
    return [s for spec in fields for s in (spec, *_walk(spec.fields or []))]


def _constraint(spec: FieldSpec) -> str | None:
    parts = []
    for member, text in _BOUNDS:
        value = getattr(spec, member)
        if value is not None:
            parts.append(text.format(value))
    if spec.constraint:
        parts.append(f"({spec.constraint})" if parts else spec.constraint)
    return " and ".join(parts) or None


def _default(spec: FieldSpec) -> str | None:
    if spec.default is None:
        return None
    if isinstance(spec.default, list):
        return " ".join(str(item) for item in spec.default)
    return str(spec.default)


def _rows(spec: FieldSpec, languages: list[str]) -> list[dict[str, Any]]:
    if spec.type == "choice":
        kind = f"{'select_multiple' if spec.multiple else 'select_one'} {spec.name}"
    elif spec.type == "repeat":
        kind = "begin_repeat"
    else:
        kind = _TYPES[spec.type]
    row: dict[str, Any] = {"type": kind, "name": spec.name}
    for column, member in _TEXTS:
        for tag, text in (getattr(spec, member) or {}).items():
            row[f"{column}::{language_column(tag)}"] = text
    count = spec.max_count if spec.type == "repeat" and spec.max_count == spec.min_count else None
    logic = {"required": "yes" if spec.required else spec.required_if,
             "relevant": spec.relevant, "constraint": _constraint(spec),
             "calculation": spec.calculation, "default": _default(spec),
             "choice_filter": spec.choice_filter, "repeat_count": count}  # fmt: skip
    row.update({key: value for key, value in logic.items() if value is not None})
    if spec.type != "repeat":
        return [row]
    children = [r for child in spec.fields or [] for r in _rows(child, languages)]
    return [row, *children, {"type": "end_repeat"}]


def _sheet(book: Workbook, title: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column) for column in columns])


def export_xlsform(fields: list[FieldSpec], title: str, form_id: str, version: str) -> bytes:
    languages = _languages(fields) or ["en"]
    survey = [row for spec in fields for row in _rows(spec, languages)]
    texts = [f"{c}::{language_column(t)}" for c, _ in _TEXTS for t in languages]
    used = set().union(*(row.keys() for row in survey)) if survey else set()
    columns = ["type", "name", *[c for c in texts if c in used], *[c for c in _LOGIC if c in used]]
    choices: list[dict[str, Any]] = []
    for spec in _walk(fields):
        for choice in spec.choices or []:
            row = {"list_name": spec.name, "name": choice.value, **(choice.data or {})}
            row.update({f"label::{language_column(t)}": x for t, x in choice.label.items()})
            choices.append(row)
    choice_columns = ["list_name", "name", *[f"label::{language_column(t)}" for t in languages]]
    for row in choices:
        choice_columns += [key for key in row if key not in choice_columns]
    book = Workbook()
    book.remove(book.active)
    _sheet(book, "survey", columns, survey)
    _sheet(book, "choices", choice_columns, choices)
    settings = {"form_title": title, "form_id": form_id, "version": version,
                "default_language": language_column(languages[0])}  # fmt: skip
    _sheet(book, "settings", list(settings), [settings])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
