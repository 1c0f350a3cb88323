"""Recording DoMV assessments, reading them through the gate, and summarising them per level.

The overall concern level is the case manager's professional judgement, stored exactly as
chosen, with a required justification. Nothing here counts, weighs or scores findings into a
level (DOMAIN.md 1.5); the per-level summary only counts what was marked, for reading.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from amparo.accounts.models import User
from amparo.assessment.catalogue import (
    Catalogue,
    Factor,
    current_catalogue,
    find_catalogue,
    text_language,
)
from amparo.assessment.domain.queries import assessments_of, get_assessment_for
from amparo.assessment.enums import (
    IMMEDIATE_DANGER_TASK_SOURCE,
    AssessmentKind,
    ConcernLevel,
    EvidenceSource,
    Level,
    Mark,
)
from amparo.assessment.models import Assessment, FactorFinding
from amparo.casework.domain.tasks import create_task
from amparo.casework.enums import TaskPriority
from amparo.casework.models import Task
from amparo.people.domain.queries import get_case_for
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction


@dataclass(frozen=True, slots=True)
class FindingInput:
    """One factor as the case manager marked it. Evidence is free text and gets encrypted."""

    factor_code: str
    mark: str
    evidence: str = ""
    source: str = ""


# --- Validation: every problem at once, each under the name of what it concerns -------------


def _choice_errors(kind: str, concern_level: str) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}
    if kind not in AssessmentKind.values:
        message = gettext("%(value)s is not a kind of assessment.")
        errors["kind"] = [ValidationError(message, code="invalid", params={"value": kind})]
    if concern_level not in ConcernLevel.values:
        message = gettext("%(value)s is not a concern level.")
        errors["concern_level"] = [
            ValidationError(message, code="invalid", params={"value": concern_level})
        ]
    return errors


def _finding_error(code: str, error: str, message: str) -> ValidationError:
    return ValidationError(message, code=error, params={"code": code})


def _finding_errors(
    catalogue: Catalogue, findings: Sequence[FindingInput]
) -> list[ValidationError]:
    """Problems with the findings; each names the factor code it is about."""
    errors: list[ValidationError] = []
    seen: set[str] = set()
    for finding in findings:
        code = finding.factor_code
        if code not in catalogue.factors:
            message = gettext("%(code)s is not a factor of the DoMV catalogue.")
            errors.append(_finding_error(code, "unknown_factor", message))
        elif code in seen:
            message = gettext("The factor %(code)s is marked twice.")
            errors.append(_finding_error(code, "duplicate_factor", message))
        if finding.mark not in Mark.values:
            message = gettext("The factor %(code)s has no valid mark.")
            errors.append(_finding_error(code, "invalid_mark", message))
        if finding.source not in [*EvidenceSource.values, ""]:
            message = gettext("The factor %(code)s has an unknown source.")
            errors.append(_finding_error(code, "invalid_source", message))
        seen.add(code)
    return errors


def _validate(
    catalogue: Catalogue,
    *,
    kind: str,
    findings: Sequence[FindingInput],
    concern_level: str,
    justification: str,
    household_case_ids: Iterable[int],
) -> None:
    errors = _choice_errors(kind, concern_level)
    if not justification.strip():
        message = gettext("Explain why you chose this concern level.")
        errors["justification"] = [ValidationError(message, code="required")]
    if kind != AssessmentKind.HOUSEHOLD and list(household_case_ids):
        message = gettext("Only a household assessment links the cases of other members.")
        errors["household_case_ids"] = [ValidationError(message, code="not_household")]
    finding_errors = _finding_errors(catalogue, findings)
    if finding_errors:
        errors["findings"] = finding_errors
    if errors:
        raise ValidationError(errors)


# --- Recording ---------------------------------------------------------------------------------


def _household(actor: User, case: Case, household_case_ids: Iterable[int]) -> list[Case]:
    """The other members' cases, each through the gate: 404 for any the actor may not see."""
    others = sorted({int(case_id) for case_id in household_case_ids} - {case.pk})
    return [get_case_for(actor, case_id) for case_id in others]


