"""Synthetic preliminary identifications for demo cases, so every profile appears.

The answer sets are the expert answers of the fictional practice cases of the training
programme, plus one for a person with a disability; each is screened through the real
engine, its suggestions confirmed, and attached to a case.
"""

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.screening.domain.screenings import attach_to_case, decide_profiles, submit_screening

PRACTICE_DIR = Path(__file__).resolve().parent.parent / "training" / "content" / "practice"
_EXTRA = [
    {
        "age_years": 34,
        "sex": "male",
        "disability": True,
        "travelling_alone": False,
        "fear_of_return": False,
    },
]


@cache
def answer_sets() -> list[dict[str, Any]]:
    sets: list[dict[str, Any]] = []
    for path in sorted(PRACTICE_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sets.append(dict(data["expert_key"]["answers"]))
    return [*sets, *_EXTRA]


def _answers_for(case: Case, template: dict[str, Any]) -> dict[str, Any]:
    """The template, made consistent with the registered person (age, sex, nationality)."""
    person = case.person
    answers = {**template, "country_of_identification": case.country_id}
    age = person.age_on(timezone.localdate())
    if age is not None:
        answers["age_years"] = age
    if person.sex in {"female", "male"}:
        answers["sex"] = person.sex
        if person.sex == "male":
            for code in ("pregnant", "lactating"):
                answers.pop(code, None)
    if person.nationalities:
        answers["nationality"] = person.nationalities[0]
    return answers


def screen_case(case: Case, *, actor: User, index: int) -> None:
    """Screen the case's person with one of the answer sets, confirm, and attach."""
    answers = _answers_for(case, answer_sets()[index % len(answer_sets())])
    screening = submit_screening(actor=actor, agency=case.agency, answers=answers, lang="es")
    decisions = {d.code: (True, "") for d in screening.decisions.all()}
    decide_profiles(screening, actor=actor, decisions=decisions)  # nothing suggested: reviewed
    attach_to_case(screening, actor=actor, case=case)
