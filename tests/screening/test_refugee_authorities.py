"""The engine suggests a national refugee authority to a person who may need international
protection in every RCM member country (issue 16 item 7). Synthetic answers; no database."""

import pytest

from amparo.screening.engine import evaluate
from amparo.screening.protocol import Protocol
from tests.screening.builders import adult

MEMBERS = ["BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"]


@pytest.mark.parametrize("country", MEMBERS)
def test_a_person_who_fears_return_is_referred_to_the_refugee_authority_of_the_country(
    current: Protocol, country: str
) -> None:
    # A Cuban woman: no member country represents Cuba, so nothing is withheld for that reason.
    answers = adult(
        sex="female", nationality="CU", country_of_identification=country, fear_of_return=True
    )
    result = evaluate(current, answers, lang="en")
    refugee = next(r for r in result.referrals if r.kind == "refugee_commission")
    assert refugee.agencies, country
    assert all(not agency.enforcement for agency in refugee.agencies)


def test_guatemala_and_honduras_name_their_refugee_bodies(current: Protocol) -> None:
    def named(country: str) -> set[str]:
        answers = adult(nationality="CU", country_of_identification=country, fear_of_return=True)
        result = evaluate(current, answers)
        return {
            agency.code
            for referral in result.referrals
            if referral.kind == "refugee_commission"
            for agency in referral.agencies
        }

    assert named("GT") == {"gt-conare", "gt-igm-refugio"}
    assert named("HN") == {"hn-inm-refugio"}


def test_a_serious_medical_condition_finds_a_health_body_in_every_member_country(
    current: Protocol,
) -> None:
    for country in MEMBERS:
        answers = adult(serious_medical_condition=True, country_of_identification=country)
        health = next(r for r in evaluate(current, answers).referrals if r.kind == "health")
        assert health.agencies, country
