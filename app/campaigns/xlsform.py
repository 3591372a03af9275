"""An XLSForm made the campaign's fields: every cell that cannot be mapped is listed.

Groups are flattened: a group's `relevant` is ANDed into each of its questions', and its label
becomes a note before them. One level of repeat is kept (a repeat inside a repeat is left out
with everything in it). Bare `label`/`hint` columns are in the settings' `default_language`
(`English (en)` -> en) or, without it, `und` (undetermined).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pyxform import aliases

from app.campaigns.fields import RESERVED_NAMES
from app.campaigns.schemas import FieldSpec
from app.campaigns.xlsform_choices import choice_lists
from app.campaigns.xlsform_logic import (
    apply_default,
    bounds_from_constraint,
    required_members,
    unsupported_function,
)
from app.campaigns.xlsform_messages import reason
from app.campaigns.xlsform_schemas import Rename, Unmapped, XLSFormImport
from app.campaigns.xlsform_sheets import (
    UNDETERMINED,
    Row,
    Workbook,
    field_name,
    header,
    language_tag,
    rename_references,
)

_TYPES = {
    "text": "text", "string": "text", "integer": "integer", "int": "integer",
    "decimal": "number", "date": "date", "acknowledge": "boolean", "image": "photo",
    "photo": "photo", "audio": "audio", "geopoint": "geopoint", "gps": "geopoint",
    "location": "geopoint", "note": "note", "calculate": "calculate", "range": "number",
}  # fmt: skip
METADATA = frozenset(
    {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
     "username", "email", "audit", "start-geopoint", "background-audio", "imei", "uri:deviceid",
     "phone_number", "sim_id", "device_id", "start_time", "end_time"}
)  # fmt: skip
_BEGIN_GROUP = {"begin group", "begin_group"}
_END_GROUP = {"end group", "end_group"}
_BEGIN_REPEAT = {"begin repeat", "begin_repeat"}
_END_REPEAT = {"end repeat", "end_repeat", "end loop", "end_loop"}
_SELECTS = {"select one": "select_one", "select all that apply": "select_multiple"}
_TEXTS = {"label": "label", "hint": "help", "constraint_message": "constraint_message"}
_LOGIC = {"relevant", "constraint", "calculation", "choice_filter"}
_READ = {"type", "name", "required", "default", "appearance", "parameters", "repeat_count",
         "read_only", "readonly",
         *_TEXTS, *_LOGIC}  # fmt: skip
_READ_ONLY = {"read_only", "readonly"}
_SETTINGS = {"form_title", "form_id", "version", "default_language"}


@dataclass
class _Frame:
    kind: str  # group, repeat, skipped
    name: str
    relevant: str | None = None
    repeat: dict[str, Any] | None = None


@dataclass
class _Mapper:
    book: Workbook
    language: str
    unmapped: list[Unmapped] = field(default_factory=list)
    renames: dict[str, str] = field(default_factory=dict)  # for ${...}: the first of a name
    row_names: dict[int, str] = field(default_factory=dict)
    rename_rows: list[Rename] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)
    stack: list[_Frame] = field(default_factory=list)
    fields: list[dict[str, Any]] = field(default_factory=list)
    used_lists: set[str] = field(default_factory=set)

    def skip(self, row: Row, column: str, code: str, **params: Any) -> None:
        self.unmapped.append(
            Unmapped(sheet=row.sheet, row=row.number, column=column, name=row.cells.get("name"),
                     code=code, reason=reason(code, column=column, **params))
        )  # fmt: skip


def import_xlsform(book: Workbook) -> XLSFormImport:
    """The fields an XLSForm makes, with every cell left out and every name changed."""
    settings_language = book.settings.get("default_language")
    language = language_tag(settings_language, UNDETERMINED)
    mapper = _Mapper(book, language, warnings=list(book.warnings))
    lists, list_rows = choice_lists(book.choices, language, mapper.unmapped)
    _collect_names(mapper)
    for row in book.survey:
        _row(mapper, row, lists)
    _report_settings(mapper)
    for name in sorted(set(lists) - mapper.used_lists):
        row = Row("choices", list_rows[name], {"list_name": name})
        mapper.skip(row, "list_name", "unused_choice_list", list=name)
    fields = [_spec(mapper, spec) for spec in mapper.fields]
    mapper.unmapped.sort(key=lambda item: (item.sheet != "survey", item.sheet, item.row))
    return XLSFormImport(
        fields=[spec for spec in fields if spec is not None],
        unmapped=mapper.unmapped,
        renames=mapper.rename_rows,
        warnings=mapper.warnings,
        languages=sorted(mapper.languages, key=lambda tag: (tag != language, tag)),
    )


def _collect_names(mapper: _Mapper) -> None:
    """Our name for each row. The same name in two groups (allowed by XLSForm) is made unique
    once flattened; questions are named first, so that a group named like its question gets
    the suffix and ${name} stays the question."""
    taken: set[str] = set()
    rows = [row for row in mapper.book.survey if row.cells.get("name")]
    is_group = [" ".join(row.cells.get("type", "").split()).lower() in _BEGIN_GROUP | _BEGIN_REPEAT
                for row in rows]  # fmt: skip
    for group_pass in (False, True):
        for row, group in zip(rows, is_group, strict=True):
            kind = row.cells.get("type", "").lower()
            if group != group_pass or kind in _END_GROUP | _END_REPEAT:
                continue
            original = row.cells["name"]
            name = field_name(original, taken, RESERVED_NAMES)
            mapper.renames.setdefault(original, name)
            mapper.row_names[row.number] = name
            if name != original:
                mapper.rename_rows.append(Rename(row=row.number, original=original, name=name))
    mapper.rename_rows.sort(key=lambda rename: rename.row)


def _row(mapper: _Mapper, row: Row, lists: dict[str, list[dict[str, Any]]]) -> None:
    kind = " ".join(row.cells.get("type", "").split()).lower()
    skipped = next((f for f in mapper.stack if f.kind == "skipped"), None)
    if kind in _END_GROUP | _END_REPEAT:
        if mapper.stack:
            _close(mapper, mapper.stack.pop())
        return
    if skipped is not None:
        mapper.skip(row, "type", "inside_unmapped", parent=skipped.name)
        if kind in _BEGIN_GROUP | _BEGIN_REPEAT:
            mapper.stack.append(_Frame("skipped", skipped.name))
        return
    if kind.startswith(("begin loop", "begin_loop")):
        mapper.skip(row, "type", "unsupported_type", type=kind)
        mapper.stack.append(_Frame("skipped", row.cells.get("name", "loop")))
    elif kind in _BEGIN_GROUP:
        _open_group(mapper, row)
    elif kind in _BEGIN_REPEAT:
        _open_repeat(mapper, row)
    else:
        _question(mapper, row, kind, lists)


def _target(mapper: _Mapper) -> list[dict[str, Any]]:
    for frame in reversed(mapper.stack):
        if frame.kind == "repeat" and frame.repeat is not None:
            fields: list[dict[str, Any]] = frame.repeat["fields"]
            return fields
    return mapper.fields


def _group_relevance(mapper: _Mapper) -> list[str]:
    parts: list[str] = []
    for frame in mapper.stack:
        if frame.kind == "repeat":
            parts = []  # the repeat carries its own; groups above it are ANDed there
        elif frame.relevant:
            parts.append(frame.relevant)
    return parts


def _and(parts: list[str]) -> str | None:
    parts = [part for part in parts if part]
    if len(parts) <= 1:
        return parts[0] if parts else None
    return " and ".join(f"({part})" for part in parts)


def _open_group(mapper: _Mapper, row: Row) -> None:
    common = _common(mapper, row, {"type", "name", "label", "hint", "relevant", "appearance"})
    own = common.pop("relevant", None)
    name = mapper.row_names.get(row.number, "group")
    if "label" in row.cells or any(header(c)[0] == "label" for c in row.cells):
        note = {"name": name, "type": "note", **common}
        note["relevant"] = _and([*_group_relevance(mapper), own or ""])
        _target(mapper).append(note)
    mapper.stack.append(_Frame("group", name, own))


def _open_repeat(mapper: _Mapper, row: Row) -> None:
    name = mapper.row_names.get(row.number, "repeat")
    if any(frame.kind == "repeat" for frame in mapper.stack):
        mapper.skip(row, "type", "nested_repeat")
        mapper.stack.append(_Frame("skipped", row.cells.get("name", name)))
        return
    read = {"type", "name", "label", "hint", "relevant", "appearance", "repeat_count"}
    spec = {"name": name, "type": "repeat", **_common(mapper, row, read), "fields": []}
    spec["relevant"] = _and([*_group_relevance(mapper), spec.get("relevant") or ""])
    count = row.cells.get("repeat_count")
    if count and count.isdigit() and 1 <= int(count) <= 100:
        spec["min_count"] = spec["max_count"] = int(count)
    elif count:
        mapper.skip(row, _column(row, "repeat_count"), "repeat_count", value=count)
    _target(mapper).append(spec)
    mapper.stack.append(_Frame("repeat", name, repeat=spec))


def _close(mapper: _Mapper, frame: _Frame) -> None:
    del mapper, frame  # groups and repeats were made when opened


def _column(row: Row, base: str) -> str:
    return next((c for c in row.cells if header(c)[0] == base), base)


def _common(mapper: _Mapper, row: Row, read: set[str]) -> dict[str, Any]:
    """Texts per language and logic cells of a row; other cells are listed as unmapped."""
    spec: dict[str, Any] = {}
    for column, value in row.cells.items():
        base, language = header(column)
        if base in _TEXTS and base in read:
            tag = language_tag(language, mapper.language)
            mapper.languages.add(tag)
            text = rename_references(value, mapper.renames)[:2000]
            spec.setdefault(_TEXTS[base], {})[tag] = text
        elif base in _LOGIC and base in read and language is None:
            _logic(mapper, row, column, base, value, spec)
        elif base == "appearance" and base in read:
            mapper.skip(row, column, "appearance", value=value)
        elif base in _READ_ONLY and base in read:
            if "calculation" not in read and value.lower() not in {"no", "false", "false()"}:
                mapper.skip(row, column, "unsupported_column")
        elif base in {"default", "parameters"} and base in read:
            continue  # read with the question's type (_typed_cells)
        elif base == "required" and base in read:
            spec.update(required_members(rename_references(value, mapper.renames)))
        elif base not in read or language is not None:
            mapper.skip(row, column, "unsupported_column")
    if "label" not in spec:
        spec["label"] = {mapper.language: row.cells.get("name", "?")}
    return spec


def _logic(
    mapper: _Mapper, row: Row, column: str, base: str, value: str, spec: dict[str, Any]
) -> None:
    function = unsupported_function(value)
    if function:
        mapper.skip(row, column, "unsupported_function", function=function)
        return
    expression = rename_references(value, mapper.renames)
    for reference in re.findall(r"\$\{([^}]*)\}", expression):
        if reference not in mapper.renames.values():
            mapper.warnings.append(f"Row {row.number}: {column} refers to ${{{reference}}}, "
                                   "which is not a question of the form.")  # fmt: skip
    spec[base] = expression


def _question(mapper: _Mapper, row: Row, kind: str, lists: dict[str, list[dict[str, Any]]]) -> None:
    words = _type_words(kind)
    base = words[0] if words else ""
    if not base:
        return
    if base in METADATA:
        mapper.skip(row, "type", "metadata", type=base)
        return
    spec: dict[str, Any] = {"name": mapper.row_names.get(row.number, "")}
    if base in {"select_one", "select_multiple"} and len(words) >= 2:
        # The type cell is read in lower case; list names keep theirs (yesNoIdk).
        list_name = next((name for name in lists if name.lower() == words[1]), None)
        if list_name is None:
            mapper.skip(row, "type", "unsupported_type", type=kind)
            return
        choices = [dict(choice) for choice in lists[list_name]]
        mapper.used_lists.add(list_name)
        spec.update(type="choice", multiple=base == "select_multiple", choices=choices)
    elif base in _TYPES and len(words) == 1:
        spec["type"] = _TYPES[base]
    else:
        mapper.skip(row, "type", "unsupported_type", type=kind)
        return
    if _shown_calculation(row) and spec["type"] != "choice":
        mapper.skip(row, _column(row, "read_only"), "read_only_calculation", type=kind)
        spec = {"name": spec["name"], "type": "calculate"}
    read = _READ - ({"calculation"} if spec["type"] != "calculate" else set())
    spec.update(_common(mapper, row, read - {"repeat_count"}))
    spec["relevant"] = _and([*_group_relevance(mapper), spec.get("relevant") or ""])
    _typed_cells(mapper, row, spec)
    if spec["type"] == "calculate" and not spec.get("calculation"):
        mapper.warnings.append(f"Row {row.number}: '{spec['name']}' left out: no calculation.")
        return
    _target(mapper).append(spec)
    if words[2:] in (["or_other"], ["or", "specify", "other"]) and spec["type"] == "choice":
        _or_other(mapper, spec)


def _shown_calculation(row: Row) -> bool:
    """A read-only question whose value is a calculation: a calculate field, shown."""
    read_only = next((v for c, v in row.cells.items() if header(c)[0] in _READ_ONLY), "")
    return bool(row.cells.get("calculation")) and read_only.strip().lower() in {
        "yes",
        "true",
        "true()",
    }


def _type_words(kind: str) -> list[str]:
    """`select one from trees or_other` -> [select_one, trees, or_other]."""
    for alias in sorted(aliases.select, key=len, reverse=True):
        if kind.startswith(alias + " ") and aliases.select[alias] in _SELECTS:
            return [_SELECTS[aliases.select[alias]], *kind[len(alias) :].split()]
    if kind == "phone number":
        return ["text"]
    return kind.split()


def _typed_cells(mapper: _Mapper, row: Row, spec: dict[str, Any]) -> None:
    if spec.get("constraint"):
        bounds, rest = bounds_from_constraint(spec["type"], spec["constraint"])
        spec.update(bounds, constraint=rest)
    if "default" in row.cells:
        value, problem = apply_default(spec["type"], spec.get("multiple", False),
                                       row.cells["default"])  # fmt: skip
        if problem:
            mapper.skip(row, "default", problem, value=row.cells["default"])
        else:
            spec["default"] = value
    if row.cells.get("type", "").lower().startswith("range"):
        parameters = dict(
            part.split("=", 1)
            for part in re.split(r"[\s;,]+", row.cells.get("parameters", ""))
            if "=" in part
        )
        # XLSForm's defaults: start=1, end=10
        for member, key, default in (("minimum", "start", "1"), ("maximum", "end", "10")):
            with contextlib.suppress(ValueError):
                spec[member] = float(parameters.get(key, default))
        mapper.skip(row, "type", "range_as_number")
    elif "parameters" in row.cells:
        mapper.skip(row, "parameters", "unsupported_column")


def _or_other(mapper: _Mapper, spec: dict[str, Any]) -> None:
    languages = set(spec["label"])
    other = {tag: "Autre" if tag.startswith("fr") else "Other" for tag in languages}
    spec["choices"].append({"value": "other", "label": other})
    taken = _all_names(mapper)
    name = spec["name"][:57] + "_other"
    while name in taken:
        name = "x" + name[:62]
    relevant = _and([spec.get("relevant") or "", f"selected(${{{spec['name']}}}, 'other')"])
    label = {tag: "Précisez" if tag.startswith("fr") else "Specify other" for tag in languages}
    _target(mapper).append({"name": name, "type": "text", "label": label, "relevant": relevant})


def _all_names(mapper: _Mapper) -> set[str]:
    names = {spec["name"] for spec in mapper.fields}
    for spec in mapper.fields:
        names |= {child["name"] for child in spec.get("fields") or []}
    return names


def _spec(mapper: _Mapper, spec: dict[str, Any]) -> FieldSpec | None:
    clean = {key: value for key, value in spec.items() if value is not None}
    if clean.get("type") == "repeat":
        clean["fields"] = [
            child for child in (_spec(mapper, c) for c in clean.get("fields", [])) if child
        ]
    try:
        return FieldSpec.model_validate(clean)
    except ValidationError as error:
        mapper.warnings.append(f"Field '{spec.get('name')}' left out: {error.errors()[0]['msg']}")
        return None


def _report_settings(mapper: _Mapper) -> None:
    row = Row("settings", 2, mapper.book.settings)
    for column in mapper.book.settings:
        if column.strip().lower() not in _SETTINGS:
            mapper.skip(row, column, "unsupported_sheet_setting")
