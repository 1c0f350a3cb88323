"""The retention rules data file: loaded and checked, every mistake naming file and key."""

import re
from dataclasses import dataclass
from pathlib import Path

from amparo.lib.datafiles import DataFileError, read_data_file, require_keys

RULES_FILE = Path(__file__).with_name("rules.yaml")

# Closure reasons as stored by casework (a contract: casework.enums.ClosureReason); listed
# here because protection sits below casework in the import order. A test keeps them equal.
CLOSURE_REASONS = frozenset(
    {
        "objectives_met",
        "no_longer_eligible",
        "person_chose_to_stop",
        "moved_away",
        "deceased",
        "funding_or_security",
        "transferred",
    }
)
OUTCOMES = {
    "case": CLOSURE_REASONS | {"any"},
    "screening": frozenset({"unattached"}),
    # Training records describe staff, not migrants, but an essay or a practice answer may
    # hold what a trainee typed about a real person: their contents go, the scores that
    # progress and certificates rest on stay.
    "training": frozenset({"quiz-answers", "practice-attempts"}),
    # Likely-duplicate pairs (dedup) once decided: "not the same person", or merged.
    "dedup": frozenset({"decided"}),
}
ACTIONS = {"case": "anonymise", "screening": "erase", "training": "erase", "dedup": "erase"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class RetentionRule:
    id: str
    kind: str
    outcome: str
    after_months: int
    action: str


def _rule(path: Path, where: str, item: object) -> RetentionRule:
    data = require_keys(path, where, item, {"id", "kind", "outcome", "after_months", "action"})
    rule_id, kind, outcome = data["id"], data["kind"], data["outcome"]
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise DataFileError(path, f"{where}.id", "use a-z, 0-9 and hyphens")
    if kind not in OUTCOMES:
        raise DataFileError(
            path, f"{where}.kind", f"unknown kind {kind!r}; use {', '.join(OUTCOMES)}"
        )
    if outcome not in OUTCOMES[kind]:
        known = ", ".join(sorted(OUTCOMES[kind]))
        raise DataFileError(path, f"{where}.outcome", f"unknown outcome {outcome!r}; use {known}")
    months = data["after_months"]
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise DataFileError(path, f"{where}.after_months", "give a whole number of months >= 1")
    if data["action"] != ACTIONS[kind]:
        wanted = ACTIONS[kind]
        raise DataFileError(path, f"{where}.action", f"a {kind} can only be {wanted}d: {wanted}")
    return RetentionRule(rule_id, kind, outcome, months, data["action"])


def load_rules(path: Path = RULES_FILE) -> list[RetentionRule]:
    """The rules of the file, in order; `DataFileError` names the first mistake."""
    data = require_keys(path, "", read_data_file(path), {"version", "rules"})
    if str(data["version"]) != "1":
        raise DataFileError(path, "version", f'unknown version {data["version"]!r}; use "1"')
    if not isinstance(data["rules"], list) or not data["rules"]:
        raise DataFileError(path, "rules", "give a list of at least one rule")
    rules = [_rule(path, f"rules[{n}]", item) for n, item in enumerate(data["rules"])]
    seen: dict[tuple[str, str], str] = {}
    ids: set[str] = set()
    for n, rule in enumerate(rules):
        if rule.id in ids:
            raise DataFileError(path, f"rules[{n}].id", f"duplicate id {rule.id!r}")
        ids.add(rule.id)
        if (rule.kind, rule.outcome) in seen:
            other = seen[(rule.kind, rule.outcome)]
            raise DataFileError(path, f"rules[{n}]", f"same kind and outcome as rule {other!r}")
        seen[(rule.kind, rule.outcome)] = rule.id
    return rules
