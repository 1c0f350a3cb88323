"""The evidence of a likely duplicate in plain words: one line per compared field.

Each comparison of the model (linkage/model.py) has its levels in this order, best first;
Splink numbers them from the top down, with -1 when a value is missing.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise

FIELDS: dict[str, StrOrPromise] = {
    "given_name": _("Given names"),
    "surnames": _("Surnames"),
    "birth_date": _("Birth date"),
    "document": _("Identity document"),
    "phone_n": _("Phone"),
    "sex": _("Sex"),
    "nationality": _("Nationality"),
    "postcode": _("Postcode"),
    "locality": _("Locality"),
    "address": _("Address"),
}

# The person fields (people.rules.FIELD_SENSITIVITY) each comparison reads: its evidence shows
# only to a reader who may read every one of them for both persons. A comparison not listed
# (address, locality, postcode: no person field says who may read them) is never shown.
READS: dict[str, tuple[str, ...]] = {
    "given_name": ("given_names",),
    "surnames": ("first_surname", "second_surname"),
    "birth_date": ("birth_date",),
    "document": ("documents",),
    "phone_n": ("phone",),
    "sex": ("sex",),
    "nationality": ("nationalities",),
}

_SAME = _("the same")
_DIFFERENT = _("different")
_NAMES_SWAPPED = _("given name and surname swapped")
_ONE_CHARACTER = _("one character different")
LEVELS: dict[str, list[StrOrPromise]] = {
    "given_name": [_("all the same"), _("the same first name"), _NAMES_SWAPPED,
                   _("the same first name by sound"),
                   _("very similar"), _("one given name in common"), _("somewhat similar"),
                   _DIFFERENT],
    "surnames": [_("both the same"), _("the same, in the other order"), _("the first the same"),
                 _NAMES_SWAPPED,
                 _("sound the same, or one surname in the other's place"), _("very similar"),
                 _DIFFERENT],
    "birth_date": [_SAME, _("day and month swapped"), _("the year off by one"),
                   _("the same year, one date approximate"), _("the same year"), _DIFFERENT],
    "document": [_SAME, _ONE_CHARACTER, _DIFFERENT],
    "phone_n": [_SAME, _DIFFERENT],
    "sex": [_SAME, _DIFFERENT],
    "nationality": [_SAME, _DIFFERENT],
    "postcode": [_SAME, _ONE_CHARACTER, _DIFFERENT],
    "locality": [_SAME, _("very similar"), _DIFFERENT],
    "address": [_SAME, _("very similar"), _("similar"), _DIFFERENT],
}  # fmt: skip


@dataclass(frozen=True)
class EvidenceLine:
    comparison: str  # the model's comparison code: given_name, surnames, birth_date...
    level: int  # Splink's comparison vector value: -1 missing, 0 different, higher closer
    field: StrOrPromise
    finding: StrOrPromise
    weight: float

    @property
    def direction(self) -> StrOrPromise:
        """Splink's waterfall in words: how far this field moves the odds."""
        if self.weight >= 4:
            return _("strong evidence of the same person")
        if self.weight > 0.5:
            return _("some evidence of the same person")
        if self.weight >= -0.5:
            return _("no evidence either way")
        if self.weight > -4:
            return _("some evidence of different persons")
        return _("strong evidence of different persons")


def describe(
    evidence: list[dict[str, object]], *, readable: frozenset[str] | None = None
) -> list[EvidenceLine]:
    """Stored evidence ({comparison, level, weight}) as lines to show, strongest first.

    With `readable` (the person fields the reader may read of both persons), only the lines
    of comparisons whose fields are all readable (`READS`).
    """
    lines = []
    for item in evidence:
        name = str(item["comparison"])
        level = int(str(item["level"]))
        levels = LEVELS.get(name)
        if levels is None:
            continue
        if readable is not None and not set(READS.get(name, ("-",))) <= readable:
            continue
        finding = _("missing on one side") if level < 0 else levels[len(levels) - 1 - level]
        lines.append(EvidenceLine(name, level, FIELDS[name], finding, float(str(item["weight"]))))
    return sorted(lines, key=lambda line: -abs(line.weight))
