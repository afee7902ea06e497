"""The sections of the window, in navigation order (English msgids; shown through tr()).

A module of its own so the quick start window can draw the same navigation without importing the main
window (and with it the store)."""

from __future__ import annotations

PAGES = ("Inspect", "History", "Rectification", "Monthly summary", "To-do", "Settings")
