"""Form widgets and fields shared by every app's forms.

Browsers read the value of `<input type="date">` only as an ISO date (`2026-05-17`); a value
in the language's format (`17/05/2026` in Spanish and French) shows an empty box, and saving
the unchanged page then erases the date. These widgets always write ISO values, whatever the
interface language; Django's date fields accept ISO input in every language.
"""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IsoDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class IsoDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class IsoDateField(forms.DateField):
    widget = IsoDateInput


class NotFutureDateField(IsoDateField):
    """A date that cannot be later than today in the node's time zone."""

    def clean(self, value: object) -> dt.date | None:
        date: dt.date | None = super().clean(value)
        if date is not None and date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date
