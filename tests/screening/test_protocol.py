"""Protocol files: the shipped one loads; a bad one is refused naming file, key and problem."""

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.utils import translation

from amparo.lib.datafiles import DataFileError
from amparo.screening.engine import evaluate
from amparo.screening.protocol import (
    PROTOCOLS_DIR,
    AnswersError,
    Protocol,
    ProtocolNotFoundError,
    load_protocol,
    load_protocol_file,
    protocol_registry,
    validate_answers,
)
from tests.screening.builders import child

SHIPPED = PROTOCOLS_DIR / "rcm-2013.yaml"

PROFILES = {
    "international_protection",
    "trafficking",
    "unaccompanied_child",
    "separated_child",
    "crime_victim_in_transit",
    "smuggled_vulnerable",
    "extra_continental",
    "pregnant_or_lactating",
    "woman_at_risk",
    "older_person",
    "disability",
    "serious_medical_condition",
    "lgbti",
    "indigenous",
    "stateless",
}
ANSWER_CODES = {
    "age_years",
    "apparent_minor",
    "sex",
    "travelling_alone",
    "accompanying_adult_relationship",
    "fear_of_return",
    "persecution_grounds",
    "family_threatened_or_killed",
    "deceptive_job_offer",
    "documents_held_by_other",
    "debt_to_recruiter_or_smuggler",
    "restricted_movement",
    "forced_work_or_sex",
    "controlled_by_other",
    "crimes_in_transit",
    "days_since_sexual_violence",
    "injuries_visible",
    "abandoned_by_smuggler",
    "pregnant",
    "lactating",
    "disability",
    "serious_medical_condition",
    "needs_urgent_medical_care",
    "lgbti_at_risk",
    "indigenous",
    "stateless",
    "nationality",
    "country_of_identification",
    "speaks_local_language",
    "immediate_danger",
}


def shipped_data() -> dict[str, Any]:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def write(tmp_path: Path, data: dict[str, Any], name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def refusal(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> str:
    """Load the shipped protocol with one change; return the loader's message."""
    data = shipped_data()
    change(data)
    path = write(tmp_path, data)
    with pytest.raises(DataFileError) as error:
        load_protocol_file(path)
    return str(error.value).removeprefix(f"{path}: ")


# --- The shipped protocol --------------------------------------------------------------------


def test_the_shipped_protocol_has_the_fifteen_profiles_and_every_answer_code(
    protocol: Protocol,
) -> None:
    assert (protocol.id, protocol.version) == ("rcm-2013", "1.0")
    assert set(protocol.profiles) == PROFILES
    assert set(protocol.questions) == ANSWER_CODES


def test_the_hash_is_the_sha256_of_the_file_bytes(protocol: Protocol) -> None:
    assert protocol.sha256 == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()


def test_protocols_are_found_by_id_and_loaded_once() -> None:
    assert load_protocol("rcm-2013") is load_protocol("rcm-2013")
    assert load_protocol("rcm-2013", "1.2") is load_protocol("rcm-2013")
    assert load_protocol("rcm-2013", "1.0").version == "1.0"
    assert set(protocol_registry()) == {
        ("rcm-2013", "1.0"),
        ("rcm-2013", "1.1"),
        ("rcm-2013", "1.2"),
    }


@pytest.mark.parametrize(("protocol_id", "version"), [("rcm-2099", None), ("rcm-2013", "9.9")])
def test_an_unknown_protocol_or_version_is_not_found(protocol_id: str, version: str | None) -> None:
    with pytest.raises(ProtocolNotFoundError, match=protocol_id):
        load_protocol(protocol_id, version)


def test_every_text_of_the_protocol_is_in_spanish_english_and_french(protocol: Protocol) -> None:
    for question in protocol.questions.values():
        assert question.text.get("es") != question.text.get("en"), question.code
    assert protocol.profiles["unaccompanied_child"].label.get("fr") == (
        "Enfant ou adolescent non accompagné"
    )


def test_a_new_version_with_a_new_profile_is_data_not_code(tmp_path: Path) -> None:
    data = shipped_data()
    data["version"] = "1.1"
    data["profiles"]["returnee"] = {
        "label": {"es": "Persona retornada", "en": "Returnee", "fr": "Personne rapatriée"},
        "refer_to": ["shelter"],
    }
    data["rules"].append({"profile": "returnee", "when": {"answer": "nationality", "is": "HN"}})
    write(tmp_path, shipped_data(), "rcm-2013.yaml")
    write(tmp_path, data, "rcm-2013.v1.1.yaml")
    registry = protocol_registry(tmp_path)
    newer = registry[("rcm-2013", "1.1")]
    result = evaluate(newer, {"nationality": "HN", "country_of_identification": "HN"}, lang="en")
    assert [(p.code, p.explanation) for p in result.profiles] == [
        ("returnee", "The answers match the indicators of the profile “Returnee”.")
    ]
    assert newer.sha256 != registry[("rcm-2013", "1.0")].sha256


def test_two_files_with_the_same_id_and_version_are_refused(tmp_path: Path) -> None:
    write(tmp_path, shipped_data(), "a.yaml")
    write(tmp_path, shipped_data(), "b.yaml")
    with pytest.raises(DataFileError) as error:
        protocol_registry(tmp_path)
    assert str(error.value) == f"{tmp_path / 'b.yaml'}: version: rcm-2013 1.0 is also in a.yaml"


# --- Bad files -------------------------------------------------------------------------------


def test_an_unknown_top_level_key_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path, lambda d: d.update(colour="blue")) == "unknown key(s): colour"


def test_an_unknown_key_in_a_question_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, lambda d: d["questions"]["sex"].update(hint="x"))
    assert message == "questions.sex: unknown key(s): hint"


