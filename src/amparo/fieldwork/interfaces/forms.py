"""The form an administrator registers a partner's webhook with."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Agency
from amparo.fieldwork.enums import WebhookEvent


class WebhookForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label=_("Events of"),
        help_text=_("The agency whose referrals and screenings the partner hears about."),
    )
    partner = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label=_("Partner institution"),
        help_text=_(
            "The institution that runs the receiving system. Nothing about a person goes to "
            "an institution of a country they fear, nor to a body with detention or removal "
            "powers."
        ),
    )
    url = forms.URLField(label=_("Receiver address"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, agencies: QuerySet[Agency], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        partners = Agency.objects.filter(active=True, enforcement=False).order_by(
            "country_id", "name"
        )
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
