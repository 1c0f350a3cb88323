"""Grading of quiz answers, one question at a time. Pure: no database.

Questions are the dicts of `amparo.training.gift.parse_gift`. A response, once cleaned by
`clean_response`, has one shape per type:

- multiple choice, one answer: the index of the chosen answer (int);
  several answers (``multiple_answers``): the list of chosen indexes;
- true/false: a bool; short answer and essay: a str; numerical: a float;
- matching: for each pair, in order, the right-hand text chosen.

An unanswered question (None) scores 0. Scores are fractions from 0 to 1, as in Moodle:
a weight ``%50%`` is half the question; without a weight, ``=`` is full credit and ``~`` none,
except that in a multiple-answer question the unweighted right answers share the credit.
Weights add up over the chosen answers (so a negative weight takes credit away), and the
question's score stays between 0 and 1. An essay waits for the trainer (score None) unless it is
left blank.
"""

import math
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from amparo.training.enums import QuestionType

type Feedback = dict[str, str]

MAX_TEXT = 20_000  # characters of one free-text response


@dataclass(frozen=True, slots=True)
class Grade:
    score: float | None  # 0..1; None while an essay waits for the trainer
    feedback: tuple[Feedback, ...]


class ResponseError(ValueError):
    """A response that does not fit its question (a wrong type or an unknown choice); the
    message is in the active language."""


# --- Cleaning raw responses (from a form or JSON) ----------------------------------------------


def clean_response(question: dict[str, Any], raw: object) -> object:
    """The response in its canonical shape, None when unanswered; `ResponseError` otherwise."""
    if raw is None or raw == "" or raw == []:
        return None
    kind = question["type"]
    if kind == QuestionType.MULTIPLE_CHOICE:
        return _clean_choice(question, raw)
    if kind == QuestionType.TRUE_FALSE:
        return _clean_bool(raw)
    if kind == QuestionType.NUMERICAL:
        return _clean_number(raw)
    if kind == QuestionType.MATCHING:
        return _clean_matching(question, raw)
    if not isinstance(raw, str) or len(raw) > MAX_TEXT:
        raise ResponseError(_("must be text of at most %(count)s characters") % {"count": MAX_TEXT})
    return raw


def _index(raw: object, count: int) -> int:
    if isinstance(raw, str) and raw.isdigit():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw < count:
        raise ResponseError(
            _("must be the number of an answer, from 0 to %(last)s") % {"last": count - 1}
        )
    return raw


def _clean_choice(question: dict[str, Any], raw: object) -> int | list[int]:
    count = len(question["answers"])
    if not question["multiple_answers"]:
        return _index(raw, count)
    if not isinstance(raw, list | tuple):
        raise ResponseError(_("must be a list of answer numbers"))
    return sorted({_index(item, count) for item in raw})


def _clean_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw in ("true", "false"):
        return raw == "true"
    raise ResponseError(_("must be true or false"))


def _clean_number(raw: object) -> float:
    try:
        value = float(str(raw).replace(",", ".")) if isinstance(raw, str) else float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ResponseError(_("must be a number")) from None
    if isinstance(raw, bool) or not math.isfinite(value):
        raise ResponseError(_("must be a number"))
    return value


def _clean_matching(question: dict[str, Any], raw: object) -> list[str | None]:
    pairs = question["answers"]
    rights = {pair["right"] for pair in pairs}
    if not isinstance(raw, list | tuple) or len(raw) != len(pairs):
        raise ResponseError(
            _("must be a list of %(count)s answers, one per item") % {"count": len(pairs)}
        )
    if any(item is not None and item not in rights for item in raw):
        raise ResponseError(_("holds an answer that is not one of the choices"))
    return [item or None for item in raw]


# --- Grading -----------------------------------------------------------------------------------


