"""The exports tests use the trees of the OGC API tests."""

from tests.ogc.conftest import gdal, trees

__all__ = ["gdal", "trees"]
