"""Interpreting a protocol's conditions against the answers of one screening."""

from collections.abc import Iterable, Mapping

from amparo.screening.engine.result import Indicators
from amparo.screening.protocol import (
    AllOf,
    AnswerTest,
    AnswerValue,
    AnyOf,
    Condition,
    FactRef,
    ProfileRef,
    Protocol,
)


class _Context:
    """The answers of one screening, with facts and profiles worked out once each."""

    def __init__(self, protocol: Protocol, answers: Mapping[str, AnswerValue]) -> None:
        self.protocol = protocol
        self.answers = answers
        self._facts: dict[str, Indicators | None] = {}
        self.profiles: dict[str, Indicators] = {}

    def fact(self, name: str) -> Indicators | None:
        if name not in self._facts:
            self._facts[name] = _holds(self.protocol.facts[name], self)
        return self._facts[name]

    def ordered(self, codes: Iterable[str]) -> Indicators:
        return tuple(sorted(set(codes), key=self.protocol.question_order.__getitem__))


def _holds(condition: Condition, ctx: _Context) -> Indicators | None:
    """None when the condition does not hold; otherwise the answers that made it hold.

    `any` keeps the indicators of every branch that holds, not only the first, so removing
    all of a profile's indicators is sure to remove the profile.
    """
    match condition:
        case AnswerTest(op="unanswered"):
            # A presumption on an absent answer: it holds, but an absent answer is no indicator
            # (the indicators are the present answers it is combined with).
            return () if ctx.answers.get(condition.answer) is None else None
        case AnswerTest():
            return (
                (condition.answer,) if _test(condition, ctx.answers.get(condition.answer)) else None
            )
        case AnyOf():
            found = [hit for item in condition.items if (hit := _holds(item, ctx)) is not None]
            return tuple(code for hit in found for code in hit) if found else None
        case AllOf():
            codes: list[str] = []
            for item in condition.items:
                hit = _holds(item, ctx)
                if hit is None:
                    return None
                codes.extend(hit)
            return tuple(codes)
        case FactRef():
            return ctx.fact(condition.name)
        case ProfileRef():
            return ctx.profiles.get(condition.code)


def _test(test: AnswerTest, value: AnswerValue | None) -> bool:
    # An absent answer is unknown, not "no": no test holds on it.
    if value is None:
        return False
    match test.op:
        case "is":
            return bool(value == test.value)
        case "in":
            return value in test.value
        case "not_in":
            return value not in test.value
        case "includes_any":
            return not test.value.isdisjoint(value)
        case "lt":
            return bool(value < test.value)
        case "lte":
            return bool(value <= test.value)
        case "gt":
            return bool(value > test.value)
        case _:
            return bool(value >= test.value)
