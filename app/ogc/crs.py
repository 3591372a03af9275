"""Coordinate reference systems of OGC API - Features Part 2: which ones, and their axis order.

Storage is EPSG:4326 with longitude first (as PostGIS and GeoJSON hold it). The URI
``http://www.opengis.net/def/crs/EPSG/0/4326`` means latitude first, as the EPSG registry
defines it: coordinates in or out of that CRS are swapped (``ST_FlipCoordinates``).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import BadRequest


@dataclass(frozen=True, slots=True)
class Crs:
    uri: str
    srid: int
    # True when the CRS's first axis is latitude (northing): coordinates must be swapped.
    lat_first: bool
    # Decimals sent for coordinates: ~1 cm in degrees (7) or in metres (2).
    decimals: int


CRS84 = Crs("http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326, False, 7)
EPSG_4326 = Crs("http://www.opengis.net/def/crs/EPSG/0/4326", 4326, True, 7)
EPSG_3857 = Crs("http://www.opengis.net/def/crs/EPSG/0/3857", 3857, False, 2)
EPSG_2154 = Crs("http://www.opengis.net/def/crs/EPSG/0/2154", 2154, False, 2)

SUPPORTED: tuple[Crs, ...] = (CRS84, EPSG_4326, EPSG_3857, EPSG_2154)
_BY_NAME: dict[str, Crs] = {crs.uri: crs for crs in SUPPORTED} | {
    # Short spellings clients use; the URI stays the canonical answer (Content-Crs).
    "CRS84": CRS84,
    "OGC:CRS84": CRS84,
    "urn:ogc:def:crs:OGC:1.3:CRS84": CRS84,
    "EPSG:4326": EPSG_4326,
    "urn:ogc:def:crs:EPSG::4326": EPSG_4326,
    "EPSG:3857": EPSG_3857,
    "urn:ogc:def:crs:EPSG::3857": EPSG_3857,
    "EPSG:2154": EPSG_2154,
    "urn:ogc:def:crs:EPSG::2154": EPSG_2154,
}


def parse_crs(value: str | None, parameter: str) -> Crs:
    """The CRS named by a ``crs``, ``bbox-crs`` or ``filter-crs`` value (default CRS84)."""
    if value is None or value == "":
        return CRS84
    crs = _BY_NAME.get(value.strip().strip("[]<>"))
    if crs is None:
        raise BadRequest(
            "ogc_crs_unsupported",
            parameter=parameter,
            crs=value,
            supported=", ".join(c.uri for c in SUPPORTED),
        )
    return crs


def srid_of_geojson_crs(name: str) -> Crs | None:
    """The CRS of a legacy GeoJSON/EWKT ``crs`` name (``urn:ogc:def:crs:EPSG::2154``)."""
    return _BY_NAME.get(name.strip())


def content_crs_header(crs: Crs) -> str:
    return f"<{crs.uri}>"
