"""Who a case's data may go to: non-refoulement, enforcement bodies, best interests first.

Every person here is synthetic. The mx_case person is Honduran, screened in Mexico.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from amparo.accounts.models import Agency, User
from amparo.assessment.domain.assessments import FindingInput, record_assessment
from amparo.casework.domain.consent import ConsentInput, record_consent
from amparo.people.models import Case
from amparo.protection.models import AuditEvent
from amparo.referrals.domain import referrals as flow
from amparo.referrals.domain.matching import Needs, match_services
from amparo.referrals.domain.safety import check_recipient_allowed, feared_countries
from amparo.referrals.domain.seed import seed_directory_from_agencies
from amparo.referrals.models import Referral, Service
from tests.referrals.conftest import screen


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def service_of(code: str) -> Service:
    return Service.objects.select_related("organization").get(organization__agency__code=code)


def draft_to(case: Case, actor: User, code: str, kind: str) -> Referral:
    return flow.draft_referral(
        case, actor=actor, receiving_agency=agency(code), kind=kind, service=service_of(code)
    )


def refusals(case: Case) -> list[dict[str, object]]:
    events = AuditEvent.objects.filter(action="referral.refused", subject_id=str(case.pk))
    return list(events.order_by("id").values_list("payload", flat=True))


@pytest.fixture
def directory(reference: None) -> None:
    seed_directory_from_agencies()


def test_fear_of_return_at_screening_makes_the_country_feared(
    mx_case: Case, mx_caseworker: User
) -> None:
    assert feared_countries(mx_case.person) == frozenset()
    screen(mx_case, mx_caseworker, confirm=False, fear_of_return=True)
    assert feared_countries(mx_case.person) == frozenset({"HN"})


def test_a_threat_of_refoulement_in_an_assessment_makes_the_nationality_feared(
    mx_case: Case, mx_caseworker: User
) -> None:
    record_assessment(
        mx_case,
        actor=mx_caseworker,
        kind="individual",
        concern_level="high",
        justification="Synthetic: removal order announced.",
        findings=[FindingInput("threat_of_refoulement", "risk", "Synthetic.", "self_report")],
    )
    assert feared_countries(mx_case.person) == frozenset({"HN"})


def test_drafting_to_the_feared_consulate_is_refused_on_the_record_and_audited(
    directory: None, mx_case: Case, mx_caseworker: User
) -> None:
    screen(mx_case, mx_caseworker, fear_of_return=True)
    with pytest.raises(ValidationError) as error:
        draft_to(mx_case, mx_caseworker, "mx-consulado-hn", "documentation")
    assert error.value.message_dict == {
        "receiving_agency": [
            "The person fears returning to HN: nothing about them may go to its consulates or "
            "to any institution of that country."
        ]
    }
    assert Referral.objects.filter(case=mx_case).count() == 0
    assert refusals(mx_case) == [
        {"case": mx_case.pk, "to": "mx-consulado-hn", "kind": "documentation", "step": "draft"}
    ]


def test_a_fear_recorded_after_the_draft_stops_the_sending(
    directory: None, mx_case: Case, mx_caseworker: User
) -> None:
    referral = draft_to(mx_case, mx_caseworker, "mx-consulado-hn", "documentation")
    record_consent(
        mx_case,
        ConsentInput(purpose="sharing", method="written", recipient=agency("mx-consulado-hn")),
        actor=mx_caseworker,
    )
    screen(mx_case, mx_caseworker, confirm=False, fear_of_return=True)
    with pytest.raises(ValidationError):
        flow.send_referral(referral, actor=mx_caseworker)
    referral.refresh_from_db()
    assert (referral.status, referral.shared_data) == ("draft", None)
    assert [event["step"] for event in refusals(mx_case)] == ["send"]


def test_a_general_referral_consent_never_covers_a_consulate(
    directory: None, mx_case: Case, mx_caseworker: User
) -> None:
    record_consent(mx_case, ConsentInput(purpose="referral", method="written"), actor=mx_caseworker)
    assert flow.basis_for_referral(mx_case, agency("mx-consulado-hn")) is None
    assert flow.basis_for_referral(mx_case, agency("mx-comar")) is not None


@pytest.mark.parametrize("code", ["mx-inm", "gt-igm", "pa-snm", "do-dgm", "pa-senafront"])
def test_bodies_with_detention_or_removal_powers_are_flagged(reference: None, code: str) -> None:
    assert agency(code).enforcement is True


def test_an_enforcement_body_is_refused_for_a_person_with_a_protection_need(
    reference: None, mx_case: Case, mx_caseworker: User
) -> None:
    inm = agency("mx-inm")
    record_consent(
        mx_case,
        ConsentInput(
            purpose="sharing", legal_basis="public_interest", recipient=inm, justification="S."
        ),
        actor=mx_caseworker,
    )
    assert check_recipient_allowed(mx_case, inm, "documentation") is not None
    screen(mx_case, mx_caseworker, forced_work_or_sex=True)
    refusal = check_recipient_allowed(mx_case, inm, "documentation", approved_by=mx_caseworker)
    assert refusal is not None
    assert refusal.code == "enforcement_protection_need"


def test_an_enforcement_referral_needs_purpose_legal_basis_and_a_second_persons_approval(
    reference: None, mx_case: Case, mx_caseworker: User, mx_supervisor: User
) -> None:
    inm = agency("mx-inm")
    with pytest.raises(ValidationError) as error:
        flow.draft_referral(mx_case, actor=mx_caseworker, receiving_agency=inm, kind="legal")
    assert "cannot receive this referral" in str(error.value)
    with pytest.raises(ValidationError) as error:
        flow.draft_referral(
            mx_case, actor=mx_caseworker, receiving_agency=inm, kind="documentation"
        )
    assert "recorded legal basis" in str(error.value)
    record_consent(
        mx_case,
        ConsentInput(
            purpose="sharing",
            legal_basis="public_interest",
            recipient=inm,
            justification="Synthetic: the person asks for a humanitarian visitor card.",
        ),
        actor=mx_caseworker,
    )
    referral = flow.draft_referral(
        mx_case, actor=mx_caseworker, receiving_agency=inm, kind="documentation", narrative="x"
    )
    assert referral.narrative == ""
    with pytest.raises(ValidationError) as error:
        flow.send_referral(referral, actor=mx_caseworker, profiles=["smuggled_vulnerable"])
    assert "supervisor's approval" in str(error.value)
    flow.approve_enforcement_referral(referral, actor=mx_supervisor)
    flow.send_referral(referral, actor=mx_caseworker, profiles=["smuggled_vulnerable"])
    referral.refresh_from_db()
    assert referral.status == "sent"
    assert "profiles" not in (referral.shared_data or {})
    assert [event["step"] for event in refusals(mx_case)] == ["draft", "draft", "send"]


def test_the_drafter_cannot_approve_their_own_enforcement_referral(
    reference: None, mx_case: Case, mx_supervisor: User
) -> None:
    inm = agency("mx-inm")
    record_consent(
        mx_case,
        ConsentInput(
            purpose="sharing", legal_basis="public_interest", recipient=inm, justification="S."
        ),
        actor=mx_supervisor,
    )
    referral = flow.draft_referral(
        mx_case, actor=mx_supervisor, receiving_agency=inm, kind="documentation"
    )
    with pytest.raises(flow.TransitionNotAllowed):
        flow.approve_enforcement_referral(referral, actor=mx_supervisor)


def test_no_return_or_tracing_for_a_child_before_a_best_interests_determination(
    directory: None, mx_case: Case, mx_caseworker: User
) -> None:
    screen(mx_case, mx_caseworker, age_years=15, travelling_alone=True)
    with pytest.raises(ValidationError) as error:
        draft_to(mx_case, mx_caseworker, "mx-cruz-roja", "return_reintegration")
    assert "best-interests determination" in str(error.value)
    with pytest.raises(ValidationError):
        draft_to(mx_case, mx_caseworker, "mx-cruz-roja", "family_tracing")


def test_no_family_tracing_for_an_lgbti_adult_whose_family_may_be_the_danger(
    directory: None, mx_case: Case, mx_caseworker: User
) -> None:
    screen(mx_case, mx_caseworker, lgbti_at_risk=True)
    with pytest.raises(ValidationError):
        draft_to(mx_case, mx_caseworker, "mx-cruz-roja", "family_tracing")


def test_draft_refuses_inactive_foreign_and_own_agency_services_whatever_the_caller(
    directory: None, mx_case: Case, mx_caseworker: User
) -> None:
    comar = service_of("mx-comar")
    Service.objects.filter(pk=comar.pk).update(status="inactive")
    with pytest.raises(ValidationError) as error:
        draft_to(mx_case, mx_caseworker, "mx-comar", "asylum")
    assert error.value.message_dict == {"service": ["This service is not active."]}
    with pytest.raises(ValidationError) as error:
        draft_to(mx_case, mx_caseworker, "gt-svet", "anti_trafficking")
    assert error.value.message_dict["receiving_agency"] == [
        "This institution is in another country than the case."
    ]
    with pytest.raises(ValidationError) as error:
        flow.draft_referral(
            mx_case, actor=mx_caseworker, receiving_agency=agency("mx-oim"), kind="asylum"
        )
    assert error.value.message_dict == {
        "receiving_agency": ["A referral goes to another institution."]
    }
    with pytest.raises(ValidationError):
        flow.draft_referral(
            mx_case,
            actor=mx_caseworker,
            receiving_agency=agency("mx-ceav"),
            kind="victim_assistance",
            service=service_of("mx-comar"),
        )
    assert Referral.objects.count() == 0


def test_shared_data_hides_after_the_consent_expires(
    directory: None, mx_case: Case, mx_caseworker: User
) -> None:
    comar = agency("mx-comar")
    today = dt.date.today()
    record_consent(
        mx_case,
        ConsentInput(
            purpose="sharing",
            method="written",
            recipient=comar,
            given_on=today - dt.timedelta(days=10),
            expires_on=today + dt.timedelta(days=5),
        ),
        actor=mx_caseworker,
    )
    referral = draft_to(mx_case, mx_caseworker, "mx-comar", "asylum")
    flow.send_referral(referral, actor=mx_caseworker)
    referral.refresh_from_db()
    assert flow.shared_data_visible(referral, on=today) is True
    assert flow.shared_data_visible(referral, on=today + dt.timedelta(days=5)) is False


def test_matching_never_suggests_the_feared_consulate_enforcement_or_return_before_a_bid(
    directory: None, mx_case: Case, mx_caseworker: User
) -> None:
    screen(mx_case, mx_caseworker, age_years=15, travelling_alone=True, fear_of_return=True)
    needs = Needs(
        profiles=("international_protection", "unaccompanied_child", "smuggled_vulnerable"),
        categories=("documentation", "return_reintegration", "family_tracing", "legal"),
    )
    codes = {m.service.organization.agency.code for m in match_services(mx_case, needs)}
    assert "mx-pfpnna" in codes
    assert "mx-acnur" in codes
    assert codes & {"mx-consulado-hn", "mx-consulado-gt", "mx-consulado-sv"} == set()
    assert codes & {"mx-oim", "mx-cruz-roja", "mx-inm", "mx-upmrip"} == set()


def test_matching_offers_the_consulate_only_when_the_engine_found_it_appropriate(
    directory: None, mx_case: Case, mx_caseworker: User
) -> None:
    needs = Needs(categories=("documentation",))
    before = {m.service.organization.agency.code for m in match_services(mx_case, needs)}
    assert "mx-consulado-hn" not in before
    screen(mx_case, mx_caseworker, fear_of_return=False)
    after = {m.service.organization.agency.code for m in match_services(mx_case, needs)}
    assert "mx-consulado-hn" in after
