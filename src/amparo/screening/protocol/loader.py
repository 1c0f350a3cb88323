"""Loading protocol files: one file, checked (`load_protocol_file`), or every shipped file,
checked once and cached by id and version (`protocol_registry`, `load_protocol`)."""

import dataclasses
import functools
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from amparo.lib.datafiles import (
    file_sha256,
    latest_version,
    read_data_file,
    require_keys,
    versioned_registry,
)
from amparo.screening.enums import (
    CHILD_FACT,
    ENGINE_QUESTIONS,
    AnswerType,
    UrgencyLevel,
    UrgencyReason,
)
from amparo.screening.protocol.conditions import _Parser
from amparo.screening.protocol.model import (
    Action,
    Condition,
    Profile,
    ProfileRule,
    Protocol,
    ProtocolNotFoundError,
    Question,
    Section,
    Text,
    UrgencyRule,
)

# The data files live beside this package, in src/amparo/screening/protocols/.
PROTOCOLS_DIR = Path(__file__).resolve().parent.parent / "protocols"

_TOP_REQUIRED = {"id", "version", "title", "profiles", "questions", "sections", "facts", "rules"}
_TOP_OPTIONAL = {"source", "lists", "urgency", "actions"}


def load_protocol_file(path: Path) -> Protocol:
    """Load and validate one protocol file (not cached); raise `DataFileError` if it is bad."""
    return _Loader(path).protocol(read_data_file(path), file_sha256(path))


def load_protocol(protocol_id: str, version: str | None = None) -> Protocol:
    """The protocol with this id: its highest version unless `version` names one. Cached."""
    registry = protocol_registry()
    chosen = version or latest_version(registry, protocol_id)
    if chosen is None or (protocol_id, chosen) not in registry:
        raise ProtocolNotFoundError(
            f"no screening protocol {protocol_id!r} {version or ''}".strip()
        )
    return registry[(protocol_id, chosen)]


@functools.cache
def protocol_registry(directory: Path = PROTOCOLS_DIR) -> Mapping[tuple[str, str], Protocol]:
    """Every protocol file in the directory, loaded and validated once, by (id, version).

    A new version of a protocol is a new file with the same id and a higher version, so
    screenings saved under the old version can still be shown with the wording they used.
    """
    return versioned_registry(sorted(directory.glob("*.yaml")), load_protocol_file)


class _Loader(_Parser):
    """Parses one protocol file, keeping what earlier sections declared for later checks."""

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
