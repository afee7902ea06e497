"""Shared test helpers: fixtures and builders (see fixtures.py)."""
