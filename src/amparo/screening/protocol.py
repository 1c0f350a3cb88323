"""Screening protocols: the data-file format, its loader and the validation of answers.

A protocol is a versioned YAML file in `protocols/` (see `protocols/README.md`). Loading turns
it into frozen dataclasses and refuses a bad file with a `DataFileError` naming the file, the
key path and the problem. Rules are data: conditions are parsed here into a small tree
(`Condition`) that the engine interprets, so a new protocol version needs no new code.
"""

import dataclasses
import functools
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from babel import Locale
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from amparo.accounts.enums import AgencyKind
from amparo.lib.datafiles import DataFileError, read_data_file, require_keys
from amparo.screening.enums import (
    CHILD_FACT,
    ENGINE_QUESTIONS,
    TEXT_LANGUAGES,
    AnswerType,
    UrgencyLevel,
    UrgencyReason,
)

PROTOCOLS_DIR = Path(__file__).resolve().parent / "protocols"

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
    """Compares one answer; `op` is is, in, not_in, lt, lte, gt, gte or includes_any."""

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


# --- Validation of answers (shared by the loader, the engine, the web form and the API) --------

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


# --- Loading ----------------------------------------------------------------------------------

_TOP_REQUIRED = {"id", "version", "title", "profiles", "questions", "sections", "facts", "rules"}
_TOP_OPTIONAL = {"source", "lists", "urgency", "actions"}
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
}
# The list operators become plain set membership once the named list is resolved.
_SET_OPERATORS = {"in_list": "in", "not_in_list": "not_in"}


