"""Upload bodies streamed to a temporary file, their size enforced while they arrive.

Nothing here holds a body in memory: a raw body or the file member of a multipart form goes to
disk chunk by chunk, and the count of bytes read stops the request as soon as it passes the
limit, whatever ``Content-Length`` said (or when there is none: a chunked body). The other
form members are small and kept in memory, within bounds.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import anyio
from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from app.errors import BadRequest, DomainError

RECEIVING = "receiving"  # the file's name while it arrives
# Room for the form members and multipart framing around the file.
FORM_ALLOWANCE_BYTES = 1024 * 1024
MAX_FORM_MEMBER_BYTES = 64 * 1024
MAX_FORM_MEMBERS = 20
MAX_PART_HEADER_BYTES = 8 * 1024


@dataclass(frozen=True, slots=True)
class UploadRules:
    """How much may arrive, and the problems that say it did not fit."""

    limit: int
    too_large: Callable[[], DomainError]
    malformed_code: str
    file_member: str = "file"

    def malformed(self, reason: str) -> BadRequest:
        return BadRequest(self.malformed_code, reason=reason)


@dataclass
class ReceivedUpload:
    """What arrived: the file (if any) in ``directory``, its name, size, hash, the members."""

    directory: Path
    members: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    size: int = 0
    sha256: str = ""

    @property
    def path(self) -> Path:
        return self.directory / RECEIVING


@asynccontextmanager
async def temporary_upload() -> AsyncIterator[ReceivedUpload]:
    """A fresh temporary directory for one upload, removed with everything in it afterwards."""
    directory = Path(await anyio.to_thread.run_sync(tempfile.mkdtemp, "", "releve-upload-"))
    try:
        yield ReceivedUpload(directory)
    finally:
        await anyio.to_thread.run_sync(shutil.rmtree, directory, True)


def refuse_declared_length(request: Request, allowed: int, rules: UploadRules) -> None:
    """Answer at once when the declared length is already too large (a lie is caught later)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > allowed:
        raise rules.too_large()


async def receive_body(request: Request, upload: ReceivedUpload, rules: UploadRules) -> None:
    """Stream the raw body to ``upload.path``, refused past ``rules.limit`` bytes."""
    refuse_declared_length(request, rules.limit, rules)
    digest = hashlib.sha256()
    async with await anyio.open_file(upload.path, "wb") as file:
        async for chunk in request.stream():
            upload.size += len(chunk)
            if upload.size > rules.limit:
                raise rules.too_large()
            digest.update(chunk)
            await file.write(chunk)
    upload.sha256 = digest.hexdigest()


async def receive_form(request: Request, upload: ReceivedUpload, rules: UploadRules) -> None:
    """Stream a multipart/form-data body: the file member to ``upload.path`` (refused past
    ``rules.limit`` bytes as soon as it gets there), the other members kept in ``members``."""
    boundary = form_boundary(request.headers.get("content-type", ""))
    if boundary is None:
        raise rules.malformed("not a multipart/form-data body with a boundary")
    allowed = rules.limit + FORM_ALLOWANCE_BYTES
    refuse_declared_length(request, allowed, rules)
    parts = _Parts(upload, rules)
    parser = MultipartParser(boundary, parts.callbacks())
    received = 0
    async with await anyio.open_file(upload.path, "wb") as file:
        try:
            async for chunk in request.stream():
                received += len(chunk)
                if received > allowed:  # members and framing are bounded too
                    raise rules.too_large()
                parser.write(chunk)
                if parts.pending:
                    await file.write(b"".join(parts.pending))
                    parts.pending.clear()
            parser.finalize()
        except FormParserError as error:
            raise rules.malformed(str(error)) from error
    if not parts.finished:
        raise rules.malformed("the body ended before the last part")
    upload.sha256 = parts.digest.hexdigest()


def form_boundary(content_type: str) -> bytes | None:
    media_type, params = parse_options_header(content_type)
    if media_type != b"multipart/form-data" or not params.get(b"boundary"):
        return None
    return bytes(params[b"boundary"])


class _Parts:
    """python-multipart callbacks: file data queued for writing, small members in memory."""

    def __init__(self, upload: ReceivedUpload, rules: UploadRules) -> None:
        self.upload, self.rules = upload, rules
        self.pending: list[bytes] = []
        self.finished = False
        self.digest = hashlib.sha256()
        self._header_name = self._header_value = b""
        self._disposition = b""
        self._name: str | None = None
        self._in_file = False
        self._value = bytearray()
        self._parts = 0

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
        self._parts += 1
        if self._parts > MAX_FORM_MEMBERS + 1:
            raise self.rules.malformed("too many form members")
        self._disposition, self._name, self._in_file = b"", None, False
        self._value = bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]
        self._check_header()

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]
        self._check_header()

    def _check_header(self) -> None:
        if len(self._header_name) + len(self._header_value) > MAX_PART_HEADER_BYTES:
            raise self.rules.malformed(f"a part header is longer than {MAX_PART_HEADER_BYTES}")

    def _header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        self._in_file = self._name == self.rules.file_member and filename is not None
        if self._in_file and self.upload.filename is not None:
            raise self.rules.malformed(f"more than one '{self.rules.file_member}' member")
        if self._in_file:
            name = (filename or b"").decode("utf-8", "replace").replace("\\", "/")
            self.upload.filename = PurePosixPath(name).name or "upload"

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self.upload.size += end - start
            if self.upload.size > self.rules.limit:
                raise self.rules.too_large()
            self.pending.append(data[start:end])
            self.digest.update(data[start:end])
            return
        self._value += data[start:end]
        if len(self._value) > MAX_FORM_MEMBER_BYTES:
            reason = f"member '{self._name}' is longer than {MAX_FORM_MEMBER_BYTES} bytes"
            raise self.rules.malformed(reason)

    def _part_end(self) -> None:
        if not self._in_file and self._name:
            self.upload.members[self._name] = self._value.decode("utf-8", "replace")

    def _end(self) -> None:
        self.finished = True
