"""A table of screening scenarios: which profiles are suggested and how urgent the case is."""

import pytest

from amparo.screening.engine import evaluate
from amparo.screening.protocol import Protocol
from tests.screening.builders import adult, child

NO_INDICATORS = {
    "immediate_danger": False,
    "needs_urgent_medical_care": False,
    "apparent_minor": False,
    "stateless": False,
    "indigenous": False,
    "speaks_local_language": True,
    "family_threatened_or_killed": False,
    "deceptive_job_offer": False,
    "documents_held_by_other": False,
    "debt_to_recruiter_or_smuggler": False,
    "restricted_movement": False,
    "forced_work_or_sex": False,
    "controlled_by_other": False,
    "crimes_in_transit": [],
    "injuries_visible": False,
    "abandoned_by_smuggler": False,
    "disability": False,
    "serious_medical_condition": False,
    "lgbti_at_risk": False,
}

SCENARIOS = [
    # Each profile alone.
    pytest.param(
        adult(fear_of_return=True, persecution_grounds=["political_opinion"]),
        ["international_protection"],
        "urgent",
        id="an adult persecuted for his political opinion",
    ),
    pytest.param(
        adult(deceptive_job_offer=True, documents_held_by_other=True),
        ["trafficking"],
        "urgent",
        id="an adult deceived by a job offer whose papers someone holds",
    ),
    pytest.param(child(), ["unaccompanied_child"], "urgent", id="a boy of 15 travelling alone"),
    pytest.param(
        child(age_years=12, travelling_alone=False, accompanying_adult_relationship="relative"),
        ["separated_child"],
        "urgent",
        id="a boy of 12 travelling with his uncle",
    ),
    pytest.param(
        adult(crimes_in_transit=["robbery", "extortion"]),
        ["crime_victim_in_transit"],
        "normal",
        id="an adult robbed and extorted on the way",
    ),
    pytest.param(
        adult(abandoned_by_smuggler=True),
        ["smuggled_vulnerable"],
        "normal",
        id="an adult abandoned by the smuggler",
    ),
    pytest.param(
        adult(nationality="CM"), ["extra_continental"], "normal", id="a Cameroonian adult"
    ),
    pytest.param(
        adult(sex="female", pregnant=True),
        ["pregnant_or_lactating"],
        "normal",
        id="a pregnant woman travelling with family",
    ),
    pytest.param(
        adult(sex="female", lactating=True),
        ["pregnant_or_lactating"],
        "normal",
        id="a breastfeeding mother",
    ),
    pytest.param(
        adult(sex="female", travelling_alone=True),
        ["woman_at_risk"],
        "normal",
        id="a woman travelling alone",
    ),
    pytest.param(adult(age_years=67), ["older_person"], "normal", id="a man of 67"),
    pytest.param(adult(disability=True), ["disability"], "normal", id="a man with a disability"),
    pytest.param(
        adult(serious_medical_condition=True),
        ["serious_medical_condition"],
        "normal",
        id="a man with a chronic illness",
    ),
    pytest.param(adult(lgbti_at_risk=True), ["lgbti"], "normal", id="an LGBTI person at risk"),
    pytest.param(adult(indigenous=True), ["indigenous"], "normal", id="an Indigenous man"),
    pytest.param(
        adult(nationality=None, stateless=True), ["stateless"], "normal", id="a stateless man"
    ),
    # Nothing applies.
    pytest.param(
        adult(
            age_years=41,
            nationality="MX",
            country_of_identification="US",
            travelling_alone=False,
            accompanying_adult_relationship="relative",
            **NO_INDICATORS,
        ),
        [],
        "normal",
        id="an adult Mexican travelling with family and no indicators",
    ),
    pytest.param({}, [], "normal", id="no answers at all"),
    pytest.param(
        child(
            age_years=17, travelling_alone=False, accompanying_adult_relationship="legal_guardian"
        ),
        [],
        "normal",
        id="a boy of 17 with his legal guardian",
    ),
    pytest.param(
        adult(age_years=18, travelling_alone=True), [], "normal", id="a man of 18 travelling alone"
    ),
    pytest.param(adult(age_years=59), [], "normal", id="a man of 59"),
    pytest.param(adult(age_years=60), ["older_person"], "normal", id="a man of 60"),
    pytest.param(
        {
            "apparent_minor": True,
            "travelling_alone": False,
            "accompanying_adult_relationship": "parent",
        },
        [],
        "normal",
        id="an apparent minor with a parent",
    ),
    # Combinations.
    pytest.param(
        child(
            age_years=16,
            nationality="SV",
            fear_of_return=True,
            persecution_grounds=["gang_violence", "forced_recruitment"],
        ),
        ["international_protection", "unaccompanied_child"],
        "urgent",
        id="a boy of 16 fleeing gang recruitment alone",
    ),
    pytest.param(
        child(
            age_years=16,
            sex="female",
            travelling_alone=False,
            accompanying_adult_relationship="unrelated",
            forced_work_or_sex=True,
            controlled_by_other=True,
            restricted_movement=True,
        ),
        ["trafficking", "unaccompanied_child", "woman_at_risk"],
        "urgent",
        id="a trafficked girl of 16 with an unrelated adult",
    ),
    pytest.param(
        adult(
            sex="female",
            age_years=24,
            pregnant=True,
            crimes_in_transit=["sexual_violence"],
            days_since_sexual_violence=2,
        ),
        ["crime_victim_in_transit", "pregnant_or_lactating", "woman_at_risk"],
        "emergency",
        id="a pregnant woman raped two days ago",
    ),
    pytest.param(
        adult(
            sex="female",
            crimes_in_transit=["sexual_violence", "robbery"],
            days_since_sexual_violence=10,
        ),
        ["crime_victim_in_transit", "woman_at_risk"],
        "urgent",
        id="a woman raped ten days ago",
    ),
    pytest.param(
        adult(days_since_sexual_violence=3),
        ["crime_victim_in_transit"],
        "emergency",
        id="sexual violence exactly 72 hours ago",
    ),
    pytest.param(
        adult(days_since_sexual_violence=4),
        ["crime_victim_in_transit"],
        "urgent",
        id="sexual violence four days ago",
    ),
    pytest.param(
        {"age_years": None, "apparent_minor": True, "travelling_alone": True},
        ["unaccompanied_child"],
        "urgent",
        id="an apparent minor of unknown age travelling alone",
    ),
    pytest.param(
        adult(age_years=19, apparent_minor=True, travelling_alone=True),
        ["unaccompanied_child"],
        "urgent",
        id="a person who says 19 but looks under 18, alone",
    ),
    pytest.param(
        child(travelling_alone=False, accompanying_adult_relationship="unknown"),
        ["unaccompanied_child"],
        "urgent",
        id="a child with an adult of unknown relationship",
    ),
    pytest.param(
        child(age_years=14, sex="female"),
        ["unaccompanied_child", "woman_at_risk"],
        "urgent",
        id="a girl of 14 travelling alone",
    ),
    pytest.param(adult(immediate_danger=True), [], "emergency", id="a man in immediate danger"),
    pytest.param(
        adult(needs_urgent_medical_care=True),
        ["serious_medical_condition"],
        "emergency",
        id="a man who needs urgent medical care",
    ),
    pytest.param(
        adult(nationality="HT", fear_of_return=True, persecution_grounds=["sexual_orientation"]),
        ["international_protection", "lgbti"],
        "urgent",
        id="a Haitian persecuted for sexual orientation",
    ),
    pytest.param(
        adult(family_threatened_or_killed=True),
        ["international_protection"],
        "urgent",
        id="a man whose family was threatened",
    ),
    pytest.param(
        adult(debt_to_recruiter_or_smuggler=True),
        ["smuggled_vulnerable"],
        "normal",
        id="a debt to the smuggler alone is not trafficking",
    ),
    pytest.param(
        adult(debt_to_recruiter_or_smuggler=True, restricted_movement=True),
        ["trafficking", "smuggled_vulnerable"],
        "urgent",
        id="a debt with restricted movement",
    ),
    pytest.param(
        adult(crimes_in_transit=["kidnapping"], injuries_visible=True),
        ["crime_victim_in_transit"],
        "urgent",
        id="a kidnapped man with visible injuries",
    ),
    pytest.param(
        adult(sex="female", age_years=72, indigenous=True, disability=True),
        ["older_person", "disability", "indigenous"],
        "normal",
        id="an older Indigenous woman with a disability",
    ),
    pytest.param(
        adult(nationality="AF", fear_of_return=True, speaks_local_language=False),
        ["international_protection", "extra_continental"],
        "urgent",
        id="an Afghan who fears returning and needs an interpreter",
    ),
]


@pytest.mark.parametrize(("answers", "profiles", "urgency"), SCENARIOS)
def test_each_scenario_gets_its_profiles_and_urgency(
    protocol: Protocol, answers: dict[str, object], profiles: list[str], urgency: str
) -> None:
    result = evaluate(protocol, answers, lang="en")
    assert [profile.code for profile in result.profiles] == profiles
    assert result.urgency.level == urgency


def test_the_table_covers_every_profile_of_the_protocol(protocol: Protocol) -> None:
    covered = {code for scenario in SCENARIOS for code in scenario.values[1]}
    assert covered == set(protocol.profiles)
    assert len(SCENARIOS) >= 30
