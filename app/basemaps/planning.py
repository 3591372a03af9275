"""What an offline copy of an area costs: the tiles of a box at each zoom, and their bytes
read from the archive's directory (no tile is read), so the field app can show the size before
it starts and pick the deepest zoom that fits the citizen's budget.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.basemaps.archive import Archive

# A plan stops past this many tiles at one zoom (a country at zoom 18 is not an offline area).
MAX_TILES_PER_ZOOM = 50_000
_MAX_LATITUDE = 85.0511287798066


@dataclass(frozen=True, slots=True)
class ZoomCost:
    zoom: int
    tiles: int  # tiles the archive has in the box at this zoom
    bytes: int
    cumulative_bytes: int  # this zoom and every zoom under it


def tile_range(bbox: tuple[float, float, float, float], zoom: int) -> tuple[int, int, int, int]:
    """Columns and rows (x0, y0, x1, y1, inclusive) of the tiles covering ``bbox``."""
    west, south, east, north = bbox
    count = 1 << zoom

    def column(lon: float) -> int:
        return min(count - 1, max(0, int((lon + 180.0) / 360.0 * count)))

    def row(lat: float) -> int:
        lat = max(-_MAX_LATITUDE, min(_MAX_LATITUDE, lat))
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2
        return min(count - 1, max(0, int(y * count)))

    return column(west), row(north), column(east), row(south)


def plan(
    archive: Archive, bbox: tuple[float, float, float, float], budget: int | None
) -> tuple[list[ZoomCost], int | None]:
    """Cost per zoom from the archive's minimum zoom up, and the deepest zoom whose cumulative
    size fits ``budget`` (None: none fits). Stops at the first zoom past the budget."""
    info = archive.info
    costs: list[ZoomCost] = []
    total = 0
    fitting: int | None = None
    for zoom in range(info.minzoom, info.maxzoom + 1):
        x0, y0, x1, y1 = tile_range(bbox, zoom)
        if (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES_PER_ZOOM:
            break
        tiles = size = 0
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                length = archive.tile_size(zoom, x, y)
                if length is not None:
                    tiles += 1
                    size += length
        total += size
        costs.append(ZoomCost(zoom, tiles, size, total))
        if budget is not None and total > budget:
            break
        fitting = zoom
    return costs, fitting
