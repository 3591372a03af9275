"""Reference layers over HTTP: upload (admins), list, read, delete (admins)."""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import anyio
from fastapi import APIRouter, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.responses import Response

from app.auth.deps import AdminUser
from app.db.session import SessionDep
from app.errors import BadRequest, FieldError, PayloadTooLarge, ValidationFailed
from app.guards import refuse_unstorable
from app.quality import layers
from app.quality.schemas import LayerImport, LayerList, LayerOut

router = APIRouter(prefix="/reference-layers", tags=["reference layers"])

FILE_MEMBER = "file"
# Room for the form members and multipart framing around the file in a declared length.
FORM_ALLOWANCE_BYTES = 1024 * 1024
MAX_FORM_MEMBER_BYTES = 64 * 1024
MAX_FORM_MEMBERS = 20
RECEIVING = "receiving"  # the file's name while it arrives
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


# --- multipart upload, streamed to a temporary file -------------------------------------------


@dataclass
class Upload:
    """The form members of an upload, and its file saved under ``directory``."""

    directory: Path
    members: dict[str, str] = field(default_factory=dict)
    filename: str | None = None

    def file_path(self) -> Path:
        if self.filename is None:
            raise ValidationFailed([FieldError(f"/{FILE_MEMBER}", "required")])
        # The client's file name, made safe: GDAL recognises some formats (CSV) and we
        # recognise zips by the suffix only, and GDAL names a GeoJSON or CSV layer after it.
        safe = _UNSAFE_IN_NAMES.sub("_", self.filename)[-100:].lstrip(".") or "upload"
        return self.directory / ("source-" + safe if safe == RECEIVING else safe)

    def options(self) -> LayerImport:
        # An empty form member means "not given", as in an HTML form.
        given = {name: value for name, value in self.members.items() if value.strip()}
        refuse_unstorable({**given, FILE_MEMBER: self.filename})
        try:
            return LayerImport.model_validate(given)
        except ValidationError as error:
            raise RequestValidationError(error.errors(include_url=False)) from error


@asynccontextmanager
async def receive_upload(request: Request, limit: int) -> AsyncIterator[Upload]:
    """Stream a multipart/form-data body: the file to disk, refused past ``limit`` bytes as
    soon as it gets there (not after the whole body was received), the other members kept."""
    boundary = _boundary(request.headers.get("content-type", ""))
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_ALLOWANCE_BYTES:
        raise _too_large(limit)
    directory = Path(tempfile.mkdtemp(prefix="releve-upload-"))
    try:
        upload = Upload(directory)
        await _receive(request, boundary, upload, limit)
        yield upload
    finally:
        await asyncio.to_thread(shutil.rmtree, directory, True)


def _boundary(content_type: str) -> bytes:
    media_type, params = parse_options_header(content_type)
    if media_type != b"multipart/form-data" or not params.get(b"boundary"):
        raise BadRequest("layer_upload_not_multipart")
    return params[b"boundary"]


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge("layer_file_too_large", limit=limit, limit_mib=round(limit / 2**20, 1))


async def _receive(request: Request, boundary: bytes, upload: Upload, limit: int) -> None:
    parts = _Parts(upload, limit)
    parser = MultipartParser(boundary, parts.callbacks())
    async with await anyio.open_file(parts.path_placeholder(), "wb") as file:
        try:
            async for chunk in request.stream():
                parser.write(chunk)
                if parts.pending:
                    await file.write(b"".join(parts.pending))
                    parts.pending.clear()
            parser.finalize()
        except FormParserError as error:
            raise BadRequest("layer_upload_malformed", reason=str(error)) from error
    if not parts.finished:
        raise BadRequest("layer_upload_malformed", reason="the body ended before the last part")
    if upload.filename is not None:
        await anyio.Path(parts.path_placeholder()).rename(upload.file_path())


class _Parts:
    """python-multipart callbacks: file data queued for writing, small members in memory."""

    def __init__(self, upload: Upload, limit: int) -> None:
        self.upload, self.limit = upload, limit
        self.pending: list[bytes] = []
        self.finished = False
        self._header_name = self._header_value = b""
        self._disposition = b""
        self._name: str | None = None
        self._in_file = False
        self._file_bytes = 0
        self._value = bytearray()

    def path_placeholder(self) -> Path:
        return self.upload.directory / RECEIVING

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self._part_begin,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value_data,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_end": self._end,
        }

    def _part_begin(self) -> None:
        self._disposition, self._name, self._in_file = b"", None, False
        self._value = bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        self._in_file = self._name == FILE_MEMBER and filename is not None
        if self._in_file and self.upload.filename is not None:
            raise BadRequest("layer_upload_malformed", reason="more than one 'file' member")
        if self._in_file:
            name = (filename or b"").decode("utf-8", "replace").replace("\\", "/")
            self.upload.filename = PurePosixPath(name).name or "upload"
        elif len(self.upload.members) >= MAX_FORM_MEMBERS:
            raise BadRequest("layer_upload_malformed", reason="too many form members")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self._file_bytes += end - start
            if self._file_bytes > self.limit:
                raise _too_large(self.limit)
            self.pending.append(data[start:end])
            return
        self._value += data[start:end]
        if len(self._value) > MAX_FORM_MEMBER_BYTES:
            reason = f"member '{self._name}' is longer than {MAX_FORM_MEMBER_BYTES} bytes"
            raise BadRequest("layer_upload_malformed", reason=reason)

    def _part_end(self) -> None:
        if not self._in_file and self._name:
            self.upload.members[self._name] = self._value.decode("utf-8", "replace")

    def _end(self) -> None:
        self.finished = True
