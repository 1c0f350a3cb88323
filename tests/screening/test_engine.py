"""The engine's output in detail: indicators, reasons, actions, referrals and consular advice."""

import pytest

from amparo.screening.engine import (
    AgencyRef,
    ScreeningResult,
    StaticDirectory,
    evaluate,
    reference_directory,
    visible_questions,
)
from amparo.screening.protocol import Protocol
from tests.screening.builders import adult, child

ENFORCEMENT = {
    "us-ice", "us-cbp", "ca-cbsa", "mx-inm", "mx-upmrip", "gt-igm", "hn-inm", "sv-dgme",
    "cr-dgme", "ni-dgme", "pa-snm", "do-dgm", "bz-immigration", "pa-senafront",
}  # fmt: skip
NOT_TARGETS = {"cr-tam", "us-eoir", "gt-minex", "sv-mrree", "gt-conamigua"}
RCM_COUNTRIES = ["BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"]


def agency_codes(result: ScreeningResult) -> set[str]:
    """Every agency the result names, in referrals or in the consular advice."""
    referred = {agency.code for referral in result.referrals for agency in referral.agencies}
    return referred | {agency.code for agency in result.consular.agencies}


def everything_true(protocol: Protocol, **answers: object) -> dict[str, object]:
    """Every risk indicator at once, so every profile's referrals are asked for."""
    flags = {code: True for code, q in protocol.questions.items() if q.type == "boolean"}
    flags["speaks_local_language"] = False
    return {
        **flags,
        "age_years": 16,
        "sex": "female",
        "accompanying_adult_relationship": "relative",
        "persecution_grounds": ["gender"],
        "crimes_in_transit": ["sexual_violence"],
        "days_since_sexual_violence": 1,
        **answers,
    }


def test_a_child_travelling_alone_gets_the_whole_result_in_english(protocol: Protocol) -> None:
    result = evaluate(protocol, child(), lang="en")
    assert result.to_dict() == {
        "protocol": {"id": "rcm-2013", "version": "1.0", "hash": protocol.sha256},
        "lang": "en",
        "preliminary": True,
        "notes": [
            "This is a preliminary identification, not a decision on the person's status: a "
            "trained person confirms it with the person, who may fit several profiles."
        ],
        "profiles": [
            {
                "code": "unaccompanied_child",
                "label": "Unaccompanied child or adolescent",
                "indicators": ["age_years", "travelling_alone"],
                "explanation": "The person is, or is presumed to be, under 18 and travels alone or "
                "with an adult who is not a parent, a legal guardian or a relative, or whose "
                "relationship to them is unknown.",
            }
        ],
        "urgency": {
            "level": "urgent",
            "reasons": [
                "An unaccompanied or separated child needs the child-protection authority "
                "without delay."
            ],
            "reason_codes": ["unaccompanied_or_separated_child"],
        },
        "immediate_actions": [
            "Notify the child-protection authority at once. Keep the child apart from unrelated "
            "adults and never in immigration detention, and do not return the child before "
            "their best interests are assessed.",
            "Explain to the person, in a language they understand, their rights and the "
            "procedures open to them (asylum, protection as a victim, consular assistance), and "
            "ask for their informed consent before any referral or sharing of their data.",
        ],
        "immediate_action_codes": ["notify_child_protection", "inform_rights"],
        "referrals": [
            {
                "kind": "child_protection",
                "label": "Child-protection agency",
                "profiles": ["unaccompanied_child"],
                "immediate": True,
                "agencies": [
                    {
                        "name": "Federal Attorney for the Protection of Children and Adolescents",
                        "country": "MX",
                        "code": "mx-pfpnna",
                        "acronym": "PFPNNA",
                    }
                ],
            },
            {
                "kind": "shelter",
                "label": "Shelter",
                "profiles": ["unaccompanied_child"],
                "immediate": False,
                "agencies": [],
            },
            {
                "kind": "consulate",
                "label": "Consulate or consular service",
                "profiles": ["unaccompanied_child"],
                "immediate": False,
                "agencies": [
                    {
                        "name": "Consulates of Guatemala in Mexico",
                        "country": "MX",
                        "code": "mx-consulado-gt",
                        "acronym": "",
                    }
                ],
            },
            {
                "kind": "international_organisation",
                "label": "International organisation",
                "profiles": ["unaccompanied_child"],
                "immediate": False,
                "agencies": [
                    {
                        "name": "International Organization for Migration (Mexico)",
                        "country": "MX",
                        "code": "mx-oim",
                        "acronym": "OIM",
                    },
                    {
                        "name": "UNHCR (Mexico)",
                        "country": "MX",
                        "code": "mx-acnur",
                        "acronym": "ACNUR",
                    },
                ],
            },
        ],
        "consular_notification": {
            "appropriate": True,
            "reason": "The person is, or is presumed to be, an unaccompanied or separated child "
            "who says they do not fear returning: after assessing the risk of trafficking, notify "
            "the consulate of their nationality for consular protection and family tracing, in "
            "the child's best interests.",
            "reason_code": "child",
            "requires_consent": False,
            "agencies": [
                {
                    "name": "Consulates of Guatemala in Mexico",
                    "country": "MX",
                    "code": "mx-consulado-gt",
                    "acronym": "",
                }
            ],
        },
    }


