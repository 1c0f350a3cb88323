"""The forms of the field-collection pages: registering a partner's webhook, uploading an
export of submissions, choosing the XLSForm to download and the HTCDS export's recipient."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Agency
from amparo.fieldwork.enums import SubmissionFormat, WebhookEvent
from amparo.fieldwork.interfaces.xlsform import LANGUAGE_NAMES


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


# The largest export a page or the API reads: a season of submissions of one team fits many times.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    """Upload a KoboToolbox or ODK Central export, to import as screenings of an agency."""

    file = forms.FileField(
        label=_("Export file"),
        help_text=_("A KoboToolbox JSON export or an ODK Central CSV export, at most 20 MB."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("From the file name (.csv is ODK Central)")), *SubmissionFormat.choices],
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label=_("Agency"),
        help_text=_("The agency the screenings are saved for: one where you work cases."),
    )

    def __init__(self, *args: object, agencies: QuerySet[Agency], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("%(file)s is larger than 20 MB: export fewer submissions at a time."),
                params={"file": upload.name},
            )
        return upload


class XlsformForm(forms.Form):
    """Which protocol's form to download, and its default language (read from a GET)."""

    protocol = forms.ChoiceField(label=_("Protocol"))
    lang = forms.ChoiceField(
        label=_("Language the form opens in"),
        choices=list(LANGUAGE_NAMES.items()),
        help_text=_("The form holds all three languages; the collector can switch."),
    )

    def __init__(self, *args: object, protocols: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["protocol"].choices = protocols  # type: ignore[attr-defined]


class HtcdsForm(forms.Form):
    """For whom the HTCDS export is: a publication (k-anonymised) or one named recipient."""

    PUBLICATION, RECIPIENT = "publication", "recipient"
    purpose = forms.ChoiceField(
        label=_("The export is for"),
        widget=forms.RadioSelect,
        choices=[
            (PUBLICATION, _("Publication: anonymised, rare rows generalised or left out")),
            (RECIPIENT, _("A named recipient: cases whose person consented to share with it")),
        ],
    )
    recipient = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True, enforcement=False).order_by(
            "country_id", "name"
        ),
        label=_("Recipient institution"),
        required=False,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("purpose") == self.RECIPIENT and data.get("recipient") is None:
            self.add_error("recipient", _("Choose the institution the export is for."))
        if data.get("purpose") == self.PUBLICATION and data.get("recipient") is not None:
            self.add_error("recipient", _("An export for publication names no recipient."))
        return data
