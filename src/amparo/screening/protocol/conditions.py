"""The shared core of the protocol file parser: scalar and shape checks, and conditions.

`_Parser` holds what earlier sections of the file declared, so that a condition may refer only
to lists, questions, facts and profiles that exist; `loader._Loader` parses the sections of the
file on top of it.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from amparo.accounts.enums import AgencyKind
from amparo.lib.datafiles import DataFileError, read_id, read_texts, read_version
from amparo.screening.enums import TEXT_LANGUAGES, AnswerType
from amparo.screening.protocol.answers import _NOT_CHOICE, _clean_answer, _InvalidAnswerError
from amparo.screening.protocol.model import (
    AllOf,
    AnswerTest,
    AnyOf,
    Condition,
    FactRef,
    Profile,
    ProfileRef,
    Question,
    Text,
)

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION = re.compile(r"^\d+(\.\d+)*$")
_COMPARISONS = {"lt", "lte", "gt", "gte"}
# Which answer types each operator applies to.
_OPERATORS: dict[str, set[AnswerType]] = {
    "is": {AnswerType.BOOLEAN, AnswerType.INTEGER, AnswerType.CHOICE, AnswerType.COUNTRY},
    "in": {AnswerType.CHOICE, AnswerType.COUNTRY},
    "in_list": {AnswerType.CHOICE, AnswerType.COUNTRY},
    "not_in_list": {AnswerType.CHOICE, AnswerType.COUNTRY},
    "includes_any": {AnswerType.MULTI_CHOICE},
    **{op: {AnswerType.INTEGER} for op in _COMPARISONS},
    # `unanswered: true` holds when the answer is absent: a protective presumption (when the
    # relationship of a child to the accompanying adult is not recorded, it is unknown), for
    # rules, facts, urgency and actions only, never for the form's `show_if`.
    "unanswered": set(AnswerType),
}
# The list operators become plain set membership once the named list is resolved.
_SET_OPERATORS = {"in_list": "in", "not_in_list": "not_in"}


class _Parser:
    """What every part of a protocol file parser needs: the file, what was declared so far, the
    checks of scalars and shapes, and the parsing of conditions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lists: dict[str, tuple[object, ...]] = {}
        self.questions: dict[str, Question] = {}
        self.facts: dict[str, Condition] = {}
        self.profiles: dict[str, Profile] = {}
        self.order: dict[str, int] = {}

    def fail(self, where: str, problem: str) -> DataFileError:
        return DataFileError(self.path, where, problem)

    # Scalars and shapes

    def _id(self, value: object) -> str:
        return read_id(self.path, value)

    def _version(self, value: object) -> str:
        return read_version(self.path, value)

    def text(self, where: str, value: object) -> Text:
        return Text(**read_texts(self.path, where, value, TEXT_LANGUAGES))

    def code(self, where: str, value: object) -> str:
        if not isinstance(value, str) or not _CODE.match(value):
            raise self.fail(
                where, f"{value!r} is not a code (lower-case letters, digits, underscores)"
            )
        return value

    def _list(self, where: str, value: object) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise self.fail(where, "must be a non-empty list")
        return value

    def _mapping[T](
        self, where: str, value: object, parse: Callable[[str, str, Any], T]
    ) -> dict[str, T]:
        if not isinstance(value, dict) or not value:
            raise self.fail(where, "must be a non-empty mapping")
        return {
            self.code(f"{where}.{key}", key): parse(f"{where}.{key}", key, item)
            for key, item in value.items()
        }

    def _kinds(self, where: str, value: object) -> tuple[str, ...]:
        kinds = self._list(where, value) if value is not None else []
        for index, kind in enumerate(kinds):
            if kind not in AgencyKind.values:
                raise self.fail(f"{where}[{index}]", f"unknown agency kind {kind!r}")
        return tuple(kinds)

    # Conditions

    def condition(
        self,
        where: str,
        value: object,
        *,
        answers: set[str] | None = None,
        facts: bool = True,
        profiles: bool = False,
    ) -> Condition:
        """Parse one condition; `answers`, `facts` and `profiles` say what it may refer to."""
        if not isinstance(value, dict) or not value:
            raise self.fail(
                where, "a condition must be a mapping such as {answer: fear_of_return, is: true}"
            )
        if value.keys() in ({"any"}, {"all"}):
            key = next(iter(value))
            parsed = tuple(
                self.condition(
                    f"{where}.{key}[{i}]", item, answers=answers, facts=facts, profiles=profiles
                )
                for i, item in enumerate(self._list(f"{where}.{key}", value[key]))
            )
            return AnyOf(parsed) if key == "any" else AllOf(parsed)
        if value.keys() == {"fact"} and facts:
            if value["fact"] not in self.facts:
                raise self.fail(
                    f"{where}.fact", f"unknown fact {value['fact']!r} (define facts before use)"
                )
            return FactRef(value["fact"])
        if value.keys() == {"profile"} and profiles:
            if value["profile"] not in self.profiles:
                raise self.fail(f"{where}.profile", f"unknown profile {value['profile']!r}")
            return ProfileRef(value["profile"])
        if "answer" in value and len(value) == 2:
            return self._answer_test(where, value, answers)
        refs = (
            ["any", "all", "answer"]
            + (["fact"] if facts else [])
            + (["profile"] if profiles else [])
        )
        raise self.fail(
            where,
            f"a condition takes one of: {', '.join(refs)} (found {', '.join(map(str, value))})",
        )

    def _answer_test(
        self, where: str, value: dict[str, Any], answers: set[str] | None
    ) -> AnswerTest:
        code = value["answer"]
        if code not in self.questions:
            raise self.fail(f"{where}.answer", f"unknown question {code!r}")
        if answers is not None and code not in answers:
            raise self.fail(f"{where}.answer", f"{code!r} comes later in the form")
        question = self.questions[code]
        op = next(key for key in value if key != "answer")
        if op not in _OPERATORS:
            raise self.fail(
                f"{where}.{op}", f"unknown operator (use one of: {', '.join(_OPERATORS)})"
            )
        if question.type not in _OPERATORS[op]:
            raise self.fail(
                f"{where}.{op}", f"does not apply to the {question.type.value} answer {code!r}"
            )
        if op == "unanswered":
            if answers is not None:
                raise self.fail(f"{where}.{op}", "a show_if condition cannot test an absent answer")
            if value[op] is not True:
                raise self.fail(f"{where}.{op}", "must be true")
            return AnswerTest(code, op, True)
        return self._operand(f"{where}.{op}", question, op, value[op])

    def _operand(self, where: str, question: Question, op: str, value: object) -> AnswerTest:
        if op in _COMPARISONS:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.fail(where, f"{value!r} is not a number")
            return AnswerTest(question.code, op, value)
        if op == "is":
            return AnswerTest(question.code, op, self._valid(where, question, value))
        if op in {"in_list", "not_in_list"}:
            if not isinstance(value, str) or value not in self.lists:
                raise self.fail(where, f"unknown list {value!r}")
            where, value = f"lists.{value}", list(self.lists[value])
        items = self._list(where, value)
        values = frozenset(
            self._valid(f"{where}[{i}]", question, item) for i, item in enumerate(items)
        )
        return AnswerTest(question.code, _SET_OPERATORS.get(op, op), values)

    def _valid(self, where: str, question: Question, value: object) -> object:
        # Rules compare with values an answer can take, so a typo cannot silently never match.
        try:
            if question.type == AnswerType.MULTI_CHOICE and value not in question.choices:
                raise _InvalidAnswerError(
                    "unknown_choice", _NOT_CHOICE, choices=", ".join(question.choices)
                )
            if question.type == AnswerType.MULTI_CHOICE:
                return value
            return _clean_answer(question, value)
        except _InvalidAnswerError as invalid:
            raise self.fail(where, f"{value!r} {invalid.message(translate=False)}") from None
