"""GeoPackage and FlatGeobuf exports cached on disk, one file per request and data version.

A file is built once (GDAL writes it whole), into a temporary directory beside it, then
renamed into place: a reader sees the whole file or none. Concurrent first requests, in this
process or another one on the same disk, wait on a lock file instead of building twice; once
built, the other versions of the same request are removed. Range requests read the file.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from app.exports.files import write_file
from app.exports.service import EXTENSIONS, Export
from app.exports.versions import DataVersion

LOCK_POLL_S = 0.05
# Files of requests nobody asked again for a day go when another file of the campaign is built.
STALE_AFTER_S = 24 * 3600
_LOCKS: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


async def cached_file(
    session: AsyncSession, export: Export, version: DataVersion, root: Path
) -> Path:
    """The path of the export's file for this data version, built when missing."""
    directory = root / export.collection.id
    extension = EXTENSIONS[export.format]
    target = directory / f"{version.request_key}-{version.data_key}.{extension}"
    if target.exists():
        return target
    directory.mkdir(parents=True, exist_ok=True)
    async with _exclusive(directory / f"{version.request_key}.lock"):
        if target.exists():  # built while we waited
            return target
        build = Path(tempfile.mkdtemp(prefix=".build-", dir=directory))
        try:
            os.replace(await write_file(session, export, build), target)
        finally:
            shutil.rmtree(build, ignore_errors=True)
        _remove_old(directory, version.request_key, target)
    return target


@asynccontextmanager
async def _exclusive(path: Path) -> AsyncIterator[None]:
    """Held by one task of one process at a time (flock, polled so no thread is held)."""
    lock = _LOCKS.get(str(path))
    if lock is None:
        lock = _LOCKS[str(path)] = asyncio.Lock()
    async with lock:
        with path.open("a+b") as handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    await asyncio.sleep(LOCK_POLL_S)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_old(directory: Path, request_key: str, current: Path) -> None:
    """Other versions of the same request, and what nobody built for a day."""
    stale = time.time() - STALE_AFTER_S
    for path in directory.iterdir():
        if path == current or path.suffix == ".lock":
            continue
        try:
            if path.name.startswith(request_key + "-") or path.stat().st_mtime < stale:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        except FileNotFoundError:
            continue  # removed by another process meanwhile