def load_protocol_file(path: Path) -> Protocol:
    """Load and validate one protocol file (not cached); raise `DataFileError` if it is bad."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise DataFileError(path, "", f"cannot be read ({exc.strerror})") from None
    return _Loader(path).protocol(read_data_file(path), digest)


def load_protocol(protocol_id: str, version: str | None = None) -> Protocol:
    """The protocol with this id: its highest version unless `version` names one. Cached."""
    versions = [key[1] for key in protocol_registry() if key[0] == protocol_id]
    if not versions or (version is not None and version not in versions):
        raise ProtocolNotFoundError(
            f"no screening protocol {protocol_id!r} {version or ''}".strip()
        )
    latest = max(versions, key=lambda v: tuple(int(part) for part in v.split(".")))
    return protocol_registry()[(protocol_id, version or latest)]


@functools.cache
def protocol_registry(directory: Path = PROTOCOLS_DIR) -> Mapping[tuple[str, str], Protocol]:
    """Every protocol file in the directory, loaded and validated once, by (id, version).

    A new version of a protocol is a new file with the same id and a higher version, so
    screenings saved under the old version can still be shown with the wording they used.
    """
    found: dict[tuple[str, str], Protocol] = {}
    for path in sorted(directory.glob("*.yaml")):
        protocol = load_protocol_file(path)
        key = (protocol.id, protocol.version)
        if key in found:
            raise DataFileError(
                path, "version", f"{key[0]} {key[1]} is also in {found[key].path.name}"
            )
        found[key] = protocol
    return MappingProxyType(found)


class _Loader:
    """Parses one protocol file, keeping what earlier sections declared for later checks."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lists: dict[str, tuple[object, ...]] = {}
        self.questions: dict[str, Question] = {}
        self.facts: dict[str, Condition] = {}
        self.profiles: dict[str, Profile] = {}
        self.order: dict[str, int] = {}

    def fail(self, where: str, problem: str) -> DataFileError:
        return DataFileError(self.path, where, problem)

    def protocol(self, data: object, digest: str) -> Protocol:
        top = require_keys(self.path, "", data, _TOP_REQUIRED, _TOP_OPTIONAL)
        self.lists = self._lists(top.get("lists") or {})
        self.profiles = self._mapping("profiles", top["profiles"], self._profile)
        self.questions = self._mapping("questions", top["questions"], self._question_shell)
        sections = self._sections(top["sections"])
        self._check_engine_questions()
        self._show_ifs(top["questions"])
        self.facts = self._facts(top["facts"])
        return Protocol(
            id=self._id(top["id"]),
            version=self._version(top["version"]),
            sha256=digest,
            path=self.path,
            title=self.text("title", top["title"]),
            questions=MappingProxyType(self.questions),
            sections=sections,
            profiles=MappingProxyType(self.profiles),
            facts=MappingProxyType(self.facts),
            rules=self._rules(top["rules"]),
            urgency=self._urgency(top.get("urgency") or []),
            actions=self._actions(top.get("actions") or []),
            question_order=MappingProxyType(self.order),
        )

    # Scalars and shapes

    def _id(self, value: object) -> str:
        if not isinstance(value, str) or not _ID.match(value):
            raise self.fail("id", "must be lower-case letters, digits and hyphens")
        return value

    def _version(self, value: object) -> str:
        # YAML reads 1.0 as a float, which would lose "1.10"; a quoted string keeps it exact.
        if not isinstance(value, str) or not _VERSION.match(value):
            raise self.fail(
                "version", 'must be a quoted string of dot-separated numbers, e.g. "1.0"'
            )
        return value

    def text(self, where: str, value: object) -> Text:
        row = require_keys(self.path, where, value, set(TEXT_LANGUAGES))
        for lang in TEXT_LANGUAGES:
            if not isinstance(row[lang], str) or not row[lang].strip():
                raise self.fail(f"{where}.{lang}", "must be non-empty text")
        return Text(**{lang: row[lang].strip() for lang in TEXT_LANGUAGES})

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

    # Sections of the file

    def _lists(self, value: object) -> dict[str, tuple[object, ...]]:
        if not isinstance(value, dict):
            raise self.fail("lists", "must be a mapping of list name to a list of codes")
        return {
            self.code(f"lists.{name}", name): tuple(self._list(f"lists.{name}", items))
            for name, items in value.items()
        }

    def _profile(self, where: str, code: str, value: object) -> Profile:
        row = require_keys(self.path, where, value, {"label", "refer_to"})
        return Profile(
            code=code,
            label=self.text(f"{where}.label", row["label"]),
            refer_to=self._kinds(f"{where}.refer_to", row["refer_to"]),
        )

    def _question_shell(self, where: str, code: str, value: object) -> Question:
        # show_if is parsed later, once the form order (from the sections) is known.
        row = require_keys(
            self.path, where, value, {"type", "text"}, {"help", "choices", "min", "max", "show_if"}
        )
        if row["type"] not in AnswerType.values:
            raise self.fail(f"{where}.type", f"unknown answer type {row['type']!r}")
        kind = AnswerType(row["type"])
        return Question(
            code=code,
            type=kind,
            text=self.text(f"{where}.text", row["text"]),
            help=self.text(f"{where}.help", row["help"]) if "help" in row else None,
            choices=self._choices(where, kind, row.get("choices")),
            min=self._bound(where, kind, row, "min"),
            max=self._bound(where, kind, row, "max"),
            show_if=None,
        )

    def _choices(self, where: str, kind: AnswerType, value: object) -> Mapping[str, Text]:
        wants = kind in {AnswerType.CHOICE, AnswerType.MULTI_CHOICE}
        if wants != (value is not None):
            need = "needs" if wants else "does not take"
            raise self.fail(f"{where}.choices", f"a {kind.value} question {need} choices")
        if value is None:
            return MappingProxyType({})
        return MappingProxyType(
            self._mapping(f"{where}.choices", value, lambda w, _code, item: self.text(w, item))
        )

    def _bound(self, where: str, kind: AnswerType, row: dict[str, Any], key: str) -> int | None:
        if kind != AnswerType.INTEGER:
            if key in row:
                raise self.fail(f"{where}.{key}", f"a {kind.value} question has no {key}")
            return None
        value = row.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(
                f"{where}.{key}", "an integer question needs a whole-number min and max"
            )
        return value

    def _sections(self, value: object) -> tuple[Section, ...]:
        sections = []
        for index, item in enumerate(self._list("sections", value)):
            where = f"sections[{index}]"
            row = require_keys(self.path, where, item, {"code", "title", "questions"})
            for position, code in enumerate(self._list(f"{where}.questions", row["questions"])):
                if code not in self.questions:
                    raise self.fail(f"{where}.questions[{position}]", f"unknown question {code!r}")
                if code in self.order:
                    raise self.fail(
                        f"{where}.questions[{position}]", f"question {code!r} is in two sections"
                    )
                self.order[code] = len(self.order)
            code = self.code(f"{where}.code", row["code"])
            sections.append(
                Section(code, self.text(f"{where}.title", row["title"]), tuple(row["questions"]))
            )
        missing = [code for code in self.questions if code not in self.order]
        if missing:
            raise self.fail("sections", f"question(s) in no section: {', '.join(missing)}")
        return tuple(sections)

    def _check_engine_questions(self) -> None:
        for code, kind in ENGINE_QUESTIONS.items():
            question = self.questions.get(code)
            if question is None or question.type != kind:
                raise self.fail(
                    "questions",
                    f"must ask {code!r} as a {kind.value} question (the engine relies on it)",
                )

    def _show_ifs(self, raw: dict[str, Any]) -> None:
        for code, question in self.questions.items():
            if "show_if" in raw[code]:
                # Only questions asked earlier in the form may decide whether this one shows.
                earlier = {
                    other for other, position in self.order.items() if position < self.order[code]
                }
                show_if = self.condition(
                    f"questions.{code}.show_if", raw[code]["show_if"], answers=earlier, facts=False
                )
                self.questions[code] = dataclasses.replace(question, show_if=show_if)

    def _facts(self, value: object) -> dict[str, Condition]:
        if not isinstance(value, dict) or CHILD_FACT not in value:
            raise self.fail("facts", f"must be a mapping that defines the {CHILD_FACT!r} fact")
        for name, item in value.items():
            # A fact may use facts defined above it, which rules out cycles.
            self.facts[self.code(f"facts.{name}", name)] = self.condition(f"facts.{name}", item)
        return self.facts

    def _rules(self, value: object) -> tuple[ProfileRule, ...]:
        rules = []
        for index, item in enumerate(self._list("rules", value)):
            where = f"rules[{index}]"
            row = require_keys(self.path, where, item, {"profile", "when"})
            if row["profile"] not in self.profiles:
                raise self.fail(f"{where}.profile", f"unknown profile {row['profile']!r}")
            rules.append(ProfileRule(row["profile"], self.condition(f"{where}.when", row["when"])))
        unreachable = sorted(set(self.profiles) - {rule.profile for rule in rules})
        if unreachable:
            raise self.fail("rules", f"no rule suggests profile(s): {', '.join(unreachable)}")
        return tuple(rules)

    def _urgency(self, value: object) -> tuple[UrgencyRule, ...]:
        rules = []
        for index, item in enumerate(self._list("urgency", value)):
            where = f"urgency[{index}]"
            row = require_keys(self.path, where, item, {"level", "reason", "when"})
            if row["level"] not in {UrgencyLevel.EMERGENCY, UrgencyLevel.URGENT}:
                raise self.fail(
                    f"{where}.level", "must be emergency or urgent (normal is the default)"
                )
            if row["reason"] not in UrgencyReason.values:
                raise self.fail(f"{where}.reason", f"unknown urgency reason {row['reason']!r}")
            when = self.condition(f"{where}.when", row["when"], profiles=True)
            rules.append(
                UrgencyRule(UrgencyLevel(row["level"]), UrgencyReason(row["reason"]), when)
            )
        return tuple(rules)

    def _actions(self, value: object) -> tuple[Action, ...]:
        actions = []
        for index, item in enumerate(self._list("actions", value)):
            where = f"actions[{index}]"
            row = require_keys(self.path, where, item, {"code", "text"}, {"when", "refer_to"})
            when = (
                self.condition(f"{where}.when", row["when"], profiles=True)
                if "when" in row
                else None
            )
            text = self.text(f"{where}.text", row["text"])
            refer_to = self._kinds(f"{where}.refer_to", row.get("refer_to"))
            actions.append(Action(self.code(f"{where}.code", row["code"]), text, when, refer_to))
        return tuple(actions)

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
