"""Screening pages (filled in by the screening web work)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
