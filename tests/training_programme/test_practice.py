"""Practice cases: graded by the real screening engine against the expert key, explaining each
miss and extra, and never touching the case registry."""

import pytest
from django.utils import translation

from amparo.accounts.models import User
from amparo.people.models import Case, Person
from amparo.screening.engine import evaluate
from amparo.screening.models import Screening
from amparo.screening.protocol import AnswersError, load_protocol
from amparo.training.domain.practice import submit_practice
from amparo.training.models import Course, PracticeAttempt, PracticeCase
from amparo.training.practice import PracticeChoiceError, red_lines
from tests.training_programme.factories import practise

EXPECTED_CHILD = (
    "The person is, or is presumed to be, under 18 and travels alone or with an adult who is "
    "not a parent, a legal guardian or a relative, or whose relationship to them is unknown."
)
EXPECTED_PROTECTION = (
    "The person fears returning or reports persecution, threats or violence against them or "
    "their family, so they may need international protection."
)


def _registry() -> tuple[int, int, int]:
    return Person.objects.count(), Case.objects.count(), Screening.objects.count()


def _case() -> PracticeCase:
    return PracticeCase.objects.get(code="pc-test-boy")


def test_a_missed_profile_is_explained_with_the_engine_and_the_expert_answers(
    course: Course, mx_trainee: User
) -> None:
    report = practise(mx_trainee).report
    assert report["profiles"]["right"] == [
        {"code": "unaccompanied_child", "label": "Unaccompanied child or adolescent"}
    ]
    assert report["profiles"]["missed"] == [
        {
            "code": "international_protection",
            "label": "Person in need of international protection",
            "explanation": EXPECTED_PROTECTION,
            "indicators": [
                {
                    "question": "Does the person express fear of returning to their country of "
                    "origin or habitual residence?",
                    "answer": "Yes",
                }
            ],
        }
    ]
    assert report["teaching_points"] == "The fear of return **rules out** notifying the consulate."


def test_an_extra_profile_is_explained_with_the_trainee_answers(
    course: Course, mx_trainee: User
) -> None:
    answers = {
        "age_years": 15,
        "travelling_alone": True,
        "fear_of_return": True,
        "nationality": "HN",
        "country_of_identification": "MX",
        "pregnant": True,
        "sex": "female",
    }
    attempt = submit_practice(
        _case(),
        actor=mx_trainee,
        lang="en",
        answers=answers,
        referral_kinds=["child_protection", "refugee_commission"],
        legal_basis="vital_interest",
    )
    extra = attempt.report["profiles"]["extra"]
    assert [(p["code"], p["explanation"]) for p in extra] == [
        ("pregnant_or_lactating", "The person is pregnant or breastfeeding."),
        (
            "woman_at_risk",
            "The person is a woman or girl with a risk factor such as sexual violence, "
            "gender-based persecution, exploitation or travelling alone.",
        ),
    ]
    assert extra[0]["indicators"] == [{"question": "Is the person pregnant?", "answer": "Yes"}]


def test_urgency_referrals_and_consent_are_compared_with_the_key(
    course: Course, mx_trainee: User
) -> None:
    report = practise(mx_trainee).report
    assert report["urgency"] == {
        "expected": "urgent",
        "expected_label": "Urgent",
        "given": "urgent",
        "given_label": "Urgent",
        "right": True,
    }
    assert report["referral_kinds"] == {
        "right": [{"kind": "child_protection", "label": "Child-protection agency"}],
        "missed": [{"kind": "refugee_commission", "label": "Refugee commission"}],
        "extra": [{"kind": "police", "label": "Police"}],
        "ratio": 1 / 3,
    }
    assert (
        report["consent"]["right"],
        report["consent"]["expected"],
        report["consent"]["given"],
    ) == (
        False,
        "vital_interest",
        "consent",
    )


def test_the_score_weighs_profiles_urgency_referrals_and_consent(
    course: Course, mx_trainee: User
) -> None:
    attempt = submit_practice(
        _case(),
        actor=mx_trainee,
        lang="en",
        answers={"age_years": 15, "travelling_alone": True, "country_of_identification": "MX"},
        referral_kinds=["child_protection", "shelter"],
        legal_basis="consent",
    )
    # profiles 1/2 * 40 + urgency 20 + referrals 1/3 * 20 + consent 0
    assert (attempt.score, attempt.report["red_lines"]) == (46.67, [])


def test_police_for_a_child_who_fears_return_fails_the_case_with_the_reason(
    course: Course, mx_trainee: User
) -> None:
    report = practise(mx_trainee).report
    assert report["score"] == 0.0
    assert report["red_lines"] == [
        {
            "code": "police",
            "message": "Red line: you referred a person with a protection need to Police, a body "
            "that may detain or deport them.",
        }
    ]


