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


def grouped(result: XLSFormImport) -> dict[tuple[str, str, str], list[int]]:
    """The whole report, by (sheet, column, reason): the rows of each."""
    rows: dict[tuple[str, str, str], list[int]] = {}
    for item in result.unmapped:
        rows.setdefault((item.sheet, item.column, item.code), []).append(item.row)
    return rows


def test_an_ifrc_assessment_in_english_and_french() -> None:
    # Saved as .xls under an .xlsx name: read as what it is.
    result = imported("odk_ifrc-distribution-site-assessment-v1.xlsx")
    assert result.languages == ["en", "fr"]
    assert grouped(result) == {
        ("survey", "type", "metadata"): [2, 3, 4, 5, 6, 7, 8],
        ("survey", "appearance", "appearance"): [
            20, 23, 27, 31, 37, 41, 45, 51, 55, 59, 65, 69, 73, 77, 81, 85, 92, 96, 101, 105,
            112, 116, 120, 124, 128, 134, 138, 142, 146, 151, 155, 161, 162],
        ("settings", "label::English", "unsupported_sheet_setting"): [2],
        ("settings", "label::Français", "unsupported_sheet_setting"): [2],
        ("settings", "clean_text_values", "unsupported_sheet_setting"): [2],
    }  # fmt: skip
    # Groups named like the question they hold get a suffix; ${RCRC} is the question's.
    renames = [(r.row, r.original, r.name) for r in result.renames]
    assert len(renames) == 30 and renames[:2] == [(23, "permission", "permission_2"),
                                                  (27, "used", "used_2")]  # fmt: skip
    assert renames[4:7] == [(41, "RCRC", "rcrc_2"), (42, "RCRC", "rcrc"),
                            (43, "RCRC_comment", "rcrc_comment")]  # fmt: skip
    fields = {spec.name: spec for spec in result.fields}
    assert len(fields) == len(result.fields) == 125 and set(fields["intro1"].label) == {"en", "fr"}
    # A group's relevance is ANDed into its questions (and its note).
    assert fields["close_group"].type == "note"
    assert fields["close"].relevant == "selected(${fences}, 'no')"


def test_an_odk_form_of_every_question_type() -> None:
    result = imported("odk_all-question-types-v2024091201-3.xlsx")
    appearance = [5, 6, 7, 8, 9, 10, 14, 15, 16, 18, 19, 24, 25, 26, 27, 31, 32, 33, 35, 36, 37,
                  43, 51, 52, 53, 57, 58, 59, 60, 61, 62, 63, 67, 68, 74, 75, 76, 77, 78, 79,
                  80, 81, 82, 88, 89, 90, 91, 92, 93, 94, 97, 98, 99, 100, 101, 102, 103]  # fmt: skip
    assert grouped(result) == {
        ("survey", "appearance", "appearance"): appearance,
        ("survey", "type", "range_as_number"): [22, 23, 24, 25, 26, 27],
        ("survey", "parameters", "unsupported_column"): [34],
        ("survey", "type", "unsupported_type"): [40, 41, 44, 45, 46, 47, 54, 55, 56, 69, 70,
                                                 83, 106, 107],
        ("survey", "image", "unsupported_column"): [81, 94],
        ("choices", "image", "unsupported_column"): [12, 13, 15, 16, 17, 18, 32, 33, 34, 35, 36],
        ("choices", "list_name", "unused_choice_list"): [12],
    }  # fmt: skip
    geotrace = next(item for item in result.unmapped if item.row == 69)
    assert geotrace.reason["en"] == "Question type 'geotrace' is not supported."
    ranges = [spec for spec in result.fields if spec.name == "range_integer"]
    assert [(r.type, r.minimum, r.maximum) for r in ranges] == [("number", 1, 10)]


def test_a_socio_economic_survey_with_a_repeat() -> None:
    result = imported("odk_socio-economic-survey-v20240515.xlsx")
    assert result.languages == ["und", "en", "fr"]
    report = grouped(result)
    assert report.pop(("survey", "appearance", "appearance")) == [
        4, 5, 6, 16, 17, 18, 25, 27, 28, 29, 30, 31, 36
    ]  # fmt: skip
    assert report.pop(("choices", "list_name", "unused_choice_list"))[:3] == [44, 50, 54]
    assert report == {
        ("survey", "read_only", "read_only_calculation"): [12],
        ("survey", "calculation", "unsupported_function"): [12],
    }
    assert "Row 12: 'seclass' left out: no calculation." in result.warnings
    repeat = next(spec for spec in result.fields if spec.type == "repeat")
    assert repeat.fields


LOGIC_CSV = """survey,type,name,label::Français (fr),label::English (en),relevant,required,constraint,default,calculation
,integer,Tree-Count,Arbres,Trees,,yes,. >= 1 and . <= 50,3,
,begin group,Details,Détails,Details,${Tree-Count} > 0,,,,
,text,species,Espèce,Species,${Tree-Count} > 2,${Tree-Count} > 10,string-length(.) <= 80,,
,calculate,double,,,,,,,${Tree-Count} * 2
,text,lookup,Cherche,Lookup,pulldata('trees'),,,,
,end group,,,,,,,,
,begin repeat,Stems,Tiges,Stems,,,,,
,decimal,girth,Tour,Girth,,,,${Tree-Count},
,begin repeat,inner,Dedans,Inside,,,,,
,text,note_inner,Note,Note,,,,,
,end repeat,,,,,,,,
,end repeat,,,,,,,,
settings,default_language,,,,,,,,
,Français (fr),,,,,,,,
"""


def test_logic_is_carried_over_and_names_rewritten_in_expressions() -> None:
    result = import_xlsform(read_workbook(LOGIC_CSV.encode(), "logic.csv"))
    # In a CSV, rows are counted within each sheet's part (its header is row 1), as pyxform does.
    assert [(r.original, r.name) for r in result.renames] == [
        ("Tree-Count", "tree_count"), ("Details", "details"), ("Stems", "stems")
    ]  # fmt: skip
    assert report(result) == [
        ("survey", 6, "relevant", "unsupported_function"),
        ("survey", 9, "default", "dynamic_default"),
        ("survey", 10, "type", "nested_repeat"),
        ("survey", 11, "type", "inside_unmapped"),
    ]
    count, details, species, double, lookup, stems = result.fields
    assert (count.name, count.required, count.minimum, count.maximum, count.default) == (
        "tree_count", True, 1, 50, 3
    )  # fmt: skip
    assert count.constraint is None and count.label == {"fr": "Arbres", "en": "Trees"}
    assert (details.type, details.relevant) == ("note", "${tree_count} > 0")
    assert species.relevant == "(${tree_count} > 0) and (${tree_count} > 2)"
    assert (species.required_if, species.max_length) == ("${tree_count} > 10", 80)
    assert (double.type, double.calculation) == ("calculate", "${tree_count} * 2")
    assert lookup.relevant == "${tree_count} > 0", "pulldata() left out, the group's kept"
    assert stems.type == "repeat" and [c.name for c in stems.fields or []] == ["girth"]
    assert result.languages == ["fr", "en"]


def test_nul_bytes_never_reach_a_field() -> None:
    late_nul = "survey,type,name,label\n,text,a,A\n" + "\n" * 50 + ",text,b,B\x00b\n"
    with pytest.raises(ValidationFailed):
        read_workbook(late_nul.encode(), "late.csv")
    # Under another name, the CSV is recognised by pyxform; the NUL is dropped from the text.
    result = import_xlsform(read_workbook(late_nul.encode(), "late.txt"))
    assert [spec.label for spec in result.fields] == [{"und": "A"}, {"und": "Bb"}]
