"""Version 1.1 of the RCM 2013 protocol: what the specialist review changed. Synthetic answers.

Each test fails on version 1.0, which saved screenings still use (see conftest.py).
"""

import pytest

from amparo.screening.engine import evaluate
from amparo.screening.protocol import AnswersError, Protocol
from tests.screening.builders import adult, child

WOMAN = {"sex": "female", "crimes_in_transit": ["sexual_violence"]}


def codes(result_items: object) -> list[str]:
    return [item.code for item in result_items]  # type: ignore[attr-defined]


def kinds(result: object) -> list[str]:
    return [referral.kind for referral in result.referrals]  # type: ignore[attr-defined]


@pytest.mark.parametrize("hours", [None, 0, 72, 100, 120])
def test_sexual_violence_unknown_or_within_120_hours_gets_immediate_health_care(
    current: Protocol, hours: int | None
) -> None:
    answers = adult(**WOMAN) | ({"hours_since_sexual_violence": hours} if hours is not None else {})
    result = evaluate(current, answers, lang="en")
    assert "post_rape_care" in codes(result.actions)
    health = next(r for r in result.referrals if r.kind == "health")
    assert health.immediate is True
    care = next(a for a in result.actions if a.code == "post_rape_care")
    assert "within 72 hours" in care.text
    assert "within 120 hours (5 days)" in care.text


@pytest.mark.parametrize(
    ("hours", "level"), [(96, "emergency"), (120, "emergency"), (121, "urgent")]
)
def test_the_emergency_lasts_the_120_hours_of_emergency_contraception(
    current: Protocol, hours: int, level: str
) -> None:
    answers = adult(**WOMAN, hours_since_sexual_violence=hours)
    assert evaluate(current, answers).urgency.level == level


def test_debt_bondage_is_a_trafficking_indicator_and_a_debt_to_a_smuggler_is_not(
    current: Protocol,
) -> None:
    bondage = evaluate(current, adult(debt_bondage=True))
    smuggler = evaluate(current, adult(debt_to_smuggler=True))
    assert codes(bondage.profiles) == ["trafficking"]
    assert codes(smuggler.profiles) == ["smuggled_vulnerable"]


def test_no_profile_refers_to_a_migration_authority_or_the_police(current: Protocol) -> None:
    for profile in current.profiles.values():
        assert {"migration_authority", "police"} & set(profile.refer_to) == set()


def test_an_urgent_medical_need_alone_is_not_a_serious_medical_condition(
    current: Protocol,
) -> None:
    result = evaluate(current, adult(needs_urgent_medical_care=True))
    assert codes(result.profiles) == []
    assert result.urgency.level == "emergency"


def test_consular_assistance_is_mentioned_only_to_someone_who_does_not_fear_return(
    current: Protocol,
) -> None:
    fears = evaluate(current, adult(fear_of_return=True), lang="en")
    safe = evaluate(current, adult(), lang="en")
    assert "inform_consular_assistance" not in codes(fears.actions)
    assert all("ask their consulate" not in action.text for action in fears.actions)
    assert all("consular assistance" not in action.text for action in fears.actions)
    assert "inform_consular_assistance" in codes(safe.actions)


def test_an_age_must_be_a_whole_number(current: Protocol) -> None:
    with pytest.raises(AnswersError):
        evaluate(current, child(age_years=17.5))


def test_an_lgbti_person_is_not_referred_to_family_tracing(current: Protocol) -> None:
    result = evaluate(current, adult(lgbti_at_risk=True, country_of_identification="MX"))
    assert "ngo" not in kinds(result)
