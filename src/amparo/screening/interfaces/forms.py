"""Forms of the screening pages: the protocol's questions as a form, the officer's decisions on
suggested profiles, and attaching the result to a case.

The questions form is built from the protocol file: one field per question the form shows,
given the answers so far (`show_if`). Yes/no questions offer "unknown" and start on it,
because an unknown answer is never a "no". Validation of the answers themselves is the
protocol's (`validate_answers`, through `submit_screening`); these forms only turn HTML
inputs into answer values.
"""

import functools
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from babel import Locale
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from amparo.people.models import Case
from amparo.screening.engine import visible_questions
from amparo.screening.enums import TEXT_LANGUAGES, AnswerType
from amparo.screening.protocol import AnswerValue, Protocol, Question, iso_country_codes

YES, NO, UNKNOWN = "yes", "no", "unknown"
BOOLEAN_CHOICES = [(YES, _("Yes")), (NO, _("No")), (UNKNOWN, _("Unknown"))]
NOT_ANSWERED = ""


def protocol_language() -> str:
    """The active language if protocols carry it, else Spanish."""
    lang = (get_language() or "es")[:2]
    return lang if lang in TEXT_LANGUAGES else "es"


def _sort_key(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


@functools.cache
def country_choices(lang: str) -> tuple[tuple[str, str], ...]:
    """ISO country codes with their names in `lang`, sorted by name."""
    names = Locale(lang).territories
    rows = [(code, str(names.get(code, code))) for code in iso_country_codes()]
    return tuple(sorted(rows, key=lambda row: _sort_key(row[1])))


def country_name(code: str, lang: str) -> str:
    return str(Locale(lang).territories.get(code, code))


# --- Reading raw form input (leniently) to know which questions show -------------------------


def _raw_answer(question: Question, data: QueryDict) -> AnswerValue | None:
    """One answer from raw input, or None when absent or not (yet) valid."""
    value = data.get(question.code, "")
    match question.type:
        case AnswerType.BOOLEAN:
            return {YES: True, NO: False}.get(value)
        case AnswerType.INTEGER:
            return int(value) if value.strip().lstrip("-").isdigit() else None
        case AnswerType.MULTI_CHOICE:
            chosen = data.getlist(question.code)
            return tuple(c for c in question.choices if c in chosen) or None
        case AnswerType.CHOICE:
            return value if value in question.choices else None
        case _:
            return value.upper() if value.upper() in iso_country_codes() else None


def shown_questions(protocol: Protocol, data: QueryDict | None) -> tuple[str, ...]:
    """The questions to show given raw input: answers to hidden questions are dropped until
    nothing changes, so a question that depends on a hidden one is hidden too."""
    answers: dict[str, AnswerValue] = {}
    if data is not None:
        raw = {code: _raw_answer(q, data) for code, q in protocol.questions.items()}
        answers = {code: value for code, value in raw.items() if value is not None}
    while True:
        shown = visible_questions(protocol, answers)
        kept = {code: value for code, value in answers.items() if code in shown}
        if kept == answers:
            return shown
        answers = kept


def answer_text(question: Question, value: object, lang: str) -> str:
    """An answer as the reader sees it: Yes/No, a number, choice labels, a country name."""
    match question.type:
        case AnswerType.BOOLEAN:
            return str(_("Yes") if value else _("No"))
        case AnswerType.CHOICE:
            text = question.choices.get(str(value))
            return text.get(lang) if text else str(value)
        case AnswerType.MULTI_CHOICE:
            chosen = value if isinstance(value, list | tuple) else []
            return ", ".join(t.get(lang) for code, t in question.choices.items() if code in chosen)
        case AnswerType.COUNTRY:
            return country_name(str(value), lang)
        case _:
            return str(value)


# --- The questions form -----------------------------------------------------------------------


def _field(question: Question, lang: str) -> forms.Field:
    label = question.text.get(lang)
    help_text = question.help.get(lang) if question.help else ""
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": False}
    choices: list[tuple[str, Any]]
    match question.type:
        case AnswerType.BOOLEAN:
            return forms.ChoiceField(
                choices=BOOLEAN_CHOICES, widget=forms.RadioSelect, initial=UNKNOWN, **common
            )
        case AnswerType.INTEGER:
            return forms.IntegerField(
                min_value=question.min,
                max_value=question.max,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                **common,
            )
        case AnswerType.CHOICE:
            choices = [(NOT_ANSWERED, _("Not answered"))]
            choices += [(code, text.get(lang)) for code, text in question.choices.items()]
            return forms.ChoiceField(
                choices=choices, widget=forms.RadioSelect, initial=NOT_ANSWERED, **common
            )
        case AnswerType.MULTI_CHOICE:
            choices = [(code, text.get(lang)) for code, text in question.choices.items()]
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        case _:
            choices = [(NOT_ANSWERED, _("Not answered")), *country_choices(lang)]
            return forms.ChoiceField(choices=choices, **common)


def _answer(question: Question, value: Any) -> AnswerValue | None:
    """A cleaned field value as an answer; None means unknown (left out)."""
    if question.type == AnswerType.BOOLEAN:
        return {YES: True, NO: False}.get(value)
    if question.type == AnswerType.MULTI_CHOICE:
        return tuple(value) or None
    if value in (None, NOT_ANSWERED):
        return None
    return value


@dataclass(frozen=True)
class SectionView:
    number: int
    total: int
    code: str
    title: str
    fields: list[forms.BoundField]


class ScreeningForm(forms.Form):
    """The protocol's questions that show, plus the protocol version the form was built from."""

    protocol_version = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        protocol: Protocol,
        lang: str,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        self.protocol, self.lang = protocol, lang
        self.shown = shown_questions(protocol, data)
        if data is not None:
            data = self._with_defaults(data)
        super().__init__(data, initial={"protocol_version": protocol.version, **(initial or {})})
        for code in self.shown:
            self.fields[code] = _field(protocol.questions[code], lang)

    def _with_defaults(self, data: QueryDict) -> QueryDict:
        """A question that just appeared starts on "unknown", as on a fresh form."""
        data = data.copy()
        for code in self.shown:
            kind = self.protocol.questions[code].type
            if code not in data and kind == AnswerType.BOOLEAN:
                data[code] = UNKNOWN
            elif code not in data and kind == AnswerType.CHOICE:
                data[code] = NOT_ANSWERED
        return data

    @property
    def title(self) -> str:
        return self.protocol.title.get(self.lang)

    def sections(self) -> list[SectionView]:
        total = len(self.protocol.sections)
        return [
            SectionView(
                number=number,
                total=total,
                code=section.code,
                title=section.title.get(self.lang),
                fields=[self[code] for code in section.questions if code in self.fields],
            )
            for number, section in enumerate(self.protocol.sections, start=1)
        ]

    def answers(self) -> dict[str, AnswerValue]:
        """The answers given (call after `is_valid()`); unknown ones are left out."""
        answers = {}
        for code in self.shown:
            value = _answer(self.protocol.questions[code], self.cleaned_data.get(code))
            if value is not None:
                answers[code] = value
        return answers


# --- Reviewing suggested profiles -------------------------------------------------------------

CONFIRM, REJECT = "confirm", "reject"


class DecisionForm(forms.Form):
    """Confirm or reject each suggested profile; a rejection needs a reason."""

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        profiles: list[tuple[str, str]],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.codes = [code for code, _label in profiles]
        for code, label in profiles:
            self.fields[f"decision_{code}"] = forms.ChoiceField(
                label=label,
                choices=[(CONFIRM, _("Confirm")), (REJECT, _("Reject"))],
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"reason_{code}"] = forms.CharField(
                label=_("Reason for rejecting “%(profile)s”") % {"profile": label},
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for code in self.codes:
            if (
                data.get(f"decision_{code}") == REJECT
                and not data.get(f"reason_{code}", "").strip()
            ):
                self.add_error(f"reason_{code}", _("Give the reason for rejecting this profile."))
        return data

    def decisions(self) -> dict[str, tuple[bool, str]]:
        """The profiles decided in this submission: code to (confirmed, reason)."""
        decided = {}
        for code in self.codes:
            choice = self.cleaned_data.get(f"decision_{code}")
            if choice in (CONFIRM, REJECT):
                decided[code] = (choice == CONFIRM, self.cleaned_data.get(f"reason_{code}", ""))
        return decided

    def rows(self) -> Iterator[tuple[str, forms.BoundField, forms.BoundField]]:
        for code in self.codes:
            yield code, self[f"decision_{code}"], self[f"reason_{code}"]


# --- Attaching to a case ----------------------------------------------------------------------


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Case) -> str:
        return f"{obj.reference} · {obj.person.full_name}"


class AttachExistingForm(forms.Form):
    case = CaseChoiceField(label=_("Case"), queryset=Case.objects.none())

    def __init__(self, data: QueryDict | None = None, *, cases: QuerySet[Case]) -> None:
        super().__init__(data, prefix="existing")
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]
