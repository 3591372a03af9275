"""The OGC tests' campaign of four trees, for the HTTP conventions' tests."""

from tests.ogc.conftest import trees

__all__ = ["trees"]
