"""Amparo: protection case management for vulnerable migrants."""
