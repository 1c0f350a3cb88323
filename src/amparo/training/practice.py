"""Grading a practice case: the real screening engine on the trainee's answers, compared with
the expert key. Pure: no database, nothing saved, no Person, Case or Screening anywhere.

The report says, for each profile the trainee missed and each extra one, why it matters (the
engine's explanation of the profile and the answers behind it), whether the urgency is right,
which kinds of referral were missed or extra, and whether the consent basis is right. The
score (0-100) weighs profiles 40%, urgency 20%, referrals 20% and consent 20%; profiles and
referrals score right / (expected + extra), so an extra costs as much as a miss.

A red line fails the case whatever else is right (score 0, each reason shown): a referral that
would put the person in danger. The consulate when the engine withholds consular contact for
the case (fear of return, a protection need, fear not asked: non-refoulement); a migration
authority or the police for a person with a protection need (they may detain or deport); a
return or family-tracing service for a child, or for a person whose family may be the danger,
before a best-interests determination (CRC art. 3; UNHCR best-interests guidelines), which a
first contact never has.

Besides the kinds of agency, the trainee may choose two services that send a person back to,
or look for, the family: assisted return and family tracing (the directory's categories).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from amparo.accounts.enums import AgencyKind
from amparo.casework.enums import LegalBasis
from amparo.referrals.enums import ServiceCategory
from amparo.screening.engine import ScreeningResult, evaluate
from amparo.screening.enums import AnswerType, UrgencyLevel
from amparo.screening.protocol import AnswerValue, Protocol, Question, validate_answers

WEIGHTS = {"profiles": 0.4, "urgency": 0.2, "referral_kinds": 0.2, "consent": 0.2}
# The profiles of a protection need (as referrals/domain/safety.py, which this module may not
# import): a person with one is never referred to a body that may detain or deport them.
PROTECTION_NEED = frozenset(
    {
        "international_protection",
        "stateless",
        "trafficking",
        "unaccompanied_child",
        "separated_child",
        "crime_victim_in_transit",
    }
)
ENFORCEMENT_KINDS = frozenset({AgencyKind.MIGRATION_AUTHORITY.value, AgencyKind.POLICE.value})
# The services that wait for a best-interests determination (as referrals/domain/safety.py
# BID_FIRST_KINDS): a trainee may choose them as well as the kinds of agency.
BID_FIRST_SERVICES = (ServiceCategory.RETURN_REINTEGRATION, ServiceCategory.FAMILY_TRACING)
# Profiles where the family may be the danger (as safety.py FAMILY_MAY_BE_DANGER).
FAMILY_MAY_BE_DANGER = frozenset({"lgbti", "trafficking"})
CHILD_PROFILES = frozenset({"unaccompanied_child", "separated_child"})


def referral_choices() -> list[tuple[str, str]]:
    """What a trainee may refer to: every kind of agency, then the two services."""
    services = [(str(service.value), str(service.label)) for service in BID_FIRST_SERVICES]
    return [*((str(code), str(label)) for code, label in AgencyKind.choices), *services]


def referral_label(code: str) -> str:
    if code in AgencyKind.values:
        return str(AgencyKind(code).label)
    return str(ServiceCategory(code).label)


class PracticeChoiceError(ValueError):
    """A referral kind or legal basis that is not a known code."""


def _ratio(right: int, expected: int, extra: int) -> float:
    total = expected + extra
    return 1.0 if total == 0 else right / total


def _answer_text(question: Question, value: AnswerValue, lang: str) -> str:
    match question.type:
        case AnswerType.BOOLEAN:
            return _("Yes") if value else _("No")
        case AnswerType.CHOICE:
            return question.choices[str(value)].get(lang)
        case AnswerType.MULTI_CHOICE:
            chosen = value if isinstance(value, tuple | list) else ()
            return ", ".join(t.get(lang) for code, t in question.choices.items() if code in chosen)
        case _:
            return str(value)


def _indicators(
    protocol: Protocol, result: ScreeningResult, code: str, answers: Mapping[str, Any], lang: str
) -> list[dict[str, str]]:
    profile = next(p for p in result.profiles if p.code == code)
    return [
        {
            "question": protocol.questions[q].text.get(lang),
            "answer": _answer_text(protocol.questions[q], answers[q], lang),
        }
        for q in profile.indicators
    ]


def _profile_rows(
    protocol: Protocol,
    codes: Sequence[str],
    result: ScreeningResult,
    answers: Mapping[str, Any],
    lang: str,
) -> list[dict[str, Any]]:
    explained = {profile.code: profile for profile in result.profiles}
    return [
        {
            "code": code,
            "label": explained[code].label,
            "explanation": explained[code].explanation,
            "indicators": _indicators(protocol, result, code, answers, lang),
        }
        for code in codes
    ]


def _profiles(
    protocol: Protocol,
    key: Mapping[str, Any],
    mine: ScreeningResult,
    expert: ScreeningResult,
    answers: Mapping[str, Any],
    lang: str,
) -> dict[str, Any]:
    expected = list(key["profiles"])
    found = [profile.code for profile in mine.profiles]
    missed = [code for code in expected if code not in found]
    extra = [code for code in found if code not in expected]
    right = [code for code in expected if code in found]
    return {
        "right": [{"code": c, "label": protocol.profiles[c].label.get(lang)} for c in right],
        "missed": _profile_rows(protocol, missed, expert, key["answers"], lang),
        "extra": _profile_rows(protocol, extra, mine, answers, lang),
        "ratio": _ratio(len(right), len(expected), len(extra)),
    }


def _kinds(key: Mapping[str, Any], chosen: Sequence[str]) -> dict[str, Any]:
    expected = list(key["referral_kinds"])

    def rows(codes: list[str]) -> list[dict[str, str]]:
        return [{"kind": code, "label": referral_label(code)} for code in codes]

    right = [kind for kind in expected if kind in chosen]
    missed = [kind for kind in expected if kind not in chosen]
    extra = [kind for kind in chosen if kind not in expected]
    return {
        "right": rows(right),
        "missed": rows(missed),
        "extra": rows(extra),
        "ratio": _ratio(len(right), len(expected), len(extra)),
    }


def is_child(answers: Mapping[str, Any]) -> bool:
    """The protocol's `child` fact: a stated age under 18, or looking under 18 (when the age is
    in doubt, the person is presumed to be a child)."""
    age = answers.get("age_years")
    return (isinstance(age, int) and age < 18) or answers.get("apparent_minor") is True


def red_lines(
    expert: ScreeningResult, chosen: Sequence[str], *, child: bool = False
) -> list[dict[str, str]]:
    """The referrals chosen that could harm the person of the case (judged on the expert's
    answers, the truth of the vignette), each with the reason. `child`: the expert's answers
    make the person a child."""
    lines = []
    if AgencyKind.CONSULATE in chosen and not expert.consular.appropriate:
        message = _("Red line: you referred the person to the consulate. %(reason)s")
        lines.append({"code": "consulate", "message": message % {"reason": expert.consular.reason}})
    need = {profile.code for profile in expert.profiles} & PROTECTION_NEED
    for kind in sorted(ENFORCEMENT_KINDS & set(chosen)):
        if need:
            message = _(
                "Red line: you referred a person with a protection need to %(kind)s, a body that "
                "may detain or deport them."
            ) % {"kind": str(AgencyKind(kind).label)}
            lines.append({"code": kind, "message": message})
    found = {profile.code for profile in expert.profiles}
    child = child or bool(found & CHILD_PROFILES)
    for service in BID_FIRST_SERVICES:
        if service not in chosen:
            continue
        if child:
            message = _(
                "Red line: you chose %(service)s for a child before a best-interests "
                "determination. A child is returned or their family traced only after a "
                "determination shows it is in the child's best interests."
            )
        elif found & FAMILY_MAY_BE_DANGER:
            message = _(
                "Red line: you chose %(service)s for a person whose family may be the danger, "
                "before a best-interests determination or an assessment of that risk."
            )
        else:
            continue
        label = str(service.label)
        lines.append({"code": str(service.value), "message": message % {"service": label}})
    return lines


def check_choices(referral_kinds: Sequence[str], legal_basis: str) -> None:
    allowed = {code for code, _label in referral_choices()}
    unknown = [kind for kind in referral_kinds if kind not in allowed]
    if unknown:
        raise PracticeChoiceError(f"unknown referral kind(s): {', '.join(unknown)}")
    if legal_basis not in LegalBasis.values:
        raise PracticeChoiceError(f"unknown legal basis: {legal_basis}")


def grade_practice(
    protocol: Protocol,
    key: Mapping[str, Any],
    teaching_points: Mapping[str, str],
    *,
    answers: Mapping[str, Any],
    referral_kinds: Sequence[str],
    legal_basis: str,
    lang: str,
) -> dict[str, Any]:
    """The grading report (JSON-ready, texts in `lang`). Raises `AnswersError` for answers the
    protocol refuses and `PracticeChoiceError` for an unknown referral kind or legal basis."""
    check_choices(referral_kinds, legal_basis)
    answers = validate_answers(protocol, answers)
    with translation.override(lang):
        mine = evaluate(protocol, answers, lang=lang)
        expert = evaluate(protocol, key["answers"], lang=lang)
        profiles = _profiles(protocol, key, mine, expert, answers, lang)
        kinds = _kinds(key, list(dict.fromkeys(referral_kinds)))
        urgency = {
            "expected": key["urgency"],
            "expected_label": str(UrgencyLevel(key["urgency"]).label),
            "given": mine.urgency.level.value,
            "given_label": str(mine.urgency.level.label),
            "right": mine.urgency.level == key["urgency"],
        }
        expected_basis = key["consent"]["legal_basis"]
        chosen = list(dict.fromkeys(referral_kinds))
        lines = red_lines(expert, chosen, child=is_child(key["answers"]))
        consent = {
            "expected": expected_basis,
            "expected_label": str(LegalBasis(expected_basis).label),
            "given": legal_basis,
            "given_label": str(LegalBasis(legal_basis).label),
            "right": legal_basis == expected_basis,
            "notes": key["consent"]["notes"][lang],
        }
    parts = {
        "profiles": profiles["ratio"],
        "urgency": float(urgency["right"]),
        "referral_kinds": kinds["ratio"],
        "consent": float(consent["right"]),
    }
    score = round(100 * sum(WEIGHTS[name] * value for name, value in parts.items()), 2)
    return {
        "protocol": {"id": protocol.id, "version": protocol.version},
        "lang": lang,
        "score": 0.0 if lines else score,
        "red_lines": lines,
        "profiles": profiles,
        "urgency": urgency,
        "referral_kinds": kinds,
        "consent": consent,
        "teaching_points": teaching_points[lang],
    }
