"""Version 1.2 of the RCM 2013 protocol (issue 16, items 7 and 9). Synthetic answers.

Each test fails on version 1.1, which saved screenings may still use.
"""

from pathlib import Path

import pytest
import yaml

from amparo.lib.datafiles import DataFileError
from amparo.screening.engine import evaluate, visible_questions
from amparo.screening.protocol import Protocol, load_protocol, protocol_registry
from tests.screening.builders import adult, child

WITH_ADULT = {"travelling_alone": False}
PROTOCOLS = Path(__file__).resolve().parents[2] / "src/amparo/screening/protocols"


def codes(items: object) -> list[str]:
    return [item.code for item in items]  # type: ignore[attr-defined]


def test_current_is_version_1_2(current: Protocol) -> None:
    assert current.version == "1.2"


def test_a_child_with_an_adult_of_unrecorded_relationship_is_identified(
    current: Protocol,
) -> None:
    """Not recorded is unknown, never "a parent": the child is treated as unaccompanied until
    the relationship is verified, and the officer is told to verify it."""
    result = evaluate(current, child(**WITH_ADULT), lang="en")
    assert codes(result.profiles) == ["unaccompanied_child"]
    assert result.profiles[0].indicators == ("age_years", "travelling_alone")
    assert result.urgency.level == "urgent"
    assert "verify_accompanying_adult" in codes(result.actions)
    assert "child_protection" in [referral.kind for referral in result.referrals]


def test_an_unrecorded_relationship_is_treated_as_an_unknown_one(current: Protocol) -> None:
    unrecorded = evaluate(current, child(**WITH_ADULT))
    unknown = evaluate(current, child(**WITH_ADULT, accompanying_adult_relationship="unknown"))
    assert codes(unrecorded.profiles) == codes(unknown.profiles) == ["unaccompanied_child"]
    assert codes(unrecorded.actions) == codes(unknown.actions)


@pytest.mark.parametrize(
    ("relationship", "profiles"),
    [("parent", []), ("legal_guardian", []), ("relative", ["separated_child"])],
)
def test_a_recorded_parent_guardian_or_relative_keeps_its_own_answer(
    current: Protocol, relationship: str, profiles: list[str]
) -> None:
    result = evaluate(current, child(**WITH_ADULT, accompanying_adult_relationship=relationship))
    assert codes(result.profiles) == profiles
    assert "verify_accompanying_adult" not in codes(result.actions)


def test_an_adult_travelling_with_someone_is_no_child_and_gets_no_profile(
    current: Protocol,
) -> None:
    assert codes(evaluate(current, adult(**WITH_ADULT)).profiles) == []


def test_a_child_whose_company_is_not_known_at_all_is_not_presumed_accompanied(
    current: Protocol,
) -> None:
    answers = {k: v for k, v in child().items() if k != "travelling_alone"}
    assert codes(evaluate(current, answers).profiles) == []


def test_legal_aid_is_suggested_for_protection_trafficking_and_crime_victims(
    current: Protocol,
) -> None:
    answers = adult(
        fear_of_return=True, debt_bondage=True, crimes_in_transit=["robbery"],
        country_of_identification="SV",
    )  # fmt: skip
    legal = next(r for r in evaluate(current, answers).referrals if r.kind == "legal_aid")
    assert legal.profiles == ("international_protection", "trafficking", "crime_victim_in_transit")
    assert [agency.code for agency in legal.agencies] == ["sv-pgr"]


def test_the_form_never_hides_a_question_on_an_absent_answer(current: Protocol) -> None:
    shown = visible_questions(current, {"travelling_alone": False})
    assert "accompanying_adult_relationship" in shown
    assert "accompanying_adult_relationship" not in visible_questions(current, {})


def test_a_show_if_on_an_absent_answer_is_refused_naming_the_key(tmp_path: Path) -> None:
    data = yaml.safe_load((PROTOCOLS / "rcm-2013.v1.2.yaml").read_text(encoding="utf-8"))
    data["version"] = "9.0"
    data["questions"]["accompanying_adult_relationship"]["show_if"] = {
        "answer": "travelling_alone",
        "unanswered": True,
    }
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        protocol_registry(tmp_path)
    assert "questions.accompanying_adult_relationship.show_if.unanswered" in str(error.value)
    assert "cannot test an absent answer" in str(error.value)


def test_version_1_1_still_gives_no_profile_to_saved_screenings_it_evaluated() -> None:
    """Saved screenings keep the version they used: 1.1 is unchanged."""
    older = load_protocol("rcm-2013", "1.1")
    assert codes(evaluate(older, child(**WITH_ADULT)).profiles) == []