def _finding_rows(
    catalogue: Catalogue, assessment: Assessment, findings: Sequence[FindingInput]
) -> list[FactorFinding]:
    position = {code: index for index, code in enumerate(catalogue.factors)}
    ordered = sorted(findings, key=lambda finding: position[finding.factor_code])
    return [
        FactorFinding(
            assessment=assessment,
            factor_code=finding.factor_code,
            level=catalogue.factors[finding.factor_code].level,
            mark=finding.mark,
            evidence=finding.evidence.strip(),
            source=finding.source,
        )
        for finding in ordered
    ]


def _danger_factors(catalogue: Catalogue, marks: Iterable[tuple[str, str]]) -> list[Factor]:
    """The immediate-danger factors marked as a risk, in catalogue order."""
    at_risk = {code for code, mark in marks if mark == Mark.RISK}
    return [f for f in catalogue.factors.values() if f.immediate_danger and f.code in at_risk]


def _open_urgent_tasks(
    case: Case, assessment: Assessment, dangers: Sequence[Factor], actor: User
) -> list[Task]:
    """One urgent task per immediate danger. Titles name the factor, never the person."""
    lang = text_language()
    tasks = []
    for factor in dangers:
        title = gettext("Immediate danger in assessment %(number)s: %(factor)s. Act now.") % {
            "number": assessment.pk,
            "factor": factor.label.get(lang),
        }
        tasks.append(
            create_task(
                case,
                actor=actor,
                title=title,
                priority=TaskPriority.URGENT,
                source=IMMEDIATE_DANGER_TASK_SOURCE,
            )
        )
    return tasks


def record_assessment(
    case: Case,
    *,
    actor: User,
    kind: str,
    findings: Sequence[FindingInput],
    concern_level: str,
    justification: str,
    household_case_ids: Iterable[int] = (),
) -> Assessment:
    """Record a DoMV assessment of a case, against the current factor catalogue.

    Refuses with a `ValidationError` keyed by field (`kind`, `concern_level`, `justification`,
    `household_case_ids`, `findings`; finding errors name the factor code) and saves nothing.
    Raises Http404 when a household case is outside what the actor may see.

    Effects, in one transaction: the assessment (catalogue id, version and hash; concern level
    as chosen; justification and evidence encrypted), its findings in catalogue order, the
    links to the household's other cases, one urgent task per immediate-danger factor marked
    as a risk, and an `assessment.saved` audit event holding ids, codes and counts only.
    """
    catalogue = current_catalogue()
    household_case_ids = list(household_case_ids)
    _validate(
        catalogue,
        kind=kind,
        findings=findings,
        concern_level=concern_level,
        justification=justification,
        household_case_ids=household_case_ids,
    )
    household = _household(actor, case, household_case_ids)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            case=case,
            kind=kind,
            catalogue_id=catalogue.id,
            catalogue_version=catalogue.version,
            catalogue_sha256=catalogue.sha256,
            concern_level=concern_level,
            justification=justification.strip(),
            assessed_by=actor,
        )
        FactorFinding.objects.bulk_create(_finding_rows(catalogue, assessment, findings))
        assessment.household_cases.set(household)
        dangers = _danger_factors(catalogue, ((f.factor_code, f.mark) for f in findings))
        tasks = _open_urgent_tasks(case, assessment, dangers, actor)
        payload = _saved_payload(assessment, findings, dangers, tasks, household)
        record_event(AuditAction.ASSESSMENT_SAVED, actor=actor, subject=assessment, payload=payload)
    return assessment


def _saved_payload(
    assessment: Assessment,
    findings: Sequence[FindingInput],
    dangers: Sequence[Factor],
    tasks: Sequence[Task],
    household: Sequence[Case],
) -> dict[str, object]:
    """What the audit event keeps: ids, codes and counts, never the free text."""
    marks = Counter(finding.mark for finding in findings)
    return {
        "case": assessment.case_id,
        "kind": assessment.kind,
        "concern_level": assessment.concern_level,
        "catalogue": assessment.catalogue_id,
        "catalogue_version": assessment.catalogue_version,
        "findings": len(findings),
        **{mark: marks[mark] for mark in Mark.values},
        # How many, never which: a factor code marked as a risk is special-category data.
        "immediate_danger": len(dangers),
        "tasks": [task.pk for task in tasks],
        "household_cases": [other.pk for other in household],
    }


