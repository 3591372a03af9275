"""Bulk exports of a campaign's published observations (GeoJSON, GeoJSONSeq, CSV, GPKG, FGB)."""
