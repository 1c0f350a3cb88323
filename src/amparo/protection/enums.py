"""Codes for audit actions. Payloads hold ids and codes only, never personal details."""

from django.db import models


class AuditAction(models.TextChoices):
    CASE_VIEWED = "case.viewed"
    CASE_LISTED = "case.listed"
    CASE_CREATED = "case.created"
    CASE_UPDATED = "case.updated"
    PERSON_CREATED = "person.created"
    PERSON_UPDATED = "person.updated"
    KEYS_ROTATED = "keys.rotated"
    USER_LOGGED_IN = "user.logged_in"
    USER_LOGIN_FAILED = "user.login_failed"
    USER_2FA_ENROLLED = "user.2fa_enrolled"
    REFERENCE_LOADED = "reference.loaded"
    DEMO_SEEDED = "demo.seeded"
