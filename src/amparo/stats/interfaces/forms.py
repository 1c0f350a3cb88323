"""The filters of every statistics view (dashboard, downloads, PDF report and the API)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from amparo.accounts.models import Country
from amparo.people.enums import Sex
from amparo.referrals.enums import ServedProfile
from amparo.stats.domain.scope import SCOPE_LABELS
from amparo.stats.domain.tables import Filters
from amparo.stats.enums import AgeBand

_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
FILTER_NAMES = ("start", "end", "country", "profile", "sex", "age_band")


class FilterForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), required=False)
    start = forms.RegexField(
        label=gettext_lazy("From (YYYY-MM)"), regex=_MONTH, required=False, max_length=7
    )
    end = forms.RegexField(
        label=gettext_lazy("To (YYYY-MM)"), regex=_MONTH, required=False, max_length=7
    )
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    profile = forms.ChoiceField(
        label=gettext_lazy("Profile"), choices=[("", "—"), *ServedProfile.choices], required=False
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("Sex"), choices=[("", "—"), *Sex.choices], required=False
    )
    age_band = forms.ChoiceField(
        label=gettext_lazy("Age band"), choices=[("", "—"), *AgeBand.choices], required=False
    )

    def __init__(self, *args: Any, scopes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(s, SCOPE_LABELS[s]) for s in scopes]  # type: ignore[attr-defined]
        countries = [(c.code, c.name) for c in Country.objects.all()]
        self.fields["country"].choices = [("", "—"), *countries]  # type: ignore[attr-defined]

    def filters(self) -> Filters:
        """The valid filters (call after `is_valid()`)."""
        return Filters(**{name: self.cleaned_data.get(name) or "" for name in FILTER_NAMES})


def read_filters(data: Any, *, scopes: list[str]) -> tuple[str | None, Filters]:
    """The requested scope kind and filters, or a ValidationError naming each wrong field."""
    form = FilterForm(data, scopes=scopes)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return form.cleaned_data.get("scope") or None, form.filters()


class PeriodForm(forms.Form):
    """The month of the regional picture, among the months received."""

    period = forms.ChoiceField(label=gettext_lazy("Month"), required=False)

    def __init__(self, *args: Any, periods: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p, p) for p in periods]  # type: ignore[attr-defined]