def test_an_unknown_profile_in_a_rule_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, lambda d: d["rules"][0].update(profile="refugee"))
    assert message == "rules[0].profile: unknown profile 'refugee'"


def test_an_unknown_answer_type_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, lambda d: d["questions"]["sex"].update(type="text"))
    assert message == "questions.sex.type: unknown answer type 'text'"


def test_an_unknown_agency_kind_is_refused(tmp_path: Path) -> None:
    message = refusal(
        tmp_path, lambda d: d["profiles"]["trafficking"].update(refer_to=["spaceship"])
    )
    assert message == "profiles.trafficking.refer_to[0]: unknown agency kind 'spaceship'"


def test_a_yaml_syntax_error_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: rcm-2013\nprofiles: {trafficking: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"^.*broken\.yaml: line 3: invalid YAML: "):
        load_protocol_file(path)


def test_a_rule_value_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, lambda d: d["rules"][0]["when"]["any"][0].update({"is": "yes"}))
    assert message == "rules[0].when.any[0].is: 'yes' must be true or false"


def test_a_misspelt_choice_in_a_rule_is_refused(tmp_path: Path) -> None:
    def misspell(data: dict[str, Any]) -> None:
        data["rules"][0]["when"]["any"][1]["includes_any"][0] = "racism"

    assert refusal(tmp_path, misspell) == (
        "rules[0].when.any[1].includes_any[0]: 'racism' must be one of: race, religion, "
        "nationality, political_opinion, social_group, gender, sexual_orientation, gang_violence, "
        "forced_recruitment, conflict"
    )


def test_an_operator_that_does_not_fit_the_answer_type_is_refused(tmp_path: Path) -> None:
    message = refusal(
        tmp_path,
        lambda d: d["rules"].append({"profile": "lgbti", "when": {"answer": "sex", "lt": 3}}),
    )
    assert message == "rules[15].when.lt: does not apply to the choice answer 'sex'"


def test_an_unquoted_version_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, lambda d: d.update(version=1.0))
    assert message == 'version: must be a quoted string of dot-separated numbers, e.g. "1.0"'


def test_a_question_in_no_section_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, lambda d: d["sections"][0]["questions"].remove("immediate_danger"))
    assert message == "sections: question(s) in no section: immediate_danger"


def test_skip_logic_on_a_later_question_is_refused(tmp_path: Path) -> None:
    def loop(data: dict[str, Any]) -> None:
        data["questions"]["age_years"]["show_if"] = {"answer": "pregnant", "is": True}

    message = refusal(tmp_path, loop)
    assert message == "questions.age_years.show_if.answer: 'pregnant' comes later in the form"


