"""Forms for case management. They validate types and required fields; business rules
(allowed transitions, consent, approvals) live in the domain functions."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Agency
from amparo.casework.enums import (
    BestInterestsKind,
    ClosureReason,
    ConsentMethod,
    ConsentPurpose,
    DurableSolution,
    LegalBasis,
    TaskPriority,
    TracingStatus,
)
from amparo.people.enums import Sex

MIGRANT_LANGUAGE_CHOICES = [
    ("es", _("Spanish")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ht", _("Haitian Creole")),
    ("pt", _("Portuguese")),
]


def _not_future(value: dt.date | None) -> dt.date | None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return value


class NotFutureDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})

    def clean(self, value: object) -> dt.date | None:
        return _not_future(super().clean(value))


class SearchForm(forms.Form):
    given_names = forms.CharField(label=_("Given names"), max_length=120, required=False)
    first_surname = forms.CharField(label=_("First surname"), max_length=120, required=False)
    second_surname = forms.CharField(label=_("Second surname"), max_length=120, required=False)
    birth_year = forms.IntegerField(label=_("Birth year"), min_value=1900, required=False)
    document_number = forms.CharField(
        label=_("Identity document number"), max_length=60, required=False
    )

    def clean_birth_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("birth_year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("The year cannot be in the future."))
        return year

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not any(data.get(k) for k in ("given_names", "first_surname", "document_number")):
            raise forms.ValidationError(_("Give at least a name, a surname or a document number."))
        return data


class PersonForm(forms.Form):
    given_names = forms.CharField(label=_("Given names"), max_length=120)
    first_surname = forms.CharField(label=_("First surname"), max_length=120, required=False)
    second_surname = forms.CharField(label=_("Second surname"), max_length=120, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = NotFutureDateField(label=_("Birth date"), required=False)
    birth_date_is_approximate = forms.BooleanField(
        label=_("The birth date is approximate"), required=False
    )
    nationalities = forms.CharField(
        label=_("Nationalities (ISO codes, comma-separated)"), max_length=60, required=False
    )
    languages = forms.CharField(
        label=_("Languages (ISO codes, comma-separated)"), max_length=60, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    document_type = forms.CharField(
        label=_("Identity document type"), max_length=40, required=False
    )
    document_number = forms.CharField(
        label=_("Identity document number"), max_length=60, required=False
    )

    def _codes(self, name: str, length: int) -> list[str]:
        raw: str = self.cleaned_data.get(name, "")
        codes = [
            c.strip().upper() if length == 2 else c.strip().lower()
            for c in raw.split(",")
            if c.strip()
        ]
        bad = [c for c in codes if len(c) not in (length, 3) or not c.isalpha()]
        if bad:
            raise forms.ValidationError(
                _("Not a valid code: %(codes)s") % {"codes": ", ".join(bad)}
            )
        return codes

    def clean_nationalities(self) -> list[str]:
        return self._codes("nationalities", 2)

    def clean_languages(self) -> list[str]:
        return self._codes("languages", 2)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    method = forms.ChoiceField(
        label=_("How consent was given"),
        choices=[("", "—"), *ConsentMethod.choices],
        required=False,
    )
    recipient = forms.ModelChoiceField(
        label=_("Recipient (for sharing)"),
        queryset=Agency.objects.filter(active=True, enforcement=False),
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language of the consent text"), choices=MIGRANT_LANGUAGE_CHOICES
    )
    interpreter_used = forms.BooleanField(label=_("An interpreter was used"), required=False)
    interpreter_name = forms.CharField(
        label=_("Interpreter's name"), max_length=120, required=False
    )
    given_on = NotFutureDateField(label=_("Date"))
    expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    justification = forms.CharField(
        label=_("Justification (required without consent)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task (no names, please)"), max_length=200)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=TaskPriority.choices, initial=TaskPriority.NORMAL
    )
    due_at = forms.DateTimeField(
        label=_("Due"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=ClosureReason.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the case reopened?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class BestInterestsForm(forms.Form):
    kind = forms.ChoiceField(label=_("Record"), choices=BestInterestsKind.choices)
    held_on = NotFutureDateField(label=_("Date"))
    participants = forms.CharField(
        label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    child_views = forms.CharField(
        label=_("The child's views"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
    durable_solution = forms.ChoiceField(
        label=_("Durable solution"), choices=DurableSolution.choices
    )


class GuardianForm(forms.Form):
    name = forms.CharField(label=_("Guardian's name"), max_length=120)
    relationship = forms.CharField(label=_("Relationship or role"), max_length=40)
    agency = forms.ModelChoiceField(
        label=_("Agency (if institutional)"),
        queryset=Agency.objects.filter(active=True),
        required=False,
    )
    appointed_on = NotFutureDateField(label=_("Appointed on"), required=False)


class TracingForm(forms.Form):
    description = forms.CharField(label=_("Step"), widget=forms.Textarea(attrs={"rows": 2}))
    started_on = NotFutureDateField(label=_("Started on"))
    status = forms.ChoiceField(label=_("Status"), choices=TracingStatus.choices)
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
