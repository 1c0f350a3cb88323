"""The minimum data set per referral kind (a data file), and the snapshot it produces."""

from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from amparo.lib.datafiles import DataFileError, read_data_file, require_keys
from amparo.people.models import Case
from amparo.referrals.enums import ServedProfile, ServiceCategory

MINIMUM_DATA_FILE = Path(__file__).resolve().parent.parent / "minimum_data.yaml"
KNOWN_FIELDS = frozenset(
    {
        "given_names", "first_surname", "second_surname", "sex", "birth_date", "birth_year",
        "age_band", "nationalities", "languages", "phone", "documents", "profiles", "urgency",
        "case_reference", "guardian",
    }
)  # fmt: skip


@cache
def minimum_data_sets(path: Path = MINIMUM_DATA_FILE) -> dict[str, tuple[str, ...]]:
    """Fields per referral kind, validated: unknown kinds or fields name the file and key."""
    return {kind: fields for kind, (fields, _profiles) in _read_sets(path).items()}


@cache
def profile_sets(path: Path = MINIMUM_DATA_FILE) -> dict[str, frozenset[str]]:
    """The profiles each kind of recipient needs (none where the kind shares no profiles)."""
    return {kind: profiles for kind, (_fields, profiles) in _read_sets(path).items()}


def _read_sets(path: Path) -> dict[str, tuple[tuple[str, ...], frozenset[str]]]:
    data = read_data_file(path)
    if not isinstance(data, dict) or "default" not in data:
        raise DataFileError(path, "default", "a `default` entry is required")
    sets: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}
    for kind, entry in data.items():
        if kind != "default" and kind not in ServiceCategory.values:
            raise DataFileError(path, str(kind), "is not a referral kind (service category)")
        row = require_keys(path, str(kind), entry, {"fields"}, {"profiles"})
        unknown = sorted(set(row["fields"]) - KNOWN_FIELDS)
        if unknown:
            raise DataFileError(path, f"{kind}.fields", f"unknown field(s): {', '.join(unknown)}")
        if "profiles" in row["fields"] and "profiles" not in row:
            raise DataFileError(path, str(kind), "`profiles` must list the profiles it needs")
        profiles = frozenset(row.get("profiles", []))
        unknown = sorted(profiles - set(ServedProfile.values))
        if unknown:
            raise DataFileError(path, f"{kind}.profiles", f"unknown profile(s): {unknown}")
        sets[str(kind)] = (tuple(row["fields"]), profiles)
    return sets


def fields_for(kind: str) -> tuple[str, ...]:
    sets = minimum_data_sets()
    return sets.get(kind, sets["default"])


def profiles_for(kind: str, confirmed: list[str]) -> list[str]:
    """The confirmed profiles this kind of recipient needs, in the order given."""
    sets = profile_sets()
    needed = sets.get(kind, sets["default"])
    return [code for code in confirmed if code in needed]


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    bands = [(5, "0-4"), (12, "5-11"), (18, "12-17"), (25, "18-24"), (60, "25-59")]
    return next((label for limit, label in bands if age < limit), "60+")


def snapshot(case: Case, *, kind: str, urgency: str, profiles: list[str]) -> dict[str, Any]:
    """The values of the kind's minimum data set for this case, and nothing else."""
    person = case.person
    guardian = getattr(case, "guardian", None)
    available: dict[str, Any] = {
        "given_names": person.given_names,
        "first_surname": person.first_surname,
        "second_surname": person.second_surname,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "birth_year": person.birth_year,
        "age_band": age_band(person.age_on(timezone.localdate())),
        "nationalities": person.nationalities,
        "languages": person.languages,
        "phone": person.phone,
        "documents": person.documents or [],
        "profiles": profiles_for(kind, profiles),
        "urgency": urgency,
        "case_reference": case.reference,
        "guardian": {"name": guardian.name, "relationship": guardian.relationship}
        if guardian
        else None,
    }
    return {field: available[field] for field in fields_for(kind)}
