"""Retention: rules as a checked data file; `amparo retention apply [--dry-run]` lists, then
anonymises closed cases and erases unattached screenings, keeping aggregates and a tombstone;
a case under legal hold is never touched."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from amparo.accounts.models import User
from amparo.assessment.domain.assessments import FindingInput, record_assessment
from amparo.casework.enums import ClosureReason
from amparo.lib.datafiles import DataFileError
from amparo.people.models import Case, Person, PersonIdentifier
from amparo.protection.models import AuditEvent, LegalHold, RetentionTombstone
from amparo.protection.retention.rules import CLOSURE_REASONS, load_rules
from amparo.screening.domain.queries import confirmed_profile_counts
from amparo.screening.domain.screenings import attach_to_case, decide_profiles
from amparo.screening.models import Screening
from tests.screening_web.conftest import screen

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=6 * 365)


def _close(case: Case, *, reason: str = "objectives_met", at: dt.datetime = LONG_AGO) -> None:
    Case.objects.filter(pk=case.pk).update(status="closed", closure_reason=reason, closed_at=at)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def _raw_person(person_id: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_names, phone FROM people_person WHERE id = %s", [person_id])
        given, phone = cursor.fetchone()
        return str(given), str(phone)


@pytest.fixture
def old_case(mx_case: Case, mx_caseworker: User) -> Case:
    """A case closed six years ago, with a reviewed screening and an assessment."""
    screening = screen(mx_caseworker)
    decide_profiles(screening, actor=mx_caseworker, decisions={"unaccompanied_child": (True, "")})
    attach_to_case(screening, actor=mx_caseworker, case=mx_case)
    record_assessment(
        mx_case,
        actor=mx_caseworker,
        kind="individual",
        findings=[FindingInput("isolation", "risk", evidence="Evidencefake", source="observation")],
        concern_level="high",
        justification="Justificationfake",
    )
    _close(mx_case)
    return mx_case


def test_the_rules_file_of_the_project_loads() -> None:
    rules = load_rules()
    assert [(r.kind, r.outcome, r.action) for r in rules] == [
        ("case", "any", "anonymise"),
        ("case", "deceased", "anonymise"),
        ("screening", "unattached", "erase"),
        ("training", "quiz-answers", "erase"),
        ("training", "practice-attempts", "erase"),
        ("dedup", "decided", "erase"),
    ]


def test_the_closure_reasons_known_to_retention_are_those_of_casework() -> None:
    assert set(CLOSURE_REASONS) == set(ClosureReason.values)


RULE = "  - {id: r1, kind: case, outcome: any, after_months: 12, action: anonymise}\n"


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ('version: "1"\nrules:\n  - {id: r1, kind: person}\n', "rules[0]", "missing required"),
        ('version: "1"\nrules:\n' + RULE.replace("case,", "dossier,"), "rules[0].kind", "dossier"),
        ('version: "1"\nrules:\n' + RULE.replace("any", "won"), "rules[0].outcome", "won"),
        ('version: "1"\nrules:\n' + RULE.replace("12", "0"), "rules[0].after_months", ">= 1"),
        ('version: "1"\nrules:\n' + RULE.replace("anonymise", "erase"), "rules[0].action", ""),
        ('version: "1"\nrules:\n' + RULE + RULE, "rules[1].id", "duplicate id"),
        ('version: "2"\nrules:\n' + RULE, "version", "unknown version"),
        ('version: "1"\nrules: [\n', "line", "invalid YAML"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_file_and_key(
    tmp_path: Path, text: str, where: str, problem: str
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_rules(path)
    assert (
        caught.value.path,
        caught.value.key.startswith(where),
        problem in str(caught.value),
    ) == (
        str(path),
        True,
        True,
    )


def test_the_command_names_the_bad_file_and_changes_nothing(tmp_path: Path, old_case: Case) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text('version: "1"\nrules:\n' + RULE.replace("12", "twelve"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"rules\.yaml: rules\[0\]\.after_months"):
        _run("apply", "--rules", str(path))
    assert RetentionTombstone.objects.count() == 0


def test_a_dry_run_lists_what_is_due_and_changes_nothing(
    old_case: Case, mx_caseworker: User
) -> None:
    stale = screen(mx_caseworker)
    Screening.objects.filter(pk=stale.pk).update(created_at=LONG_AGO)
    screen(mx_caseworker)  # recent: not due
    events = AuditEvent.objects.count()
    out = _run("apply", "--dry-run")
    assert out.splitlines() == [
        f"anonymise case {old_case.reference} (rule closed-cases, since {LONG_AGO.date()})",
        f"erase screening screening #{stale.pk} (rule unattached-screenings, since "
        f"{LONG_AGO.date()})",
        "2 record(s) due; nothing changed (--dry-run).",
    ]
    assert (AuditEvent.objects.count(), Person.objects.get().given_names) == (events, "Xiomarafake")


def test_apply_anonymises_the_case_and_keeps_aggregates_and_a_tombstone(old_case: Case) -> None:
    counts = confirmed_profile_counts(Screening.objects.all())
    out = _run("apply")
    assert out.splitlines()[-1] == "1 record(s) done; 0 kept."
    person = Person.objects.get()
    assert (person.given_names, person.documents, person.phone, _raw_person(person.pk)) == (
        "",
        None,
        "",
        ("", ""),
    )
    assert PersonIdentifier.objects.filter(person=person).count() == 0
    assert (person.sex, person.birth_year, person.nationalities) == ("female", 1990, ["HN"])
    screening = Screening.objects.get()
    assessment = old_case.assessments.get()
    assert (screening.answers, assessment.justification) == ({}, "")
    assert assessment.findings.get().evidence == ""
    assert confirmed_profile_counts(Screening.objects.all()) == counts == {"unaccompanied_child": 1}
    tombstone = RetentionTombstone.objects.get()
    assert (tombstone.kind, tombstone.record_id, tombstone.rule, tombstone.action) == (
        "case",
        str(old_case.pk),
        "closed-cases",
        "anonymise",
    )
    assert tombstone.aggregates["closure_reason"] == "objectives_met"
    assert tombstone.aggregates["person_anonymised"] is True
    event = AuditEvent.objects.filter(action="retention.applied").get()
    assert event.payload == {
        "rule": "closed-cases",
        "action": "anonymise",
        "tombstone": tombstone.pk,
    }
    assert _run("apply").splitlines() == ["0 record(s) done; 0 kept."]  # once only


def test_a_deceased_persons_case_follows_its_own_rule(mx_case: Case) -> None:
    _close(mx_case, reason="deceased", at=timezone.now() - dt.timedelta(days=3 * 365))
    assert "rule closed-cases-person-deceased" in _run("apply", "--dry-run")
    _close(mx_case, reason="moved_away", at=timezone.now() - dt.timedelta(days=3 * 365))
    assert _run("apply", "--dry-run").splitlines() == [
        "0 record(s) due; nothing changed (--dry-run)."
    ]


def test_apply_erases_an_old_unattached_screening(mx_caseworker: User) -> None:
    stale = screen(mx_caseworker)
    Screening.objects.filter(pk=stale.pk).update(created_at=LONG_AGO)
    _run("apply")
    assert Screening.objects.filter(pk=stale.pk).exists() is False
    tombstone = RetentionTombstone.objects.get()
    assert (tombstone.kind, tombstone.action, tombstone.aggregates["urgency"]) == (
        "screening",
        "erase",
        "urgent",
    )


def test_a_case_under_legal_hold_is_never_touched_until_released(
    old_case: Case, mx_supervisor: User
) -> None:
    ref = old_case.reference
    user = mx_supervisor.username
    assert _run("hold", ref, "--user", user, "--reason", "Synthetic proceedings") == (
        f"{ref}: under legal hold.\n"
    )
    assert _run("apply").splitlines() == ["0 record(s) done; 0 kept."]
    assert Person.objects.get().given_names == "Xiomarafake"
    with pytest.raises(CommandError, match="already under legal hold"):
        _run("hold", ref, "--user", user, "--reason", "Again")
    _run("release", ref, "--user", user)
    assert LegalHold.objects.count() == 0
    assert _run("apply").splitlines()[-1] == "1 record(s) done; 0 kept."
    actions = list(
        AuditEvent.objects.filter(subject_id=str(old_case.pk))
        .filter(action__in=["legal_hold.set", "legal_hold.cleared", "retention.applied"])
        .values_list("action", flat=True)
    )
    assert actions == ["legal_hold.set", "legal_hold.cleared", "retention.applied"]


def test_a_hold_needs_a_reason_a_known_case_and_an_active_user(
    old_case: Case, mx_supervisor: User
) -> None:
    with pytest.raises(CommandError, match="Give the reason"):
        _run("hold", old_case.reference, "--user", mx_supervisor.username)
    with pytest.raises(CommandError, match="no case with the reference 'XX-1'"):
        _run("hold", "XX-1", "--user", mx_supervisor.username, "--reason", "R")
    with pytest.raises(CommandError, match="--user: no active user 'nobody'"):
        _run("hold", old_case.reference, "--user", "nobody", "--reason", "R")
    assert LegalHold.objects.count() == 0


def test_an_imported_screening_is_kept_with_the_reason_and_nothing_half_done(
    mx_caseworker: User,
) -> None:
    from amparo.fieldwork.enums import SubmissionFormat
    from amparo.fieldwork.models import ImportedSubmission

    stale = screen(mx_caseworker)
    Screening.objects.filter(pk=stale.pk).update(created_at=LONG_AGO)
    ImportedSubmission.objects.create(
        agency=stale.agency,
        instance_id="uuid:synthetic-1",
        screening=stale,
        source=SubmissionFormat.values[0],
        imported_by=mx_caseworker,
    )
    events = AuditEvent.objects.count()
    assert _run("apply").splitlines()[-2:] == [
        f"screening #{stale.pk}: other records refer to it, kept",
        "0 record(s) done; 1 kept.",
    ]
    assert (Screening.objects.filter(pk=stale.pk).exists(), RetentionTombstone.objects.count()) == (
        True,
        0,
    )
    assert AuditEvent.objects.count() == events
