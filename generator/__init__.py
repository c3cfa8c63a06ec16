"""Footfall: a static-site generator for a reflective running journal."""

__version__ = "0.1.0"
