"""OGC API - Features (Parts 1, 2 and 3) over published campaigns and reference layers."""
