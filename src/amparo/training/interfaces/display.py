"""An attempt's answers as the reader sees them: the question, what was answered, the score and
the feedback, every text rendered safely in its format."""

from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from amparo.training.enums import QuestionType
from amparo.training.models import AttemptAnswer
from amparo.training.rendering import render_text


@dataclass(frozen=True)
class AnswerRow:
    number: int
    pk: int
    kind: str
    question: SafeString
    response: SafeString
    percent: float | None  # None while the essay waits for the trainer
    feedback: list[SafeString]
    comment: str


def _chosen(question: dict[str, Any], response: Any) -> SafeString:
    indexes = response if isinstance(response, list) else [response]
    fmt = question["format"]
    texts = [
        render_text(question["answers"][i]["text"], question["answers"][i]["format"] or fmt)
        for i in indexes
    ]
    return mark_safe("; ".join(texts))  # each part rendered safely above


def _pairs(question: dict[str, Any], response: Any) -> SafeString:
    fmt = question["format"]
    parts = []
    for pair, chosen in zip(question["answers"], response or [], strict=False):
        left = render_text(pair["left"], pair["left_format"] or fmt)
        parts.append(f"{left} → {escape(chosen or '—')}")
    return mark_safe("; ".join(parts))  # each part rendered or escaped above


def response_html(question: dict[str, Any], response: Any) -> SafeString:
    """What the trainee answered, safe to show."""
    if response is None:
        return mark_safe(escape(_("No answer")))  # escaped
    kind = question["type"]
    if kind == QuestionType.MULTIPLE_CHOICE:
        return _chosen(question, response)
    if kind == QuestionType.MATCHING:
        return _pairs(question, response)
    if kind == QuestionType.TRUE_FALSE:
        return mark_safe(escape(_("True") if response else _("False")))  # escaped
    return mark_safe(escape(str(response)).replace("\n", "<br>"))  # escaped


def answer_rows(answers: list[AttemptAnswer]) -> list[AnswerRow]:
    return [
        AnswerRow(
            number=number,
            pk=answer.pk,
            kind=answer.question["type"],
            question=render_text(answer.question["text"], answer.question["format"]),
            response=response_html(answer.question, answer.response),
            percent=None if answer.score is None else round(answer.score * 100, 2),
            feedback=[render_text(item["text"], item["format"]) for item in answer.feedback],
            comment=answer.comment,
        )
        for number, answer in enumerate(answers, start=1)
    ]
