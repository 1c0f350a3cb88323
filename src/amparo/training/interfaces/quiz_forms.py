"""The quiz as a form: one field per question (several for a matching question), built from
the module's question bank. Grading is the domain's (`submit_quiz`); this form only turns HTML
inputs into raw responses, keyed by question position."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from amparo.training.enums import QuestionType
from amparo.training.models import Question
from amparo.training.rendering import render_text


@dataclass(frozen=True)
class QuestionBlock:
    number: int
    kind: str
    text: SafeString
    fields: list[forms.BoundField]


def _name(position: int, part: int | None = None) -> str:
    return f"q{position}" if part is None else f"q{position}_{part}"


def _choice_fields(data: dict[str, Any]) -> dict[str, forms.Field]:
    fmt = data["format"]
    choices = [
        (str(i), render_text(a["text"], a["format"] or fmt)) for i, a in enumerate(data["answers"])
    ]
    if data["multiple_answers"]:
        field: forms.Field = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, required=False
        )
    else:
        field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, required=False)
    return {"": field}


def _matching_fields(data: dict[str, Any]) -> dict[str, forms.Field]:
    rights = sorted({pair["right"] for pair in data["answers"]}, key=str.casefold)
    choices = [("", _("Choose")), *((right, right) for right in rights)]
    return {
        str(i): forms.ChoiceField(
            label=render_text(pair["left"], pair["left_format"] or data["format"]),
            choices=choices,
            required=False,
        )
        for i, pair in enumerate(data["answers"])
    }


def _fields(data: dict[str, Any]) -> dict[str, forms.Field]:
    """The question's fields by suffix ("" for a single field)."""
    kind = data["type"]
    if kind == QuestionType.MULTIPLE_CHOICE:
        return _choice_fields(data)
    if kind == QuestionType.MATCHING:
        return _matching_fields(data)
    if kind == QuestionType.TRUE_FALSE:
        choices = [("true", _("True")), ("false", _("False"))]
        return {"": forms.ChoiceField(choices=choices, widget=forms.RadioSelect, required=False)}
    if kind == QuestionType.ESSAY:
        return {
            "": forms.CharField(
                widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=20_000
            )
        }
    if kind == QuestionType.NUMERICAL:
        widget = forms.TextInput(attrs={"inputmode": "decimal"})
        return {"": forms.CharField(widget=widget, required=False, max_length=40)}
    return {"": forms.CharField(required=False, max_length=500)}


class QuizForm(forms.Form):
    """Every question of the bank, in order; unanswered questions are allowed (they score 0)."""

    def __init__(self, data: QueryDict | None = None, *, questions: list[Question]) -> None:
        super().__init__(data)
        self.questions = questions
        self.parts: dict[int, list[str]] = {}
        for question in questions:
            names = []
            for suffix, field in _fields(question.data).items():
                name = _name(question.position, int(suffix) if suffix else None)
                field.label = field.label or _("Your answer")
                self.fields[name] = field
                names.append(name)
            self.parts[question.position] = names

    def blocks(self) -> list[QuestionBlock]:
        return [
            QuestionBlock(
                number=number,
                kind=question.type,
                text=render_text(question.data["text"], question.data["format"]),
                fields=[self[name] for name in self.parts[question.position]],
            )
            for number, question in enumerate(self.questions, start=1)
        ]

    def responses(self) -> dict[int, Any]:
        """Raw responses by question position (call after `is_valid()`)."""
        found: dict[int, Any] = {}
        for question in self.questions:
            values = [self.cleaned_data.get(name) for name in self.parts[question.position]]
            if question.type == QuestionType.MATCHING:
                found[question.position] = [value or None for value in values]
                if not any(values):
                    found[question.position] = None
            elif question.type == QuestionType.TRUE_FALSE:
                found[question.position] = {"true": True, "false": False}.get(values[0] or "")
            else:
                found[question.position] = values[0]
        return found

    def add_problems(self, problems: dict[int, str]) -> None:
        for position, problem in problems.items():
            self.add_error(self.parts[position][0], problem)
