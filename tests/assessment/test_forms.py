"""The assessment form: what it passes to the domain, and where domain refusals land."""

from django.core.exceptions import ValidationError

from amparo.accounts.models import User
from amparo.assessment.catalogue import current_catalogue
from amparo.assessment.domain.assessments import FindingInput
from amparo.assessment.interfaces.forms import AssessmentForm
from amparo.people.models import Case
from tests.conftest import make_case


def _form(case: Case, user: User, **data: str) -> AssessmentForm:
    base = {"kind": "individual", "concern_level": "medium", "justification": "Because."}
    return AssessmentForm({**base, **data}, catalogue=current_catalogue(), user=user, case=case)


def test_only_marked_factors_become_findings_in_catalogue_order(
    mx_case: Case, mx_caseworker: User
) -> None:
    form = _form(
        mx_case,
        mx_caseworker,
        isolation__mark="risk",
        disability__mark="unknown",
        disability__source="document",
        social_networks__evidence="",
    )
    assert form.is_valid(), form.errors
    assert form.domain_arguments() == {
        "kind": "individual",
        "findings": [
            FindingInput("disability", "unknown", "", "document"),
            FindingInput("isolation", "risk", "", ""),
        ],
        "concern_level": "medium",
        "justification": "Because.",
        "household_case_ids": [],
    }


def test_domain_refusals_land_on_the_fields_they_name(mx_case: Case, mx_caseworker: User) -> None:
    form = _form(mx_case, mx_caseworker, isolation__mark="risk")
    assert form.is_valid()
    form.add_domain_errors(
        ValidationError(
            {
                "findings": [
                    ValidationError("bad isolation", code="x", params={"code": "isolation"}),
                    ValidationError("bad mystery", code="x", params={"code": "mystery"}),
                ],
                "household_case_ids": [ValidationError("bad household", code="x")],
            }
        )
    )
    assert form.errors == {
        "isolation__mark": ["bad isolation"],
        "__all__": ["bad mystery"],
        "household_references": ["bad household"],
    }


def test_a_household_reference_to_the_case_itself_is_dropped(
    mx_case: Case, mx_caseworker: User
) -> None:
    form = _form(mx_case, mx_caseworker, kind="household", household_references=mx_case.reference)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["household_references"] == []


def test_references_on_an_individual_assessment_are_refused(
    mx_case: Case, mx_caseworker: User
) -> None:
    sister = make_case(
        actor=mx_caseworker, agency_code="mx-oim", given="Hermanafake", surname="Synth"
    )
    form = _form(mx_case, mx_caseworker, household_references=sister.reference)
    assert form.is_valid() is False
    codes = [error.code for error in form.errors.as_data()["household_references"]]
    assert codes == ["not_household"]
