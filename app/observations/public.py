"""Location generalisation: what open outputs publish of an observation's place.

A campaign about sensitive subjects sets ``location_precision_m``: every public output (the
API's listings for the public, OGC API, tiles, exports, the embed map, the change feed) then
shows each observation as its centroid snapped to a grid of that many metres. Exact
coordinates stay visible to the author, the campaign's validators and owners, and admins.
The grid is sized in degrees at the latitude of the campaign area's centroid (or 45° without
an area): never from the data, or published points would move as observations arrive.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import func

from app.observations.models import Observation

# Metres per degree of latitude (WGS 84, mean) and of longitude at the equator.
METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON = 111_320.0
# Campaigns without an area size their generalisation grid at this latitude.
DEFAULT_GRID_LATITUDE = 45.0


def grid_cell(precision_m: int, latitude: float) -> tuple[float, float]:
    """A cell of ``precision_m`` metres in degrees (dx, dy) at ``latitude``."""
    cos_lat = max(math.cos(math.radians(latitude)), 0.01)
    return precision_m / (METRES_PER_DEGREE_LON * cos_lat), precision_m / METRES_PER_DEGREE_LAT


def public_geometry(grid: tuple[float, float] | None) -> Any:
    """The one expression every output uses for an observation's published geometry.

    With a generalisation grid, every geometry becomes its centroid snapped to the grid: a
    polygon's outline would give away the place the grid is meant to hide.
    """
    if grid is None:
        return Observation.geom
    return func.ST_SnapToGrid(func.ST_Centroid(Observation.geom), 0.0, 0.0, grid[0], grid[1])