def test_spanish_wording_comes_from_the_protocol_file(protocol: Protocol) -> None:
    result = evaluate(protocol, child(), lang="es")
    assert result.profiles[0].label == "Niña, niño o adolescente no acompañado"
    assert result.actions[0].text.startswith("Notifique de inmediato a la autoridad de protección")
    assert (
        result.referrals[2].agencies[0].to_dict("es")["name"] == "Consulados de Guatemala en México"
    )


def test_an_unknown_language_is_refused(protocol: Protocol) -> None:
    with pytest.raises(ValueError, match="unknown language 'pt'"):
        evaluate(protocol, child(), lang="pt")


def test_a_pregnant_survivor_within_72_hours_gets_emergency_care_first(protocol: Protocol) -> None:
    answers = adult(
        sex="female",
        nationality="NI",
        country_of_identification="CR",
        pregnant=True,
        crimes_in_transit=["sexual_violence"],
        days_since_sexual_violence=2,
    )
    result = evaluate(protocol, answers, lang="en")
    assert result.urgency.reason_codes == ("recent_sexual_violence", "sexual_violence")
    assert [action.code for action in result.actions] == [
        "post_rape_care",
        "survivor_centred_care",
        "priority_care",
        "inform_rights",
    ]
    assert [(r.kind, r.profiles, r.immediate) for r in result.referrals] == [
        ("health", ("crime_victim_in_transit", "pregnant_or_lactating", "woman_at_risk"), True),
        ("victim_assistance", ("crime_victim_in_transit",), False),
        ("prosecutor", ("crime_victim_in_transit",), False),
        ("human_rights_ombudsman", ("crime_victim_in_transit",), False),
        ("women_institute", ("pregnant_or_lactating", "woman_at_risk"), False),
        ("shelter", ("woman_at_risk",), False),
    ]
    assert [agency.code for agency in result.referrals[0].agencies] == ["cr-ccss"]


def test_indicators_name_every_answer_that_triggered_the_profile_in_form_order(
    protocol: Protocol,
) -> None:
    answers = adult(
        restricted_movement=True, debt_to_recruiter_or_smuggler=True, forced_work_or_sex=True
    )
    result = evaluate(protocol, answers, lang="en")
    trafficking = result.profiles[0]
    assert trafficking.code == "trafficking"
    assert trafficking.indicators == (
        "debt_to_recruiter_or_smuggler",
        "restricted_movement",
        "forced_work_or_sex",
    )


def test_a_presumed_child_gets_a_note_saying_so(protocol: Protocol) -> None:
    result = evaluate(protocol, {"apparent_minor": True, "travelling_alone": True}, lang="en")
    assert result.profiles[0].indicators == ("apparent_minor", "travelling_alone")
    assert result.notes[1] == (
        "The person appears to be under 18 and their age is not established, so they are "
        "treated as a child until it is."
    )


def test_a_child_by_stated_age_gets_no_presumption_note(protocol: Protocol) -> None:
    result = evaluate(protocol, child(apparent_minor=True), lang="en")
    assert len(result.notes) == 1


