"""The XLSForm export of every field type (the newer ones included, before the server stores
them): pyxform converts it, and it re-imports to the same fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyxform.xls2xform import convert

from app.campaigns.schemas import FieldSpec
from app.campaigns.xlsform import import_xlsform
from app.campaigns.xlsform_export import export_xlsform
from app.campaigns.xlsform_sheets import read_workbook

EVERY_TYPE: list[dict[str, Any]] = [
    {"name": "intro", "type": "note", "label": {"fr": "Bonjour", "en": "Hello", "oc": "Adieu"}},
    {"name": "where", "type": "geopoint", "label": {"fr": "Où", "en": "Where"}, "required": True},
    {"name": "pictures", "type": "photo", "label": {"fr": "Photos", "en": "Pictures"}},
    {"name": "song", "type": "audio", "label": {"fr": "Chant", "en": "Song"},
     "relevant": "count-selected(${kinds}) > 0"},
    {"name": "kinds", "type": "choice", "multiple": True, "label": {"fr": "Sortes", "en": "Kinds"},
     "choices": [{"value": "oak", "label": {"fr": "Chêne", "en": "Oak"}}],
     "default": ["oak"]},
    {"name": "seen", "type": "date", "label": {"fr": "Vu le", "en": "Seen on"},
     "min_date": "2020-01-01", "max_date": "2030-12-31"},
    {"name": "twice", "type": "calculate", "label": {"en": "twice"},
     "calculation": "count-selected(${kinds}) * 2"},
    {"name": "stems", "type": "repeat", "label": {"fr": "Tiges", "en": "Stems"},
     "min_count": 2, "max_count": 2, "fields": [
         {"name": "girth", "type": "number", "label": {"fr": "Tour", "en": "Girth"},
          "minimum": 0.5, "constraint": ". != 3", "constraint_message": {"en": "Not 3"}},
         {"name": "dead", "type": "boolean", "label": {"fr": "Mort", "en": "Dead"}}]},
]  # fmt: skip


def test_every_type_goes_out_and_comes_back(tmp_path: Path) -> None:
    fields = [FieldSpec.model_validate(spec) for spec in EVERY_TYPE]
    content = export_xlsform(fields, "Arbres", "arbres", "1")
    path = tmp_path / "arbres.xlsx"
    path.write_bytes(content)
    xform = convert(xlsform=str(path)).xform
    assert '<repeat nodeset="/data/stems" jr:count=" /data/stems_count ">' in xform
    assert "Adieu" in xform
    again = import_xlsform(read_workbook(content, "arbres.xlsx"))
    assert again.unmapped == [] and again.renames == []
    assert [spec.model_dump() for spec in again.fields] == [spec.model_dump() for spec in fields]
    assert again.languages == ["fr", "en", "oc"]
