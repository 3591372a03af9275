"""XLSForms made by others (pyxform's examples, see tests/forms/xlsforms/SOURCES.md) mapped to
field specs: every cell left out is reported with its sheet, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.campaigns.xlsform import import_xlsform
from app.campaigns.xlsform_schemas import XLSFormImport
from app.campaigns.xlsform_sheets import read_workbook
from app.errors import ValidationFailed

FORMS = Path(__file__).parent.parent / "forms" / "xlsforms"


def imported(name: str) -> XLSFormImport:
    path = FORMS / name
    return import_xlsform(read_workbook(path.read_bytes(), path.name))


def report(result: XLSFormImport) -> list[tuple[str, int, str, str]]:
    return [(item.sheet, item.row, item.column, item.code) for item in result.unmapped]


def test_the_spec_test_form_in_two_languages_with_a_repeat() -> None:
    result = imported("pyxform_xlsform_spec_test.xlsx")
    assert result.languages == ["und", "en", "zh"]
    appearance = [("survey", row, "appearance", "appearance")
                  for row in (11, 12, 16, 18, 20, 21, 22, 24, 27, 28)]  # fmt: skip
    assert report(result) == sorted(
        [("survey", 4, "rows", "unsupported_column"),
         ("survey", 9, "image", "unsupported_column"),
         ("survey", 9, "audio", "unsupported_column"),
         ("survey", 9, "image::english", "unsupported_column"),
         ("survey", 9, "media::audio::chinese", "unsupported_column"),
         ("survey", 9, "media::video", "unsupported_column"),
         ("survey", 9, "autoplay", "unsupported_column"),
         ("survey", 10, "image", "unsupported_column"),
         ("survey", 17, "requiredMsg", "unsupported_column"),
         *appearance,
         *[("survey", row, "type", "unsupported_type") for row in (32, 33, 35, 38)],
         *[("survey", row, "type", "metadata") for row in (42, 44, 46, 48, 50, 52)],
         ("survey", 57, "appearance", "appearance"),
         ("survey", 57, "buttonText", "unsupported_column"),
         ("survey", 57, "noAppErrorString", "unsupported_column")],
        key=lambda item: item[1],
    ) + [("choices", row, "image", "unsupported_column") for row in (4, 5)] + [
        ("settings", 2, column, "unsupported_sheet_setting")
        for column in ("public_key", "submission_url", "add_none_option", "omit_instanceID",
                       "clean_text_values", "instance_name")
    ]  # fmt: skip
    assert {(r.original, r.name) for r in result.renames} == {
        ("label-test", "label_test"), ("list-nolabel-test", "list_nolabel_test"),
        ("compact-test", "compact_test"), ("compact-2-test", "compact_2_test"),
        ("_1", "q__1"), ("FALSE", "false"),
    }  # fmt: skip
    repeat = next(spec for spec in result.fields if spec.type == "repeat")
    assert (repeat.name, repeat.min_count, repeat.max_count) == ("repeat_test", 2, 2)
    assert repeat.relevant == "not(selected(${skip_to_end}, 'yes'))"
    children = {child.name: child for child in repeat.fields or []}
    assert children["required_text"].required is True
    select = children["select_multiple_test"]
    assert select.multiple and select.constraint_message is not None
    assert select.constraint_message["zh"].startswith("對不起 ${my_name}")
    assert [c.label for c in select.choices or []] == [
        {"und": "Yes", "zh": "是"}, {"und": "No", "zh": "没有"}
    ]  # fmt: skip
    types = {spec.name: spec.type for spec in result.fields}
    assert types["geopoint_test"] == "geopoint" and types["image_test"] == "photo"
    assert types["calculate_test"] == "calculate" and types["acknowledge_test"] == "boolean"


def test_cascading_selects_keep_their_filter_and_choice_columns() -> None:
    result = imported("pyxform_choice_filter_test.xlsx")
    assert report(result) == [("settings", 2, "allow_choice_duplicates",
                               "unsupported_sheet_setting")]  # fmt: skip
    state, county, city = result.fields
    assert state.choice_filter is None
    assert county.choice_filter == "${state}=cf" and city.choice_filter == "${county}=cf"
    assert [(c.value, c.data) for c in county.choices or []] == [
        ("king", {"cf": "washington"}), ("pierce", {"cf": "washington"}),
        ("king", {"cf": "texas"}), ("cameron", {"cf": "texas"}),
    ]  # fmt: skip


def test_an_old_form_with_specify_other_and_a_loop() -> None:
    result = imported("pyxform_loop.xlsx")
    assert report(result) == [("survey", 3, "type", "unsupported_type"),
                              ("survey", 4, "type", "inside_unmapped")]  # fmt: skip
    choice, other = result.fields
    assert choice.multiple and [c.value for c in choice.choices or []][-1] == "other"
    assert other.name == "available_toilet_types_other" and other.type == "text"
    assert other.relevant == "selected(${available_toilet_types}, 'other')"
    assert result.languages == ["en"]


def test_a_group_becomes_a_note_before_its_questions() -> None:
    result = imported("pyxform_group.xlsx")
    assert report(result) == []
    assert [(f.name, f.type) for f in result.fields] == [
        ("family_name", "text"), ("father", "note"), ("phone_number", "text"),
        ("age", "integer"),
    ]  # fmt: skip
    assert result.fields[1].label == {"en": "Father"}


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [("form.xlsx", b"PK\x03\x04truncated", "xlsform_unreadable"),
     ("form.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "xlsform_unreadable"),
     ("form.csv", b"survey,type\x00,name\n", "xlsform_unreadable"),
     ("form.csv", b"", "xlsform_unreadable"),
     ("form.csv", b"survey,type,name,label\n,integer,,Age\n", "xlsform_invalid")],
)  # fmt: skip
def test_files_that_are_not_xlsforms_are_refused(name: str, content: bytes, code: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        read_workbook(content, name)
    assert raised.value.errors[0].code == code
    assert raised.value.errors[0].params["reason"]
