"""`amparo federation draft|approve`: a cross-border referral from a shell, through the same
domain functions and gates as the page and the API."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from amparo.accounts.models import Agency, User
from amparo.federation.enums import CrossBorderStatus
from amparo.federation.models import CrossBorderReferral, OutboundEnvelope
from amparo.people.models import Case
from amparo.protection.models import AuditEvent
from tests.federation.conftest import RemoteNode
from tests.federation.test_sending import cross_border_consent, fear_of_return


def run(*args: str) -> str:
    out = StringIO()
    call_command("federation", *args, stdout=out)
    return out.getvalue()


def draft(case: Case | str, to: str, code: str, user: str = "ana.mx") -> str:
    ref = case if isinstance(case, str) else str(case.pk)
    return run(
        "draft", "--case", ref, "--to", to, "--institution", code,
        "--type", "continuity_of_care", "--user", user,
    )  # fmt: skip


def test_a_case_manager_drafts_by_case_reference_and_the_focal_point_approves(
    gt_remote: RemoteNode, mx_case: Case, mx_caseworker: User, mx_focal_point: User
) -> None:
    cross_border_consent(mx_case, mx_caseworker, "gt-sbs")
    out = draft(mx_case.reference, "GT", "gt-sbs")
    referral = CrossBorderReferral.objects.get()
    assert out.startswith(f"{referral.reference} draft")
    assert not OutboundEnvelope.objects.exists()
    out = run("approve", "--referral", referral.reference, "--user", mx_focal_point.username)
    referral.refresh_from_db()
    assert referral.status == CrossBorderStatus.APPROVED
    assert f"envelope {referral.envelope_id}" in out
    assert OutboundEnvelope.objects.get().kind == "referral"


def test_only_the_focal_point_approves_by_command(
    gt_remote: RemoteNode, mx_case: Case, mx_caseworker: User, mx_supervisor: User
) -> None:
    cross_border_consent(mx_case, mx_caseworker, "gt-sbs")
    draft(mx_case, "GT", "gt-sbs")
    referral = CrossBorderReferral.objects.get()
    with pytest.raises(CommandError, match=r"^actor: Only the national focal point"):
        run("approve", "--referral", str(referral.pk), "--user", mx_supervisor.username)
    assert not OutboundEnvelope.objects.exists()


def test_without_consent_the_command_names_the_field_and_saves_nothing(
    gt_remote: RemoteNode, mx_case: Case, mx_caseworker: User
) -> None:
    with pytest.raises(CommandError, match=r"^basis: No consent or legal basis"):
        draft(mx_case, "GT", "gt-sbs")
    assert not CrossBorderReferral.objects.exists()


def test_a_person_who_fears_honduras_cannot_be_referred_to_any_honduran_institution_by_cli(
    hn_remote: RemoteNode, mx_case: Case, mx_caseworker: User
) -> None:
    fear_of_return(mx_case, mx_caseworker, "HN")
    codes = list(Agency.objects.filter(country_id="HN").values_list("code", flat=True))
    assert len(codes) > 5
    for code in codes:
        cross_border_consent(mx_case, mx_caseworker, code)
        with pytest.raises(CommandError) as error:
            draft(mx_case, "HN", code)
        assert str(error.value).startswith("recipient_agency: "), code
        assert "HN" in str(error.value), code
    assert not CrossBorderReferral.objects.exists()
    assert AuditEvent.objects.filter(action="federation.referral_drafted").count() == 0


def test_an_outsider_cannot_draft_from_a_case_it_does_not_see(
    gt_remote: RemoteNode, mx_case: Case, mx_caseworker: User, gt_caseworker: User
) -> None:
    cross_border_consent(mx_case, mx_caseworker, "gt-sbs")
    for ref in (str(mx_case.pk), mx_case.reference):
        with pytest.raises(CommandError, match="no such case or referral within the user"):
            draft(ref, "GT", "gt-sbs", user=gt_caseworker.username)
    assert not CrossBorderReferral.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--institution", "gt-nope"], "--institution: no institution with the code 'gt-nope'"),
        (["--institution", "hn-dinaf"], "--institution hn-dinaf is in HN, not in --to GT"),
        (["--user", "nobody"], "--user: no active user 'nobody'"),
    ],
)
def test_bad_arguments_are_named(
    gt_remote: RemoteNode, mx_case: Case, mx_caseworker: User, args: list[str], message: str
) -> None:
    base = {"--case": str(mx_case.pk), "--to": "GT", "--institution": "gt-sbs"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    base.setdefault("--user", "ana.mx")
    flat = [part for pair in base.items() for part in pair]
    with pytest.raises(CommandError) as error:
        run("draft", *flat, "--type", "continuity_of_care")
    assert str(error.value) == message
