"""What an XLSForm import answers: the fields made, and every cell left out with its place."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.campaigns.schemas import FieldSpec


class Unmapped(BaseModel):
    sheet: str
    row: int = Field(description="1-based spreadsheet row (the header is row 1).")
    column: str = Field(description="The column's header as written in the file.")
    name: str | None = Field(default=None, description="The row's question or choice name.")
    code: str
    reason: dict[str, str] = Field(description="Why it was left out, in French and English.")


class Rename(BaseModel):
    row: int
    original: str
    name: str


class XLSFormImport(BaseModel):
    fields: list[FieldSpec]
    unmapped: list[Unmapped]
    renames: list[Rename] = Field(
        description="XLSForm names changed to fit ours, and in every ${...} reference."
    )
    warnings: list[str] = Field(description="pyxform's warnings and the importer's own.")
    languages: list[str] = Field(description="Language tags of the form's texts.")
    applied: bool = False
