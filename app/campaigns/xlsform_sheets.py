"""Reading an XLSForm's sheets with pyxform: cells by column, languages, names, expressions.

pyxform (the reference implementation) reads the workbook (.xlsx, .xls, .csv) and checks the
form: a file it refuses is refused with its message. The mapping (xlsform.py) reads the rows
pyxform read, so that every cell left out can be named by its sheet, row and column.
"""

from __future__ import annotations

import contextlib
import copy
import re
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from app.errors import FieldError, ValidationFailed

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
UNDETERMINED = "und"
_CODE_IN_NAME = re.compile(r"\(\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3})\s*\)\s*$")
_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")
_LANGUAGE_NAMES = {
    "english": "en", "anglais": "en", "french": "fr", "français": "fr", "francais": "fr",
    "spanish": "es", "español": "es", "espanol": "es", "portuguese": "pt", "português": "pt",
    "german": "de", "deutsch": "de", "italian": "it", "italiano": "it", "arabic": "ar",
    "swahili": "sw", "kiswahili": "sw", "hindi": "hi", "chinese": "zh", "russian": "ru",
    "dutch": "nl", "occitan": "oc", "breton": "br", "catalan": "ca", "català": "ca",
    "amharic": "am", "hausa": "ha", "yoruba": "yo", "nepali": "ne", "bengali": "bn",
}  # fmt: skip
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_REFERENCE = re.compile(r"\$\{([^}]*)\}")


@dataclass(slots=True)
class Row:
    """One spreadsheet row: its cells by column header, and its 1-based row number."""

    sheet: str
    number: int
    cells: dict[str, str]


@dataclass(slots=True)
class Workbook:
    survey: list[Row]
    choices: list[Row]
    settings: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def read_workbook(data: bytes, filename: str) -> Workbook:
    """The sheets of an XLSForm checked by pyxform; ValidationFailed (422) with pyxform's
    message for a file that is not one."""
    if b"\x00" in data and filename.lower().endswith(".csv"):
        _refuse("xlsform_unreadable", "NUL bytes in a CSV file")
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    try:
        book = _read(data, suffix)
    except Exception as error:
        _refuse("xlsform_unreadable", _one_line(error))
    warnings: list[str] = []
    try:
        workbook_to_json(copy.deepcopy(book), form_name="data", warnings=warnings)
    except Exception as error:
        _refuse("xlsform_invalid", _one_line(error))
    return Workbook(
        survey=_rows("survey", book.survey),
        choices=_rows("choices", book.choices),
        settings=dict((book.settings or [{}])[0]) if book.settings else {},
        warnings=[_one_line(w) for w in warnings],
    )


def _read(data: bytes, suffix: str) -> Any:
    """The workbook read as its suffix says, or as whatever it is (an .xls named .xlsx)."""
    if suffix in SUFFIXES:
        with contextlib.suppress(Exception):  # tried again below, without the hint
            return get_xlsform(BytesIO(data), file_type=suffix)
    return get_xlsform(BytesIO(data))


def _refuse(code: str, reason: str) -> None:
    raise ValidationFailed([FieldError("/file", code, {"reason": reason[:2000]})], code)


def _one_line(error: object) -> str:
    return " ".join(str(error).split()).replace("\x00", "")


def _rows(sheet: str, data: Any) -> list[Row]:
    rows = []
    for index, cells in enumerate(data or []):
        # No NUL byte reaches the database (a workbook cell may hold one).
        clean = {_text(k): _text(v) for k, v in cells.items() if _text(v)}
        if clean:
            rows.append(Row(sheet, index + 2, clean))
    return rows


def _text(value: object) -> str:
    return str(value).replace("\x00", "").strip()


def language_tag(language: str | None, default: str) -> str:
    """`Français (fr)` -> fr, `English` -> en, a tag -> itself, nothing -> the default."""
    if not language or language.lower() == "default":
        return default
    found = _CODE_IN_NAME.search(language)
    if found:
        return found.group(1)
    if _TAG.match(language):
        return language
    known = _LANGUAGE_NAMES.get(language.strip().lower())
    if known:
        return known
    words = re.sub(r"[^A-Za-z0-9]", "", language)[:8].lower()
    return f"{UNDETERMINED}-{words}" if words else UNDETERMINED


def header(column: str) -> tuple[str, str | None]:
    """`label::English (en)` -> (label, English (en)); `relevance` -> (relevant, None)."""
    base, _, language = column.partition("::")
    if not language and ":" in column:  # older forms: `label:English`
        first, _, rest = column.partition(":")
        if first.strip().lower() in _TRANSLATED:
            base, language = first, rest
    base = base.strip().lower().replace(" ", "_")
    base = _ALIASES.get(base, base)
    return base, (language.strip() or None)


_TRANSLATED = {
    "label",
    "hint",
    "constraint_message",
    "required_message",
    "guidance_hint",
    "image",
    "audio",
    "video",
    "big-image",
    "media",
}
_ALIASES = {
    "relevance": "relevant", "caption": "label", "calculate": "calculation",
    "constraining_message": "constraint_message", "jr:constraintmsg":
    "constraint_message", "required_message": "required_message", "jr:requiredmsg":
    "required_message", "list_name": "list_name", "value": "name", "default_value": "default",
    "count": "repeat_count", "jr:count": "repeat_count", "choice-filter": "choice_filter",
}  # fmt: skip


def field_name(raw: str, taken: set[str], reserved: frozenset[str]) -> str:
    """An XLSForm name made one of ours: lower case, `_` for other signs, unique."""
    name = re.sub(r"[^a-z0-9_]", "_", raw.lower())
    if not name or not name[0].isalpha():
        name = "q_" + name
    name = name[:63]
    if name in reserved:
        name = name[:58] + "_form"
    base, n = name, 2
    while name in taken or not _NAME.match(name):
        suffix = f"_{n}"
        name, n = base[: 63 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def rename_references(expression: str, renames: dict[str, str]) -> str:
    return _REFERENCE.sub(lambda m: "${" + renames.get(m.group(1), m.group(1)) + "}", expression)
