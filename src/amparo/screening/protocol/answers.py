"""Validation of answers (shared by the loader, the engine, the web form and the API)."""

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from babel import Locale
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from amparo.screening.enums import AnswerType
from amparo.screening.protocol.model import AnswerValue, Protocol, Question

_NOT_OBJECT = gettext_noop("the answers must be a JSON object that maps question codes to values")
_UNKNOWN_CODE = gettext_noop("is not a question of this protocol")
_NOT_BOOLEAN = gettext_noop("must be true or false")
_NOT_INTEGER = gettext_noop("must be a whole number")
_OUT_OF_RANGE = gettext_noop("must be between %(min)s and %(max)s")
_NOT_CHOICE = gettext_noop("must be one of: %(choices)s")
_NOT_CHOICE_LIST = gettext_noop("must be a list of: %(choices)s")
_NOT_COUNTRY = gettext_noop("must be an ISO 3166 alpha-2 country code, such as MX")

# Babel's territory list holds a few groupings and pseudo-regions that are no one's nationality.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})


@functools.cache
def iso_country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (with Kosovo's XK), from Babel's CLDR data."""
    territories = Locale("en").territories
    codes = {code for code in territories if isinstance(code, str) and len(code) == 2}
    return frozenset(code for code in codes if code.isalpha()) - _NOT_COUNTRIES


@dataclass(frozen=True, slots=True)
class AnswerProblem:
    """One bad answer: its code ("" for the whole set), a stable error code and a message."""

    code: str
    error: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else self.message


class AnswersError(ValueError):
    """The answers break the protocol; `problems` lists every one, each naming its code."""

    def __init__(self, problems: list[AnswerProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(problem) for problem in problems))


class _InvalidAnswerError(ValueError):
    def __init__(self, error: str, msgid: str, **params: object) -> None:
        self.error, self.msgid, self.params = error, msgid, params
        super().__init__(msgid % params if params else msgid)

    def message(self, *, translate: bool) -> str:
        text = _(self.msgid) if translate else self.msgid
        return text % self.params if self.params else text


def validate_answers(protocol: Protocol, answers: object) -> dict[str, AnswerValue]:
    """Check answers against the protocol and return them cleaned.

    Null means unknown and is dropped, like an absent answer. Whole floats become integers,
    country codes upper case, and multiple choices a tuple in the protocol's order. Raises
    `AnswersError` listing every problem (messages in the active language).
    """
    if not isinstance(answers, Mapping):
        raise AnswersError([AnswerProblem("", "not_an_object", _(_NOT_OBJECT))])
    cleaned: dict[str, AnswerValue] = {}
    problems: list[AnswerProblem] = []
    for code, value in answers.items():
        question = protocol.questions.get(code) if isinstance(code, str) else None
        try:
            if question is None:
                raise _InvalidAnswerError("unknown_code", _UNKNOWN_CODE)
            if value is not None:
                cleaned[code] = _clean_answer(question, value)
        except _InvalidAnswerError as invalid:
            problems.append(
                AnswerProblem(str(code), invalid.error, invalid.message(translate=True))
            )
    if problems:
        raise AnswersError(problems)
    return cleaned


def _clean_answer(question: Question, value: object) -> AnswerValue:
    """One answer in its canonical form; `_InvalidAnswerError` says what is wrong with it."""
    match question.type:
        case AnswerType.BOOLEAN:
            if not isinstance(value, bool):
                raise _InvalidAnswerError("wrong_type", _NOT_BOOLEAN)
            return value
        case AnswerType.INTEGER:
            return _clean_integer(question, value)
        case AnswerType.CHOICE:
            if not isinstance(value, str) or value not in question.choices:
                raise _InvalidAnswerError(
                    "unknown_choice", _NOT_CHOICE, choices=", ".join(question.choices)
                )
            return value
        case AnswerType.MULTI_CHOICE:
            return _clean_choices(question, value)
        case _:
            return _clean_country(value)


def _clean_integer(question: Question, value: object) -> int:
    # bool is a subclass of int in Python, but true is not an age.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _InvalidAnswerError("wrong_type", _NOT_INTEGER)
    low, high = question.min, question.max
    if (low is not None and value < low) or (high is not None and value > high):
        raise _InvalidAnswerError("out_of_range", _OUT_OF_RANGE, min=low, max=high)
    return value


def _clean_choices(question: Question, value: object) -> tuple[str, ...]:
    choices = ", ".join(question.choices)
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise _InvalidAnswerError("wrong_type", _NOT_CHOICE_LIST, choices=choices)
    if any(item not in question.choices for item in value):
        raise _InvalidAnswerError("unknown_choice", _NOT_CHOICE_LIST, choices=choices)
    return tuple(choice for choice in question.choices if choice in value)


def _clean_country(value: object) -> str:
    code = value.strip().upper() if isinstance(value, str) else ""
    if code not in iso_country_codes():
        raise _InvalidAnswerError("unknown_country", _NOT_COUNTRY)
    return code
