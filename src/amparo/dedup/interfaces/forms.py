"""The form of the review queue's pages: a supervisor's scan of their scope."""

from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.dedup.linkage.model import DEFAULT_THRESHOLD

# Thresholds offered, as strings (the same in every language: no decimal comma to parse).
THRESHOLDS = [
    (str(DEFAULT_THRESHOLD), _("Strict: only very likely duplicates (recommended)")),
    ("0.9", _("Broad: more pairs, some of them different persons")),
    ("0.5", _("Widest: every pair more likely one person than two")),
]


class ScanForm(forms.Form):
    threshold = forms.TypedChoiceField(
        label=_("Which pairs to add"),
        choices=THRESHOLDS,
        coerce=float,
        initial=str(DEFAULT_THRESHOLD),
    )