def grade(question: dict[str, Any], response: object) -> Grade:
    """The score and the feedback for a cleaned response (see `clean_response`)."""
    kind = question["type"]
    score: float | None
    feedback: list[Feedback]
    if kind == QuestionType.ESSAY:
        score, feedback = (0.0 if response is None else None), []
    elif response is None:
        score, feedback = 0.0, []
    elif kind == QuestionType.MULTIPLE_CHOICE:
        score, feedback = _multiple_choice(question, response)
    elif kind == QuestionType.TRUE_FALSE:
        score, feedback = _true_false(question, bool(response))
    elif kind == QuestionType.SHORT_ANSWER:
        score, feedback = _short_answer(question, str(response))
    elif kind == QuestionType.NUMERICAL:
        score, feedback = _numerical(question, float(response))  # type: ignore[arg-type]
    else:
        score, feedback = _matching(question, response), []
    general = _feedback(question["feedback"], question["feedback_format"] or question["format"])
    return Grade(score, tuple(feedback + general))


def _feedback(text: str | None, fmt: str | None) -> list[Feedback]:
    return [] if text is None else [{"text": text, "format": fmt or "moodle"}]


def _answer_feedback(answer: dict[str, Any]) -> list[Feedback]:
    return _feedback(answer.get("feedback"), answer.get("feedback_format"))


def _clamp(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 6)


def _weights(question: dict[str, Any]) -> list[float]:
    """Each answer's weight in percent, Moodle's defaults filled in."""
    answers = question["answers"]
    unweighted_right = sum(1 for a in answers if a["weight"] is None and a["correct"])
    share = (
        100.0 / unweighted_right if question.get("multiple_answers") and unweighted_right else 100.0
    )
    return [
        a["weight"] if a["weight"] is not None else (share if a["correct"] else 0.0)
        for a in answers
    ]


def _multiple_choice(question: dict[str, Any], response: object) -> tuple[float, list[Feedback]]:
    chosen: list[int] = response if isinstance(response, list) else [int(response)]  # type: ignore[call-overload]
    weights = _weights(question)
    feedback = [fb for i in chosen for fb in _answer_feedback(question["answers"][i])]
    return _clamp(sum((weights[i] for i in chosen), 0.0) / 100), feedback


def _true_false(question: dict[str, Any], response: bool) -> tuple[float, list[Feedback]]:
    side = "true" if response else "false"
    feedback = _feedback(question[f"{side}_feedback"], question[f"{side}_feedback_format"])
    return (1.0 if response == question["correct"] else 0.0), feedback


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _best(question: dict[str, Any], matches: list[int]) -> tuple[float, list[Feedback]]:
    if not matches:
        return 0.0, []
    weights = _weights(question)
    best = max(matches, key=lambda i: weights[i])  # the first of equals: max keeps it
    return _clamp(weights[best] / 100), _answer_feedback(question["answers"][best])


def _wildcard(pattern: str) -> re.Pattern[str]:
    """Moodle's short-answer matching: `*` stands for any run of characters."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def _short_answer(question: dict[str, Any], response: str) -> tuple[float, list[Feedback]]:
    given = _normal(response)
    matches = [
        i
        for i, answer in enumerate(question["answers"])
        if _wildcard(_normal(answer["text"])).fullmatch(given)
    ]
    return _best(question, matches)


def _number_matches(answer: dict[str, Any], value: float) -> bool:
    if "min" in answer:
        return bool(answer["min"] <= value <= answer["max"])
    if "value" in answer:
        return abs(value - answer["value"]) <= answer["tolerance"] + 1e-9
    return True  # "*": any other answer


def _numerical(question: dict[str, Any], value: float) -> tuple[float, list[Feedback]]:
    answers = question["answers"]
    matches = [i for i, answer in enumerate(answers) if _number_matches(answer, value)]
    specific = [i for i in matches if "text" not in answers[i]]
    return _best(question, specific or matches)


def _matching(question: dict[str, Any], response: object) -> float:
    pairs = question["answers"]
    chosen = response if isinstance(response, list) else []
    right = sum(1 for pair, pick in zip(pairs, chosen, strict=False) if pick == pair["right"])
    return _clamp(right / len(pairs))


def attempt_percent(scores: list[float]) -> float:
    """The attempt's score in percent, to two decimals (each question counts the same)."""
    if not scores:
        return 0.0
    return round(100 * sum(scores) / len(scores), 2)
