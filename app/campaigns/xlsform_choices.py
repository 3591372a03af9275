"""The choices sheet of an XLSForm made lists of our choices (other columns kept as `data`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from app.campaigns.xlsform_messages import reason
from app.campaigns.xlsform_schemas import Unmapped
from app.campaigns.xlsform_sheets import Row, header, language_tag

_MAX_DATA = 20
# Media columns of a choice (its picture, its sound): not choice data.
_MEDIA = frozenset({"image", "big-image", "audio", "video", "media"})


def choice_lists(
    rows: list[Row], default_language: str, unmapped: list[Unmapped]
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, int]]:
    """Choices by list name, and the row where each list starts."""
    lists: dict[str, list[dict[str, Any]]] = defaultdict(list)
    first_rows: dict[str, int] = {}
    for row in rows:
        name = row.cells.get("list_name") or row.cells.get("list name")
        value = row.cells.get("name") or row.cells.get("value")
        if not name or not value:
            continue
        first_rows.setdefault(name, row.number)
        lists[name].append(_choice(row, value, default_language, unmapped))
    return dict(lists), first_rows


def _choice(
    row: Row, value: str, default_language: str, unmapped: list[Unmapped]
) -> dict[str, Any]:
    label: dict[str, str] = {}
    data: dict[str, str] = {}
    for column, text in row.cells.items():
        base, language = header(column)
        if base in {"list_name", "name", "list name"}:
            continue
        if base == "label":
            label[language_tag(language, default_language)] = text[:2000]
        elif language is None and base not in _MEDIA and len(data) < _MAX_DATA:
            data[column[:100]] = text[:2000]
        else:
            unmapped.append(
                Unmapped(sheet=row.sheet, row=row.number, column=column, name=value,
                         code="unsupported_column", reason=reason("unsupported_column",
                                                                  column=column))
            )  # fmt: skip
    choice: dict[str, Any] = {"value": value[:200], "label": label or {default_language: value}}
    if data:
        choice["data"] = data
    return choice
