"""Relevé: crowdsourced geodata collection."""

__version__ = "0.1.0"