def test_the_consulate_for_a_child_who_fears_return_fails_the_case(
    course: Course, mx_trainee: User
) -> None:
    case = _case()
    attempt = submit_practice(
        case,
        actor=mx_trainee,
        lang="en",
        answers=case.expert_key["answers"],
        referral_kinds=[*case.expert_key["referral_kinds"], "consulate"],
        legal_basis="vital_interest",
    )
    assert attempt.score == 0.0
    assert [line["code"] for line in attempt.report["red_lines"]] == ["consulate"]
    assert attempt.report["red_lines"][0]["message"].startswith(
        "Red line: you referred the person to the consulate. The person fears returning"
    )


@pytest.mark.parametrize(
    ("service", "label"),
    [
        ("return_reintegration", "Assisted voluntary return and reintegration"),
        ("family_tracing", "Family tracing and reunification"),
    ],
)
def test_return_or_family_tracing_for_a_child_before_a_determination_fails_the_case(
    course: Course, mx_trainee: User, service: str, label: str
) -> None:
    """Issue 16 item 2: the third red line (CRC art. 3; UNHCR best-interests guidelines)."""
    case = _case()
    attempt = submit_practice(
        case,
        actor=mx_trainee,
        lang="en",
        answers=case.expert_key["answers"],
        referral_kinds=[*case.expert_key["referral_kinds"], service],
        legal_basis="vital_interest",
    )
    assert attempt.score == 0.0
    assert attempt.report["red_lines"] == [
        {
            "code": service,
            "message": f"Red line: you chose {label} for a child before a best-interests "
            "determination. A child is returned or their family traced only after a "
            "determination shows it is in the child's best interests.",
        }
    ]
    assert attempt.report["referral_kinds"]["extra"] == [{"kind": service, "label": label}]


def test_the_child_is_judged_on_the_expert_answers_not_the_trainees(
    course: Course, mx_trainee: User
) -> None:
    """A trainee who records the boy as an adult still crosses the line."""
    case = _case()
    answers = {**case.expert_key["answers"], "age_years": 30}
    attempt = submit_practice(
        case,
        actor=mx_trainee,
        lang="en",
        answers=answers,
        referral_kinds=["family_tracing"],
        legal_basis="vital_interest",
    )
    assert [line["code"] for line in attempt.report["red_lines"]] == ["family_tracing"]


def test_the_expert_answers_and_choices_score_full_marks(course: Course, mx_trainee: User) -> None:
    case = _case()
    attempt = submit_practice(
        case,
        actor=mx_trainee,
        lang="es",
        answers=case.expert_key["answers"],
        referral_kinds=case.expert_key["referral_kinds"],
        legal_basis="vital_interest",
    )
    assert (attempt.score, attempt.report["profiles"]["missed"], attempt.report["lang"]) == (
        100.0,
        [],
        "es",
    )


def test_working_a_practice_case_never_creates_a_person_a_case_or_a_screening(
    course: Course, mx_trainee: User
) -> None:
    before = _registry()
    practise(mx_trainee)
    assert (_registry(), PracticeAttempt.objects.count()) == (before, 1)


def test_answers_the_protocol_refuses_are_refused_and_nothing_is_saved(
    course: Course, mx_trainee: User
) -> None:
    with pytest.raises(AnswersError):
        submit_practice(
            _case(),
            actor=mx_trainee,
            lang="en",
            answers={"age_years": "old"},
            referral_kinds=[],
            legal_basis="consent",
        )
    assert PracticeAttempt.objects.count() == 0


def test_an_unknown_referral_kind_is_refused(course: Course, mx_trainee: User) -> None:
    with pytest.raises(PracticeChoiceError) as caught:
        submit_practice(
            _case(),
            actor=mx_trainee,
            lang="en",
            answers={},
            referral_kinds=["wizard"],
            legal_basis="consent",
        )
    assert str(caught.value) == "unknown referral kind(s): wizard"


def test_family_tracing_for_a_person_whose_family_may_be_the_danger_is_a_red_line() -> None:
    """An LGBTI adult: no tracing before the risk from the family is assessed; an adult with no
    such profile may be offered assisted return."""
    protocol = load_protocol("rcm-2013")
    lgbti = {"age_years": 29, "lgbti_at_risk": True, "country_of_identification": "CA"}
    with translation.override("en"):
        lines = red_lines(evaluate(protocol, lgbti, lang="en"), ["family_tracing"])
        plain = red_lines(
            evaluate(protocol, {"age_years": 40}, lang="en"), ["return_reintegration"]
        )
    assert [line["code"] for line in lines] == ["family_tracing"]
    assert lines[0]["message"].startswith(
        "Red line: you chose Family tracing and reunification for a person whose family may be "
        "the danger"
    )
    assert plain == []
