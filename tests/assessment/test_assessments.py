"""Recording DoMV assessments: validation, encryption, the judgement kept as chosen, urgent tasks,
household links, audit, and the per-level summary."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.utils import translation

from amparo.accounts.models import User
from amparo.assessment.catalogue import current_catalogue
from amparo.assessment.domain.assessments import (
    FindingInput,
    immediate_dangers,
    per_level_summary,
    read_assessment,
)
from amparo.assessment.models import Assessment, FactorFinding
from amparo.casework.models import Task
from amparo.people.models import Case
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuditEvent
from tests.assessment.conftest import EVIDENCE, JUSTIFICATION, record
from tests.conftest import make_case


def _raw(sql: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return str(cursor.fetchone()[0])


def _problems(error: ValidationError) -> dict[str, list[tuple[str | None, object]]]:
    return {
        key: [(problem.code, problem.params) for problem in problems]
        for key, problems in error.error_dict.items()
    }


def test_an_assessment_keeps_the_catalogue_version_and_the_findings_in_catalogue_order(
    mx_assessment: Assessment,
) -> None:
    catalogue = current_catalogue()
    rows = list(mx_assessment.findings.values_list("factor_code", "level", "mark", "source"))
    assert (
        mx_assessment.catalogue_id,
        mx_assessment.catalogue_version,
        mx_assessment.catalogue_sha256,
        rows,
    ) == (
        "domv",
        "1.1",
        catalogue.sha256,
        [
            ("past_violence_or_abuse", "individual", "risk", "self_report"),
            ("social_networks", "community", "protective", "observation"),
            ("isolation", "community", "not_present", ""),
        ],
    )


def test_evidence_and_justification_are_encrypted_in_the_database(
    mx_assessment: Assessment,
) -> None:
    finding = mx_assessment.findings.get(factor_key=FactorFinding.key_of("past_violence_or_abuse"))
    raw_evidence = _raw("SELECT evidence FROM assessment_factorfinding WHERE id = %s", finding.pk)
    raw_code = _raw("SELECT factor_code FROM assessment_factorfinding WHERE id = %s", finding.pk)
    assert (finding.factor_code, "violence" in raw_code) == ("past_violence_or_abuse", False)
    raw_justification = _raw(
        "SELECT justification FROM assessment_assessment WHERE id = %s", mx_assessment.pk
    )
    assert "Evidencefake" not in raw_evidence
    assert "Justificationfake" not in raw_justification
    assert (FactorFinding.objects.get(pk=finding.pk).evidence, raw_evidence != "") == (
        EVIDENCE,
        True,
    )
    assert Assessment.objects.get(pk=mx_assessment.pk).justification == JUSTIFICATION


@pytest.mark.parametrize("justification", ["", "   \n  "])
def test_an_assessment_without_justification_is_refused_and_nothing_is_saved(
    mx_case: Case, mx_caseworker: User, justification: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        record(
            mx_case, mx_caseworker, [FindingInput("isolation", "risk")], justification=justification
        )
    assert _problems(caught.value) == {"justification": [("required", None)]}
    assert (Assessment.objects.count(), FactorFinding.objects.count()) == (0, 0)


def test_the_concern_level_is_what_the_case_manager_chose_even_against_every_finding(
    mx_case: Case, mx_caseworker: User
) -> None:
    everything_at_risk = [FindingInput(code, "risk") for code in current_catalogue().factors]
    assessment = record(mx_case, mx_caseworker, everything_at_risk, concern_level="low")
    assert Assessment.objects.get(pk=assessment.pk).concern_level == "low"


def test_an_emergency_can_be_recorded_with_no_risk_marked(
    mx_case: Case, mx_caseworker: User
) -> None:
    assessment = record(
        mx_case,
        mx_caseworker,
        [FindingInput("social_networks", "protective")],
        concern_level="emergency",
    )
    assert Assessment.objects.get(pk=assessment.pk).concern_level == "emergency"


def test_an_unknown_factor_code_is_refused_naming_the_code(
    mx_case: Case, mx_caseworker: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        record(mx_case, mx_caseworker, [FindingInput("made_up_factor", "risk")])
    assert _problems(caught.value) == {"findings": [("unknown_factor", {"code": "made_up_factor"})]}
    assert Assessment.objects.count() == 0


def test_bad_marks_sources_kinds_and_levels_are_refused_all_at_once(
    mx_case: Case, mx_caseworker: User
) -> None:
    findings = [
        FindingInput("isolation", "terrible"),
        FindingInput("disability", "risk", source="rumour"),
        FindingInput("disability", "risk"),
    ]
    with pytest.raises(ValidationError) as caught:
        record(mx_case, mx_caseworker, findings, kind="village", concern_level="ten")
    assert _problems(caught.value) == {
        "kind": [("invalid", {"value": "village"})],
        "concern_level": [("invalid", {"value": "ten"})],
        "findings": [
            ("invalid_mark", {"code": "isolation"}),
            ("invalid_source", {"code": "disability"}),
            ("duplicate_factor", {"code": "disability"}),
        ],
    }


def test_a_risk_on_an_immediate_danger_factor_opens_exactly_one_urgent_task(
    mx_case: Case, mx_caseworker: User
) -> None:
    findings = [
        FindingInput("urgent_medical_need", "risk", EVIDENCE, "observation"),
        FindingInput("isolation", "risk"),
    ]
    with translation.override("en"):
        assessment = record(mx_case, mx_caseworker, findings)
    tasks = list(Task.objects.filter(case=mx_case))
    assert [(t.priority, t.source, t.title, t.assigned_to) for t in tasks] == [
        (
            "urgent",
            "assessment.immediate_danger",
            f"Immediate danger in assessment {assessment.pk}: Urgent medical need. Act now.",
            mx_caseworker,
        )
    ]


@pytest.mark.parametrize("mark", ["protective", "not_present", "unknown"])
def test_an_immediate_danger_factor_not_marked_as_a_risk_opens_no_task(
    mx_case: Case, mx_caseworker: User, mark: str
) -> None:
    record(mx_case, mx_caseworker, [FindingInput("urgent_medical_need", mark)])
    assert Task.objects.filter(case=mx_case).count() == 0


def test_two_immediate_dangers_open_two_urgent_tasks(mx_case: Case, mx_caseworker: User) -> None:
    findings = [
        FindingInput("aggressors_present_nearby", "risk"),
        FindingInput("imminent_threat_to_life_or_safety", "risk"),
    ]
    assessment = record(mx_case, mx_caseworker, findings)
    assert (
        Task.objects.filter(case=mx_case, priority="urgent").count(),
        [factor.code for factor in immediate_dangers(assessment)],
    ) == (2, ["imminent_threat_to_life_or_safety", "aggressors_present_nearby"])


def test_saving_is_audited_with_ids_codes_and_counts_only(
    mx_case: Case, mx_caseworker: User
) -> None:
    findings = [
        FindingInput("urgent_medical_need", "risk", EVIDENCE),
        FindingInput("social_networks", "protective"),
        FindingInput("isolation", "unknown"),
    ]
    assessment = record(mx_case, mx_caseworker, findings, concern_level="high")
    event = AuditEvent.objects.get(action=AuditAction.ASSESSMENT_SAVED)
    task = Task.objects.get(case=mx_case)
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        mx_caseworker.pk,
        "assessment",
        str(assessment.pk),
    )
    assert event.payload == {
        "case": mx_case.pk,
        "kind": "individual",
        "concern_level": "high",
        "catalogue": "domv",
        "catalogue_version": "1.1",
        "findings": 3,
        "risk": 1,
        "protective": 1,
        "not_present": 0,
        "unknown": 1,
        "immediate_danger": 1,
        "tasks": [task.pk],
        "household_cases": [],
    }


def test_the_per_level_summary_counts_each_mark_at_each_level(
    mx_case: Case, mx_caseworker: User
) -> None:
    findings = [
        FindingInput("disability", "risk"),
        FindingInput("past_violence_or_abuse", "risk"),
        FindingInput("literacy_and_education", "protective"),
        FindingInput("supportive_home", "protective"),
        FindingInput("family_separation", "unknown"),
        FindingInput("isolation", "not_present"),
        FindingInput("crime_and_organised_crime", "risk"),
    ]
    assessment = record(mx_case, mx_caseworker, findings)
    summary = per_level_summary(assessment)
    counted = {
        level: (
            s["risk"],
            s["protective"],
            s["not_present"],
            s["unknown"],
            [f.code for f in s["factors"]],
        )
        for level, s in summary.items()
    }
    assert counted == {
        "individual": (
            2,
            1,
            0,
            0,
            ["past_violence_or_abuse", "disability", "literacy_and_education"],
        ),
        "household": (0, 1, 0, 1, ["supportive_home", "family_separation"]),
        "community": (1, 0, 1, 0, ["isolation", "crime_and_organised_crime"]),
        "structural": (0, 0, 0, 0, []),
    }


def test_the_summary_words_the_factors_in_the_active_language(mx_assessment: Assessment) -> None:
    with translation.override("fr"):
        factor = per_level_summary(mx_assessment)["individual"]["factors"][0]
    assert (factor.label, factor.evidence) == ("Violences ou abus subis auparavant", EVIDENCE)


def test_a_household_assessment_links_the_other_cases_the_actor_may_see(
    mx_case: Case, mx_caseworker: User
) -> None:
    sister = make_case(
        actor=mx_caseworker, agency_code="mx-oim", given="Hermanafake", surname="Synth"
    )
    assessment = record(
        mx_case, mx_caseworker, kind="household", household_case_ids=[sister.pk, mx_case.pk]
    )
    event = AuditEvent.objects.get(action=AuditAction.ASSESSMENT_SAVED)
    assert (list(assessment.household_cases.all()), event.payload["household_cases"]) == (
        [sister],
        [sister.pk],
    )


def test_a_household_case_outside_the_actors_scope_is_a_404_and_nothing_is_saved(
    mx_case: Case, mx_caseworker: User, gt_case: Case
) -> None:
    with pytest.raises(Http404):
        record(mx_case, mx_caseworker, kind="household", household_case_ids=[gt_case.pk])
    assert Assessment.objects.count() == 0


def test_an_individual_assessment_links_no_household(mx_case: Case, mx_caseworker: User) -> None:
    sister = make_case(
        actor=mx_caseworker, agency_code="mx-oim", given="Hermanafake", surname="Synth"
    )
    with pytest.raises(ValidationError) as caught:
        record(mx_case, mx_caseworker, household_case_ids=[sister.pk])
    assert _problems(caught.value) == {"household_case_ids": [("not_household", None)]}


def test_reading_an_assessment_is_audited_with_its_id(
    mx_assessment: Assessment, mx_supervisor: User
) -> None:
    read_assessment(mx_supervisor, mx_assessment.case_id, mx_assessment.pk)
    event = AuditEvent.objects.filter(action=AuditAction.CASE_VIEWED).get()
    assert (event.actor_id, event.subject_id, event.payload) == (
        mx_supervisor.pk,
        str(mx_assessment.case_id),
        {"assessment": mx_assessment.pk},
    )


def test_the_guatemalan_caseworker_cannot_read_a_mexican_assessment(
    mx_assessment: Assessment, gt_caseworker: User, gt_case: Case
) -> None:
    with pytest.raises(Http404):
        read_assessment(gt_caseworker, mx_assessment.case_id, mx_assessment.pk)
    with pytest.raises(Http404):
        read_assessment(gt_caseworker, gt_case.pk, mx_assessment.pk)
    assert AuditEvent.objects.filter(action=AuditAction.CASE_VIEWED).count() == 0
