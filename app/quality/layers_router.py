"""Reference layers over HTTP: upload, replace, list, read, delete (permissions:
app/quality/layer_owners.py)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Query, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.responses import Response

from app.auth.deps import CurrentUser, OptionalUser
from app.db.session import SessionDep
from app.errors import BadRequest, FieldError, PayloadTooLarge, ValidationFailed
from app.guards import refuse_unstorable
from app.quality import layer_owners as owners
from app.quality import layers
from app.quality.schemas import LayerImport, LayerList, LayerOut
from app.uploads import (
    RECEIVING,
    ReceivedUpload,
    UploadRules,
    form_boundary,
    receive_form,
    temporary_upload,
)

router = APIRouter(prefix="/reference-layers", tags=["reference layers"])

FILE_MEMBER = "file"
_UNSAFE_IN_NAMES = re.compile(r"[^\w.-]")
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_MEMBER, "slug"],
                    "properties": {
                        FILE_MEMBER: {
                            "type": "string",
                            "format": "binary",
                            "description": "GeoJSON, GeoPackage, zipped Shapefile, FlatGeobuf "
                            "or CSV with coordinate columns.",
                        },
                        **LayerImport.model_json_schema()["properties"],
                        owners.ORGANISATION_MEMBER: {
                            "type": "string",
                            "description": "Slug of the organisation the layer goes into; "
                            "none: a shared layer (instance admins only).",
                        },
                    },
                }
            }
        },
    }
}
# A new version: the slug is the path's; the owner stays.
REPLACE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_MEMBER],
                    "properties": {
                        name: value
                        for name, value in UPLOAD_BODY["requestBody"]["content"][
                            "multipart/form-data"
                        ]["schema"]["properties"].items()
                        if name not in ("slug", owners.ORGANISATION_MEMBER)
                    },
                }
            }
        },
    }
}


@router.post("", status_code=status.HTTP_201_CREATED, openapi_extra=UPLOAD_BODY)
async def import_layer(request: Request, session: SessionDep, user: CurrentUser) -> LayerOut:
    """Import a file as reference layer `slug` of `organisation` (its admins and editors may;
    without one, a shared layer: instance admins only), replacing that owner's layer of the
    same slug if any. A slug held by another owner's layer is a 409."""
    limit = request.app.state.settings.max_upload_bytes
    async with receive_upload(request, limit) as upload:
        organisation = upload.take_member(owners.ORGANISATION_MEMBER)
        layer = await layers.upload_layer(
            session, user, upload.file_path(), upload.options(), organisation, upload.filename
        )
    return (await layers.describe_all(session, [layer], user, str(request.base_url)))[0]


@router.put("/{slug}", openapi_extra=REPLACE_BODY)
async def replace_layer(
    slug: str, request: Request, session: SessionDep, user: CurrentUser
) -> LayerOut:
    """Upload a new version of layer `slug` (same owner; title, licence and attribution kept
    unless given). Atomic: readers see the old layer or the new one, never a mix; the rules
    naming the slug check against the new one once it is in."""
    layer = await layers.layer_to_replace(session, slug, user)
    limit = request.app.state.settings.max_upload_bytes
    async with receive_upload(request, limit) as upload:
        options = upload.options(layers.replacement_defaults(layer))
        new = await layers.replace_layer(
            session, user, layer, upload.file_path(), options, upload.filename
        )
    return (await layers.describe_all(session, [new], user, str(request.base_url)))[0]


@router.get("")
async def list_layers(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    campaign: Annotated[
        str | None,
        Query(
            description="Only the layers this campaign's rules may use: shared and its "
            "organisation's."
        ),
    ] = None,
) -> LayerList:
    """The layers the caller may use in rules: the shared ones and those of their
    organisations and of the organisations of campaigns they own (all, for instance admins)."""
    found = await layers.usable_layers(session, user, campaign)
    return LayerList(layers=await layers.describe_all(session, found, user, str(request.base_url)))


@router.get("/{slug}")
async def get_layer(
    slug: str, request: Request, session: SessionDep, user: OptionalUser
) -> LayerOut:
    """The layer, with the rules that use it (in the campaigns the caller may see)."""
    layer = await layers.get_layer(session, slug)
    return (await layers.describe_all(session, [layer], user, str(request.base_url)))[0]


@router.delete("/{slug}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_layer(slug: str, session: SessionDep, user: CurrentUser) -> Response:
    """Delete a layer and its features (those who may replace it may); refused (409, naming
    them in `usedBy`) while a campaign rule uses it."""
    await layers.delete_layer(session, slug, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- multipart upload, streamed to a temporary file (app/uploads.py) -------------------------


@dataclass
class Upload:
    """The form members of an upload, and its file saved under ``received.directory``."""

    received: ReceivedUpload

    @property
    def filename(self) -> str | None:
        return self.received.filename

    def file_path(self) -> Path:
        if self.filename is None:
            raise ValidationFailed([FieldError(f"/{FILE_MEMBER}", "required")])
        # The client's file name, made safe: GDAL recognises some formats (CSV) and we
        # recognise zips by the suffix only, and GDAL names a GeoJSON or CSV layer after it.
        safe = _UNSAFE_IN_NAMES.sub("_", self.filename)[-100:].lstrip(".") or "upload"
        return self.received.directory / ("source-" + safe if safe == RECEIVING else safe)

    def take_member(self, name: str) -> str | None:
        """Remove form member ``name`` and give its value (None when empty or absent)."""
        value = self.received.members.pop(name, "").strip()
        refuse_unstorable({name: value})
        return value or None

    def options(self, defaults: dict[str, str] | None = None) -> LayerImport:
        # An empty form member means "not given", as in an HTML form.
        given = {name: value for name, value in self.received.members.items() if value.strip()}
        refuse_unstorable({**given, FILE_MEMBER: self.filename})
        try:
            return LayerImport.model_validate({**(defaults or {}), **given})
        except ValidationError as error:
            raise RequestValidationError(error.errors(include_url=False)) from error


@asynccontextmanager
async def receive_upload(request: Request, limit: int) -> AsyncIterator[Upload]:
    """Stream a multipart/form-data body: the file to disk, refused past ``limit`` bytes as
    soon as it gets there (not after the whole body was received), the other members kept."""
    if form_boundary(request.headers.get("content-type", "")) is None:
        raise BadRequest("layer_upload_not_multipart")
    rules = UploadRules(limit, lambda: _too_large(limit), "layer_upload_malformed", FILE_MEMBER)
    async with temporary_upload() as received:
        await receive_form(request, received, rules)
        upload = Upload(received)
        if upload.filename is not None:
            await anyio.Path(received.path).rename(upload.file_path())
        yield upload


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge("layer_file_too_large", limit=limit, limit_mib=round(limit / 2**20, 1))
