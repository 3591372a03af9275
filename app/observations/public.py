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
import uuid
from typing import Any

from sqlalchemy import CTE, ColumnElement, Float, case, cast, func, select

from app.campaigns.models import Campaign
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


def public_geometry(grid: tuple[float, float] | None, geom: Any = None) -> Any:
    """The one expression every output uses for an observation's published geometry (of
    ``geom``: the head row's by default, or a version's).

    With a generalisation grid, every geometry becomes its centroid snapped to the grid: a
    polygon's outline would give away the place the grid is meant to hide.
    """
    stored = Observation.geom if geom is None else geom
    if grid is None:
        return stored
    return func.ST_SnapToGrid(func.ST_Centroid(stored), 0.0, 0.0, grid[0], grid[1])


def shown_geometry(
    grid: tuple[float, float] | None, author: uuid.UUID | None, geom: Any = None
) -> Any:
    """The geometry a reader sees: exact for their own observations (``author``), public for
    everyone else's."""
    public = public_geometry(grid, geom)
    if grid is None or author is None:
        return public
    stored = Observation.geom if geom is None else geom
    return case((Observation.created_by == author, stored), else_=public)


def grid_margin(grid: tuple[float, float] | None) -> float:
    """How far a public geometry may lie from the stored one's bounding box (in degrees):
    the stored geometry's index prefilters with a box grown by it, the public one decides."""
    return max(grid) if grid else 0.0


# The same grid in SQL, for rows of many campaigns at once (the change feed, webhooks, the
# extents of collections): same constants, same latitude (the area's centroid), so a point
# reads the same everywhere (tests/sync checks the feed and OGC API agree).


def campaign_grids() -> CTE:
    """Each generalising campaign's grid cell in degrees (dx, dy), sized at the latitude of
    its area's centroid (45° without an area). Materialised: one centroid per campaign, not
    one per row."""
    latitude = func.coalesce(func.ST_Y(func.ST_Centroid(Campaign.area)), DEFAULT_GRID_LATITUDE)
    precision = cast(Campaign.location_precision_m, Float)
    cos_lat = func.greatest(func.cos(func.radians(latitude)), 0.01)
    query = select(
        Campaign.id.label("campaign_id"),
        (precision / (METRES_PER_DEGREE_LON * cos_lat)).label("dx"),
        (precision / METRES_PER_DEGREE_LAT).label("dy"),
    ).where(Campaign.location_precision_m.is_not(None))
    return query.cte("campaign_grid").prefix_with("MATERIALIZED")


def public_geometry_by_campaign(geom: Any, grid: CTE) -> ColumnElement[Any]:
    """``public_geometry`` for rows outer-joined with ``campaign_grids()`` on their campaign:
    on a generalising campaign every geometry becomes its centroid snapped to the grid."""
    snapped = func.ST_SnapToGrid(func.ST_Centroid(geom), 0.0, 0.0, grid.c.dx, grid.c.dy)
    return case((grid.c.dx.is_not(None), snapped), else_=geom)
