"""Forms for finding, registering and editing a person. They turn HTML inputs into values;
the rules (validation naming each wrong field, what a role may see) are the domain's."""

from collections.abc import Collection

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.lib.formfields import NotFutureDateField
from amparo.people.domain.cases import PersonData
from amparo.people.domain.search import PersonQuery
from amparo.people.enums import Sex


class SearchForm(forms.Form):
    """The search before registering. Sent by POST: names and documents never go in a URL."""

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

    def query(self) -> PersonQuery:
        data = self.cleaned_data
        return PersonQuery(
            given_names=data["given_names"],
            first_surname=data["first_surname"],
            second_surname=data["second_surname"],
            birth_year=data["birth_year"],
            document_number=data["document_number"],
        )


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

    def _codes(self, name: str, *, upper: bool) -> list[str]:
        """ISO codes from a comma-separated text: countries upper case (`HN`), languages lower
        case (`es`), as the person stores them; two or three letters each."""
        raw: str = self.cleaned_data.get(name, "")
        codes = [c.strip() for c in raw.split(",") if c.strip()]
        codes = [c.upper() if upper else c.lower() for c in codes]
        bad = [c for c in codes if len(c) not in (2, 3) or not c.isalpha()]
        if bad:
            raise forms.ValidationError(
                _("Not a valid code: %(codes)s") % {"codes": ", ".join(bad)}
            )
        return codes

    def clean_nationalities(self) -> list[str]:
        return self._codes("nationalities", upper=True)

    def clean_languages(self) -> list[str]:
        return self._codes("languages", upper=False)

    def person_data(self) -> PersonData:
        """The new person's details, for `open_case_for_new_person`."""
        data = self.cleaned_data
        documents = []
        if data["document_number"]:
            kind = data["document_type"] or "document"
            documents = [{"type": kind, "number": data["document_number"], "country": ""}]
        return PersonData(
            given_names=data["given_names"],
            first_surname=data["first_surname"],
            second_surname=data["second_surname"],
            sex=data["sex"],
            birth_date=data["birth_date"],
            birth_date_is_approximate=data["birth_date_is_approximate"],
            nationalities=data["nationalities"],
            languages=data["languages"],
            documents=documents,
            phone=data["phone"],
        )


class PersonEditForm(PersonForm):
    """Editing a person: only the fields the reader may see (`person_fields_for`), plus the
    version the page was opened at. Fields left out are neither shown nor changed."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        initial: dict[str, object] | None = None,
        visible: Collection[str],
    ) -> None:
        super().__init__(data, initial=initial)
        for name in ("document_type", "document_number"):
            del self.fields[name]  # documents are edited with their own history, not here
        for name in list(self.fields):
            if name != "version" and name not in visible:
                del self.fields[name]

    def changes(self) -> dict[str, object]:
        """The submitted value of every field on the form, as the person stores it."""
        values = {name: self.cleaned_data[name] for name in self.fields if name != "version"}
        if "birth_date" in values:
            birth = values["birth_date"]
            values["birth_date"] = birth.isoformat() if birth else ""
        return values

    @staticmethod
    def initial_from(values: dict[str, object]) -> dict[str, object]:
        """The form's initial values from `PersonView.values`."""
        initial = dict(values)
        for name in ("nationalities", "languages"):
            codes = values.get(name)
            if isinstance(codes, list):
                initial[name] = ", ".join(str(code) for code in codes)
        return initial
