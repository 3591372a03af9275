"""Reference layers over HTTP: upload (admins), list, read, delete (admins)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.responses import Response

from app.auth.deps import AdminUser
from app.db.session import SessionDep
from app.errors import BadRequest, FieldError, PayloadTooLarge, ValidationFailed
from app.guards import refuse_unstorable
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
                    },
                }
            }
        },
    }
}


@router.post("", status_code=status.HTTP_201_CREATED, openapi_extra=UPLOAD_BODY)
async def import_layer(request: Request, session: SessionDep, user: AdminUser) -> LayerOut:
    """Import a file as reference layer `slug`, replacing the layer of that slug if any."""
    limit = request.app.state.settings.max_upload_bytes
    async with receive_upload(request, limit) as upload:
        layer = await layers.import_layer(
            session, upload.file_path(), upload.options(), name=upload.filename, user_id=user.id
        )
    return layers.describe(layer, str(request.base_url))


@router.get("")
async def list_layers(request: Request, session: SessionDep) -> LayerList:
    found = await layers.list_layers(session)
    return LayerList(layers=[layers.describe(layer, str(request.base_url)) for layer in found])


@router.get("/{slug}")
async def get_layer(slug: str, request: Request, session: SessionDep) -> LayerOut:
    return layers.describe(await layers.get_layer(session, slug), str(request.base_url))


@router.delete("/{slug}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_layer(slug: str, session: SessionDep, user: AdminUser) -> Response:
    """Delete a layer and its features; refused (409) while a campaign rule uses it."""
    await layers.delete_layer(session, slug)
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

    def options(self) -> LayerImport:
        # An empty form member means "not given", as in an HTML form.
        given = {name: value for name, value in self.received.members.items() if value.strip()}
        refuse_unstorable({**given, FILE_MEMBER: self.filename})
        try:
            return LayerImport.model_validate(given)
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
