"""Practice cases: `practice/<code>.yaml`, a fictional vignette and the expert key.

The key's answers are checked against the screening protocol and must evaluate, through the
real engine, to exactly the key's profiles and urgency: a key that contradicts the engine would
teach the wrong thing.
"""

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amparo.accounts.enums import AgencyKind
from amparo.casework.enums import LegalBasis
from amparo.lib.datafiles import DataFileError, read_data_file, require_keys
from amparo.screening.engine import evaluate
from amparo.screening.enums import UrgencyLevel
from amparo.screening.protocol import AnswersError, Protocol, load_protocol, validate_answers
from amparo.training.enums import PRACTICE_PROTOCOL
from amparo.training.loader import common

_TOP_KEYS = {
    "code", "version", "title", "country_of_identification", "vignette", "expert_key",
    "teaching_points",
}  # fmt: skip
_KEY_KEYS = {"profiles", "urgency", "referral_kinds", "consent", "answers"}
_CONSENT_KEYS = {"legal_basis", "notes"}


@dataclass(frozen=True)
class PracticeData:
    code: str
    version: str
    title: common.Texts
    country: str
    vignette: common.Texts
    expert_key: dict[str, Any]  # JSON-ready: profiles, urgency, referral_kinds, consent, answers
    teaching_points: common.Texts
    content_hash: str


@functools.cache
def member_countries() -> frozenset[str]:
    """The RCM member countries, from the reference data file."""
    from amparo.accounts.domain.reference import COUNTRIES_FILE, parse_countries

    return frozenset(country.code for country in parse_countries(COUNTRIES_FILE))


def read_practice(path: Path) -> PracticeData:
    """One practice case file, fully checked (the expert key evaluated by the engine)."""
    top = require_keys(path, "", read_data_file(path), _TOP_KEYS)
    code = common.code(path, "code", top["code"])
    if code != path.stem:
        raise DataFileError(path, "code", f"must match the file name ({path.stem})")
    country = top["country_of_identification"]
    if country not in member_countries():
        raise DataFileError(
            path, "country_of_identification", "must be the ISO code of an RCM member country"
        )
    return PracticeData(
        code=code,
        version=common.version(path, top["version"]),
        title=common.text(path, "title", top["title"]),
        country=country,
        vignette=common.text(path, "vignette", top["vignette"]),
        expert_key=_expert_key(path, top["expert_key"]),
        teaching_points=common.text(path, "teaching_points", top["teaching_points"]),
        content_hash=common.hash_files([path], path.parent),
    )


def _codes(path: Path, where: str, value: object, allowed: set[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DataFileError(path, where, "must be a list of codes")
    for item in value:
        if item not in allowed:
            raise DataFileError(path, f"{where}.{item}", "is not a known code")
    if len(set(value)) != len(value):
        raise DataFileError(path, where, "lists a code twice")
    return list(value)


def _expert_key(path: Path, raw: object) -> dict[str, Any]:
    key = require_keys(path, "expert_key", raw, _KEY_KEYS)
    protocol = load_protocol(PRACTICE_PROTOCOL)
    profiles = _codes(path, "expert_key.profiles", key["profiles"], set(protocol.profiles))
    if key["urgency"] not in UrgencyLevel.values:
        raise DataFileError(path, "expert_key.urgency", "must be emergency, urgent or normal")
    kinds = _codes(path, "expert_key.referral_kinds", key["referral_kinds"], set(AgencyKind.values))
    consent = require_keys(path, "expert_key.consent", key["consent"], _CONSENT_KEYS)
    if consent["legal_basis"] not in LegalBasis.values:
        raise DataFileError(
            path,
            "expert_key.consent.legal_basis",
            "must be consent, vital_interest or public_interest",
        )
    answers = _answers(path, protocol, key["answers"])
    _check_against_engine(path, protocol, answers, set(profiles), key["urgency"])
    return {
        "profiles": [code for code in protocol.profiles if code in profiles],
        "urgency": key["urgency"],
        "referral_kinds": kinds,
        "consent": {
            "legal_basis": consent["legal_basis"],
            "notes": common.text(path, "expert_key.consent.notes", consent["notes"]),
        },
        "answers": answers,
    }


def _answers(path: Path, protocol: Protocol, raw: object) -> dict[str, Any]:
    try:
        cleaned = validate_answers(protocol, raw)
    except AnswersError as error:
        problem = error.problems[0]
        where = f"expert_key.answers.{problem.code}" if problem.code else "expert_key.answers"
        raise DataFileError(path, where, problem.message) from None
    return {code: list(v) if isinstance(v, tuple) else v for code, v in cleaned.items()}


def _check_against_engine(
    path: Path, protocol: Protocol, answers: dict[str, Any], profiles: set[str], urgency: str
) -> None:
    result = evaluate(protocol, answers, lang="en")
    found = {profile.code for profile in result.profiles}
    if found != profiles:
        raise DataFileError(
            path,
            "expert_key.profiles",
            f"the key's answers evaluate to [{', '.join(sorted(found))}]",
        )
    if result.urgency.level != urgency:
        raise DataFileError(
            path, "expert_key.urgency", f"the key's answers evaluate to {result.urgency.level}"
        )
