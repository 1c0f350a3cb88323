"""What a loaded protocol is made of: frozen dataclasses, and the conditions (the declarative
rule language) that the loader parses and the engine interprets."""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amparo.screening.enums import AnswerType, UrgencyLevel, UrgencyReason

type AnswerValue = bool | int | str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Text:
    """One piece of wording in every language a protocol carries."""

    es: str
    en: str
    fr: str

    def get(self, lang: str) -> str:
        """The wording in `lang` (es, en or fr)."""
        return str(getattr(self, lang))


# --- Conditions: the declarative rule language ------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerTest:
    """Compares one answer; `op` is is, in, not_in, lt, lte, gt, gte or includes_any, or
    unanswered (holds when the answer is absent; rules, facts, urgency and actions only)."""

    answer: str
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple["Condition", ...]


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple["Condition", ...]


@dataclass(frozen=True, slots=True)
class FactRef:
    name: str


@dataclass(frozen=True, slots=True)
class ProfileRef:
    code: str


type Condition = AnswerTest | AnyOf | AllOf | FactRef | ProfileRef


# --- The protocol ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    code: str
    type: AnswerType
    text: Text
    help: Text | None
    choices: Mapping[str, Text]
    min: int | None
    max: int | None
    show_if: Condition | None


@dataclass(frozen=True, slots=True)
class Section:
    code: str
    title: Text
    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Profile:
    code: str
    label: Text
    refer_to: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProfileRule:
    profile: str
    when: Condition


@dataclass(frozen=True, slots=True)
class UrgencyRule:
    level: UrgencyLevel
    reason: UrgencyReason
    when: Condition


@dataclass(frozen=True, slots=True)
class Action:
    code: str
    text: Text
    when: Condition | None  # None: the action applies to every screening
    refer_to: tuple[str, ...]


@dataclass(frozen=True, slots=True, repr=False)
class Protocol:
    """A loaded protocol. Treat it as read-only: loaded protocols are cached and shared."""

    id: str
    version: str
    sha256: str
    path: Path
    title: Text
    questions: Mapping[str, Question]
    sections: tuple[Section, ...]
    profiles: Mapping[str, Profile]
    facts: Mapping[str, Condition]
    rules: tuple[ProfileRule, ...]
    urgency: tuple[UrgencyRule, ...]
    actions: tuple[Action, ...]
    question_order: Mapping[str, int]  # position in the form, for ordering indicators

    def __repr__(self) -> str:
        return f"<Protocol {self.id} {self.version} {self.sha256[:12]}>"


class ProtocolNotFoundError(LookupError):
    """No protocol file carries the requested id (and version)."""