def test_nothing_applies_gives_a_reason_for_normal_urgency(protocol: Protocol) -> None:
    result = evaluate(protocol, adult(), lang="en")
    assert result.profiles == ()
    assert result.urgency.reason_codes == ("no_urgent_indicator",)
    assert result.urgency.reasons == (
        "No emergency or urgent indicator was reported; a trained person still confirms this.",
    )
    assert [action.code for action in result.actions] == ["inform_rights"]
    assert result.referrals == ()


# --- Consular notification -------------------------------------------------------------------


def test_a_child_who_fears_returning_gets_no_consulate(protocol: Protocol) -> None:
    result = evaluate(protocol, child(fear_of_return=True), lang="en")
    assert result.consular.appropriate is False
    assert result.consular.reason_code == "fears_return"
    assert result.consular.reason == (
        "The person fears returning to their country, whoever they fear there: do not notify "
        "its consulate or its authorities."
    )
    assert "consulate" not in [referral.kind for referral in result.referrals]
    assert "mx-consulado-gt" not in agency_codes(result)


def test_an_adult_who_fears_returning_gets_no_consulate_even_as_a_smuggled_migrant(
    protocol: Protocol,
) -> None:
    result = evaluate(protocol, adult(fear_of_return=True, abandoned_by_smuggler=True), lang="en")
    assert (result.consular.appropriate, result.consular.reason_code) == (False, "fears_return")
    assert result.consular.agencies == ()
    assert "consulate" not in [referral.kind for referral in result.referrals]


def test_a_protection_need_withholds_the_consulate_even_without_a_stated_fear(
    protocol: Protocol,
) -> None:
    result = evaluate(protocol, child(family_threatened_or_killed=True), lang="en")
    assert (result.consular.appropriate, result.consular.reason_code) == (False, "protection_need")
    assert "consulate" not in [referral.kind for referral in result.referrals]


def test_an_adult_needs_to_consent_before_the_consulate_is_notified(protocol: Protocol) -> None:
    result = evaluate(protocol, adult(abandoned_by_smuggler=True), lang="en")
    assert result.consular.appropriate is True
    assert result.consular.requires_consent is True
    assert result.consular.reason == (
        "The person is an adult: notify the consulate of their nationality only if they give "
        "informed consent."
    )
    assert [agency.code for agency in result.consular.agencies] == ["mx-consulado-hn"]


@pytest.mark.parametrize(
    ("answers", "reason_code"),
    [
        pytest.param(child(fear_of_return=None), "fear_not_asked", id="fear not yet asked"),
        pytest.param(child(nationality=None), "nationality_unknown", id="nationality unknown"),
        pytest.param(child(country_of_identification="GT"), "own_country", id="in own country"),
        pytest.param(child(stateless=True), "stateless", id="stateless"),
    ],
)
def test_the_consulate_is_not_notified_when_it_cannot_help(
    protocol: Protocol, answers: dict[str, object], reason_code: str
) -> None:
    result = evaluate(protocol, answers, lang="en")
    assert (result.consular.appropriate, result.consular.reason_code) == (False, reason_code)
    assert "consulate" not in [referral.kind for referral in result.referrals]


# --- Referrals and the directory -------------------------------------------------------------


@pytest.mark.parametrize("country", RCM_COUNTRIES)
def test_enforcement_agencies_never_appear_in_referrals(protocol: Protocol, country: str) -> None:
    answers = everything_true(protocol, country_of_identification=country, nationality="GT")
    for fear in (True, False):
        result = evaluate(protocol, {**answers, "fear_of_return": fear}, lang="en")
        assert agency_codes(result) & (ENFORCEMENT | NOT_TARGETS) == set()


def test_immigration_courts_and_tribunals_are_never_referred(protocol: Protocol) -> None:
    for country in ("US", "CR"):
        answers = adult(abandoned_by_smuggler=True, country_of_identification=country)
        result = evaluate(protocol, answers)
        migration = next(r for r in result.referrals if r.kind == "migration_authority")
        assert migration.agencies == ()


