"""The campaign's form as an XLSForm: import (preview, or apply like PATCH) and export."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response

from app.auth.deps import CurrentUser
from app.campaigns import service
from app.campaigns.schemas import CampaignUpdate, FieldSpec
from app.campaigns.xlsform import import_xlsform
from app.campaigns.xlsform_export import export_xlsform
from app.campaigns.xlsform_schemas import XLSFormImport
from app.campaigns.xlsform_sheets import read_workbook
from app.db.session import SessionDep
from app.guards import refuse_unstorable
from app.problems import problem_responses
from app.quality.layers_router import FILE_MEMBER, receive_upload

router = APIRouter(prefix="/campaigns", tags=["campaigns"])
MAX_XLSFORM_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSFORM_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_MEMBER],
                    "properties": {
                        FILE_MEMBER: {
                            "type": "string",
                            "format": "binary",
                            "description": "An XLSForm: .xlsx, .xls or .csv (5 MiB at most).",
                        }
                    },
                }
            }
        },
    }
}


@router.post(
    "/{slug}/form/xlsform",
    response_model=XLSFormImport,
    openapi_extra=XLSFORM_BODY,
    responses=problem_responses(413, 422),
)
async def import_xlsform_file(
    slug: str, request: Request, session: SessionDep, user: CurrentUser, apply: bool = False
) -> XLSFormImport:
    """Read an XLSForm (owners only) as the campaign's fields, with every cell that could not
    be mapped. Nothing is stored unless `apply=true`: then the fields replace the campaign's,
    checked as PATCH checks them."""
    campaign = await service.get_campaign_as(session, slug, user, "owner", "change this campaign")
    async with receive_upload(request, MAX_XLSFORM_BYTES) as upload:
        path = upload.file_path()
        refuse_unstorable({FILE_MEMBER: upload.filename})
        data = path.read_bytes()
        book = await asyncio.to_thread(read_workbook, data, upload.filename or path.name)
    result = import_xlsform(book)
    if apply:
        await service.update_campaign(session, campaign, CampaignUpdate(fields=result.fields))
        result.applied = True
    return result


@router.get(
    "/{slug}/form.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "The form as an XLSForm."}},
)
async def export_xlsform_file(slug: str, session: SessionDep, user: CurrentUser) -> Response:
    """The campaign's fields as an XLSForm (owners only) that pyxform converts."""
    campaign = await service.get_campaign_as(session, slug, user, "owner", "change this campaign")
    fields = [FieldSpec.model_validate(spec) for spec in campaign.fields]
    version = campaign.updated_at.strftime("%Y%m%d%H%M%S")
    data = export_xlsform(fields, campaign.title, campaign.slug.replace("-", "_"), version)
    headers = {"Content-Disposition": f'attachment; filename="{campaign.slug}-form.xlsx"'}
    return Response(data, media_type=XLSX, headers=headers)
