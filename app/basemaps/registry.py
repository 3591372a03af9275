"""The basemaps an instance serves: every ``<name>.pmtiles`` or ``<name>.mbtiles`` archive of
its basemaps folders, with an optional ``<name>.style.json`` beside it (a MapLibre style of the
operator's own) and the glyphs under ``fonts/<font name>/<range>.pbf``.

Folders, first found wins: ``RELEVE_BASEMAPS_DIR`` (default ``<data dir>/basemaps``), then the
demo basemaps ``make setup`` builds into ``build/basemaps`` of the checkout. An archive replaced
on disk is reopened on the next request (its size or modification time changed).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from app.basemaps.archive import Archive, ArchiveError, open_archive
from app.config import Settings
from app.errors import FieldError, ValidationFailed

logger = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).resolve().parents[2] / "build" / "basemaps"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SUFFIXES = (".pmtiles", ".mbtiles")


@dataclass(frozen=True, slots=True)
class Basemap:
    name: str
    path: Path
    archive: Archive
    style_path: Path | None


def folders(settings: Settings) -> list[Path]:
    own = settings.basemaps_dir or settings.data_dir / "basemaps"
    return [own, DEMO_DIR]


_lock = threading.Lock()
_opened: dict[Path, tuple[tuple[int, int], Basemap]] = {}


def _open(name: str, path: Path) -> Basemap | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _lock:
        cached = _opened.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            archive = open_archive(path)
        except (ArchiveError, OSError) as error:
            logger.warning("basemap %s not served: %s", path.name, error)
            return None
        style = path.with_name(f"{name}.style.json")
        basemap = Basemap(name, path, archive, style if style.is_file() else None)
        _opened[path] = (stamp, basemap)
        return basemap


def find(settings: Settings, name: str) -> Basemap | None:
    if not NAME.match(name):
        return None
    for folder in folders(settings):
        for suffix in SUFFIXES:
            path = folder / f"{name}{suffix}"
            if path.is_file():
                return _open(name, path)
    return None


def all_basemaps(settings: Settings) -> list[Basemap]:
    found: dict[str, Basemap] = {}
    for folder in folders(settings):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            name = path.stem
            if path.suffix in SUFFIXES and NAME.match(name) and name not in found:
                basemap = _open(name, path)
                if basemap is not None:
                    found[name] = basemap
    return list(found.values())


def font_file(settings: Settings, font: str, first: int) -> Path | None:
    """The glyph range starting at ``first`` of ``font``, from the first folder that has it."""
    for folder in folders(settings):
        path = folder / "fonts" / font / f"{first}-{first + 255}.pbf"
        if path.is_file():
            return path
    return None


def require_served(settings: Settings, name: str | None) -> None:
    """A campaign may only name a basemap this instance serves (422 naming it otherwise)."""
    if name is not None and find(settings, name) is None:
        raise ValidationFailed([FieldError("/basemap", "basemap_unknown", {"name": name})])