def test_agencies_no_longer_active_are_never_referred(protocol: Protocol) -> None:
    result = evaluate(protocol, child(nationality="HN", country_of_identification="SV"), lang="en")
    child_protection = next(r for r in result.referrals if r.kind == "child_protection")
    assert [agency.code for agency in child_protection.agencies] == ["sv-conapina"]


def test_the_engine_filters_a_directory_that_lists_enforcement_or_inactive_agencies(
    protocol: Protocol,
) -> None:
    directory = StaticDirectory(
        [
            AgencyRef("x-raid", "Raids", "MX", "child_protection", enforcement=True),
            AgencyRef("x-old", "Closed office", "MX", "child_protection", active=False),
            AgencyRef("x-dif", "DIF", "MX", "child_protection"),
            AgencyRef("x-gt", "Consulado de Guatemala", "MX", "consulate", represents="GT"),
            AgencyRef("x-hn", "Consulado de Honduras", "MX", "consulate", represents="HN"),
        ]
    )
    result = evaluate(protocol, child(), directory=directory, lang="en")
    assert agency_codes(result) == {"x-dif", "x-gt"}


def test_no_country_of_identification_means_kinds_without_agencies(protocol: Protocol) -> None:
    result = evaluate(protocol, child(country_of_identification=None), lang="en")
    assert [r.kind for r in result.referrals] == [
        "child_protection",
        "shelter",
        "consulate",
        "international_organisation",
    ]
    assert all(referral.agencies == () for referral in result.referrals)


def test_an_unknown_nationality_still_lists_the_local_agencies(protocol: Protocol) -> None:
    result = evaluate(protocol, adult(nationality=None, stateless=True), lang="en")
    assert [(r.kind, [a.code for a in r.agencies]) for r in result.referrals] == [
        ("refugee_commission", ["mx-comar"]),
        ("international_organisation", ["mx-oim", "mx-acnur"]),
    ]


def test_a_directory_agency_representing_the_feared_country_is_never_listed(
    protocol: Protocol,
) -> None:
    directory = StaticDirectory(
        [
            AgencyRef("x-hn-office", "Oficina de Honduras", "MX", "ngo", represents="HN"),
            AgencyRef("x-lgbti", "Casa LGBTI", "MX", "ngo"),
        ]
    )
    answers = adult(fear_of_return=True, lgbti_at_risk=True)
    result = evaluate(protocol, answers, directory=directory, lang="en")
    assert agency_codes(result) == {"x-lgbti"}


def test_the_reference_directory_is_read_once() -> None:
    assert reference_directory() is reference_directory()
    assert [a.code for a in reference_directory().consulates("US", "MX")] == ["us-consulado-mx"]


# --- The form ---------------------------------------------------------------------------------


def test_skip_logic_hides_follow_up_questions_until_they_apply(protocol: Protocol) -> None:
    hidden = {
        "accompanying_adult_relationship",
        "persecution_grounds",
        "days_since_sexual_violence",
        "pregnant",
        "lactating",
    }
    assert set(protocol.questions) - set(visible_questions(protocol, {})) == hidden
    follow_ups = visible_questions(
        protocol,
        {
            "travelling_alone": False,
            "fear_of_return": True,
            "crimes_in_transit": ("sexual_violence",),
            "sex": "male",
        },
    )
    assert set(protocol.questions) - set(follow_ups) == {"pregnant", "lactating"}
    assert visible_questions(protocol, {})[:2] == ("immediate_danger", "needs_urgent_medical_care")


def test_a_child_with_a_parent_is_notified_to_the_consulate_only_with_consent(
    protocol: Protocol,
) -> None:
    result = evaluate(
        protocol,
        child(travelling_alone=False, accompanying_adult_relationship="parent"),
        lang="en",
    )
    consular = result.consular
    assert (consular.appropriate, consular.reason_code, consular.requires_consent) == (
        True,
        "child_with_parent",
        True,
    )


def test_fear_of_any_harm_in_the_country_withholds_the_consulate(protocol: Protocol) -> None:
    result = evaluate(protocol, child(fear_of_return=True), lang="en")
    assert (result.consular.appropriate, result.consular.reason_code) == (False, "fears_return")
    assert "whoever they fear there" in result.consular.reason