# --- Reading -----------------------------------------------------------------------------------


def read_assessment(user: User, case_id: int, assessment_id: int) -> Assessment:
    """Open an assessment through the gate, and record that it was read (`case.viewed`)."""
    assessment = get_assessment_for(user, case_id, assessment_id)
    payload = {"assessment": assessment.pk}
    record_event(AuditAction.CASE_VIEWED, actor=user, subject=assessment.case, payload=payload)
    return assessment


def list_assessments(user: User, case_id: int) -> tuple[Case, list[Assessment]]:
    """A case's assessments through the gate, recording which were listed (`case.viewed`)."""
    case = get_case_for(user, case_id)
    assessments = list(assessments_of(case))
    payload = {"assessments": [assessment.pk for assessment in assessments]}
    record_event(AuditAction.CASE_VIEWED, actor=user, subject=case, payload=payload)
    return case, assessments


def catalogue_of(assessment: Assessment) -> Catalogue | None:
    """The catalogue version the assessment was recorded with (None if its file is gone)."""
    return find_catalogue(assessment.catalogue_id, assessment.catalogue_version)


def immediate_dangers(assessment: Assessment) -> list[Factor]:
    """The immediate-danger factors this assessment marked as a risk."""
    catalogue = catalogue_of(assessment)
    if catalogue is None:
        return []
    return _danger_factors(catalogue, ((f.factor_code, f.mark) for f in assessment.findings.all()))


# --- Per-level summary -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SummaryFactor:
    """One finding as pages show it, with wording in the active language."""

    code: str
    label: str
    mark: str
    mark_label: str
    source: str
    source_label: str
    evidence: str
    immediate_danger: bool


class LevelSummary(TypedDict):
    risk: int
    protective: int
    not_present: int
    unknown: int
    factors: list[SummaryFactor]


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One level of the summary with its title, for tables and the chart."""

    level: str
    title: str
    risk: int
    protective: int
    not_present: int
    unknown: int
    factors: tuple[SummaryFactor, ...]


def _summary_factor(
    finding: FactorFinding, catalogue: Catalogue | None, lang: str
) -> SummaryFactor:
    factor = catalogue.factors.get(finding.factor_code) if catalogue else None
    return SummaryFactor(
        code=finding.factor_code,
        label=factor.label.get(lang) if factor else finding.factor_code,
        mark=finding.mark,
        mark_label=str(Mark(finding.mark).label),
        source=finding.source,
        source_label=str(EvidenceSource(finding.source).label) if finding.source else "",
        evidence=finding.evidence,
        immediate_danger=factor.immediate_danger if factor else False,
    )


def per_level_summary(assessment: Assessment) -> dict[str, LevelSummary]:
    """Counts of each mark and the findings, for each of the four levels, in level order.

    Uses `assessment.findings.all()`, so a prefetched assessment costs no further query.
    """
    catalogue, lang = catalogue_of(assessment), text_language()
    by_level: dict[str, list[FactorFinding]] = {level: [] for level in Level.values}
    for finding in assessment.findings.all():
        by_level[finding.level].append(finding)
    summary: dict[str, LevelSummary] = {}
    for level, findings in by_level.items():
        marks = Counter(finding.mark for finding in findings)
        summary[level] = LevelSummary(
            risk=marks[Mark.RISK],
            protective=marks[Mark.PROTECTIVE],
            not_present=marks[Mark.NOT_PRESENT],
            unknown=marks[Mark.UNKNOWN],
            factors=[_summary_factor(finding, catalogue, lang) for finding in findings],
        )
    return summary


def summary_rows(assessment: Assessment) -> list[SummaryRow]:
    """The per-level summary as rows titled in the active language."""
    catalogue, lang = catalogue_of(assessment), text_language()
    rows = []
    for level, entry in per_level_summary(assessment).items():
        title = catalogue.level(level).title.get(lang) if catalogue else str(Level(level).label)
        rows.append(
            SummaryRow(
                level=level,
                title=title,
                risk=entry["risk"],
                protective=entry["protective"],
                not_present=entry["not_present"],
                unknown=entry["unknown"],
                factors=tuple(entry["factors"]),
            )
        )
    return rows