def test_a_profile_no_rule_suggests_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, lambda d: d.update(rules=d["rules"][:-1]))
    assert message == "rules: no rule suggests profile(s): stateless"


def test_a_protocol_without_the_child_fact_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, lambda d: d.update(facts={}))
    assert message == "facts: must be a mapping that defines the 'child' fact"


def test_a_protocol_must_ask_what_the_safety_principles_rely_on(tmp_path: Path) -> None:
    def retype(data: dict[str, Any]) -> None:
        data["questions"]["stateless"] = {
            "type": "choice",
            "text": {"es": "¿Apátrida?", "en": "Stateless?", "fr": "Apatride ?"},
            "choices": {"yes": {"es": "Sí", "en": "Yes", "fr": "Oui"}},
        }

    assert refusal(tmp_path, retype) == (
        "questions: must ask 'stateless' as a boolean question (the engine relies on it)"
    )


def test_a_text_missing_a_language_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, lambda d: d["profiles"]["lgbti"]["label"].pop("fr"))
    assert message == "profiles.lgbti.label: missing required key(s): fr"


def test_an_unknown_urgency_reason_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, lambda d: d["urgency"][0].update(reason="bad_vibes"))
    assert message == "urgency[0].reason: unknown urgency reason 'bad_vibes'"


# --- Answers ---------------------------------------------------------------------------------


def test_every_bad_answer_is_listed_with_its_code(protocol: Protocol) -> None:
    answers = {
        "fear_of_retrun": True,
        "age_years": 121,
        "sex": "f",
        "pregnant": 1,
        "crimes_in_transit": "robbery",
        "nationality": "XX",
        "days_since_sexual_violence": True,
    }
    with translation.override("en"), pytest.raises(AnswersError) as error:
        validate_answers(protocol, answers)
    assert [(p.code, p.error, p.message) for p in error.value.problems] == [
        ("fear_of_retrun", "unknown_code", "is not a question of this protocol"),
        ("age_years", "out_of_range", "must be between 0 and 120"),
        ("sex", "unknown_choice", "must be one of: female, male, intersex, unknown"),
        ("pregnant", "wrong_type", "must be true or false"),
        (
            "crimes_in_transit",
            "wrong_type",
            "must be a list of: robbery, assault, sexual_violence, extortion, kidnapping",
        ),
        ("nationality", "unknown_country", "must be an ISO 3166 alpha-2 country code, such as MX"),
        ("days_since_sexual_violence", "wrong_type", "must be a whole number"),
    ]


def test_answers_that_are_not_an_object_are_refused(protocol: Protocol) -> None:
    with translation.override("en"), pytest.raises(AnswersError) as error:
        validate_answers(protocol, ["age_years", 15])
    assert (
        str(error.value) == "the answers must be a JSON object that maps question codes to values"
    )


def test_answers_are_cleaned_into_their_canonical_form(protocol: Protocol) -> None:
    answers = {
        "age_years": 15.0,
        "apparent_minor": None,
        "nationality": "gt",
        "crimes_in_transit": ["extortion", "robbery", "extortion"],
    }
    assert validate_answers(protocol, answers) == {
        "age_years": 15,
        "nationality": "GT",
        "crimes_in_transit": ("robbery", "extortion"),
    }


@pytest.mark.parametrize(
    ("code", "value", "accepted"),
    [
        ("age_years", 0, True),
        ("age_years", 120, True),
        ("age_years", -1, False),
        ("age_years", 15.5, False),
        ("days_since_sexual_violence", 3650, True),
        ("days_since_sexual_violence", 3651, False),
        ("nationality", "EU", False),
        ("country_of_identification", "XK", True),
    ],
)
def test_answer_limits(protocol: Protocol, code: str, value: object, accepted: bool) -> None:
    try:
        validate_answers(protocol, {code: value})
    except AnswersError:
        assert not accepted
    else:
        assert accepted


def test_evaluate_validates_before_it_screens(protocol: Protocol) -> None:
    with pytest.raises(AnswersError) as error:
        evaluate(protocol, child(age_years="fifteen"))
    assert [problem.code for problem in error.value.problems] == ["age_years"]
