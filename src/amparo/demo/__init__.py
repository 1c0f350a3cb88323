"""Synthetic demo data, built through the same domain functions as real work."""
