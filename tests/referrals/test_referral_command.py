"""`amparo referral`: the same refusals as the page and the API, printed naming the field."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.protection.models import AuditEvent
from amparo.referrals.domain.seed import seed_directory_from_agencies
from amparo.referrals.models import Referral
from tests.referrals.conftest import screen


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("referral", *args, stdout=out)
    return out.getvalue()


def test_the_command_refuses_the_feared_consulate_with_the_reason_and_audits_it(
    reference: None, mx_case: Case, mx_caseworker: User
) -> None:
    seed_directory_from_agencies()
    screen(mx_case, mx_caseworker, fear_of_return=True)
    with pytest.raises(CommandError) as error:
        run("draft", "--user", "ana.mx", "--case", str(mx_case.pk), "--agency",
            "mx-consulado-hn", "--kind", "documentation")  # fmt: skip
    assert str(error.value) == (
        "receiving_agency: The person fears returning to HN: nothing about them may go to its "
        "consulates or to any institution of that country."
    )
    assert Referral.objects.count() == 0
    assert AuditEvent.objects.filter(action="referral.refused").count() == 1


def test_the_command_drafts_and_answers_404_outside_the_users_scope(
    reference: None, mx_case: Case, mx_caseworker: User, gt_caseworker: User
) -> None:
    seed_directory_from_agencies()
    printed = run("draft", "--user", "ana.mx", "--case", str(mx_case.pk), "--agency",
                  "mx-comar", "--kind", "asylum")  # fmt: skip
    referral = Referral.objects.get()
    assert printed == f"{referral.reference} draft\n"
    with pytest.raises(CommandError, match="no such case or referral"):
        run("send", "--user", "bruno.gt", "--referral", str(referral.pk))
