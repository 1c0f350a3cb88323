"""Screening endpoints (filled in by the screening web work)."""

from ninja import Router

router = Router()
