"""The home page: for each of the user's roles, what to do first."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from amparo.accounts.enums import Role
from amparo.accounts.http import AuthenticatedHttpRequest

FIRST_STEPS: dict[str, Promise] = {
    Role.FRONT_LINE_OFFICER: _(
        "Open the cases you identified. Each case shows the person's details to the officers "
        "of your agency who work it, and every time it is opened is recorded."
    ),
    Role.CASE_MANAGER: _(
        "Open your caseload: the cases assigned to you at your agency. Check the stage of each "
        "case and who else can see it before you share anything."
    ),
    Role.SUPERVISOR: _(
        "Review every case of your agency: who is assigned, which stage it is in, and which "
        "cases have no one assigned yet."
    ),
    Role.RECEIVING_OFFICER: _(
        "Open the referral inbox of your institution: acknowledge each referral before its "
        "deadline, accept or decline it, and report the outcome. You see only the minimum data "
        "each referral carries, never the whole case."
    ),
    Role.FOCAL_POINT: _(
        "You coordinate referrals to and from other member countries. Cross-border referrals "
        "arrive through your national node; no individual case is visible to you until one "
        "is addressed to your institution."
    ),
    Role.REGIONAL_ANALYST: _(
        "You work with aggregate figures only: no page shows you an individual person or case."
    ),
    Role.TRAINER: _(
        "You run your country's cohorts. Practice cases are fictional and never touch the case "
        "registry, so you have no access to real cases."
    ),
    Role.TRAINEE: _(
        "Work through your course modules and practice cases. Practice cases are fictional and "
        "graded against an expert key."
    ),
    Role.ADMINISTRATOR: _(
        "Manage the staff accounts and memberships of your country. Administrators do not read "
        "cases: case data is open only to the officers who work them."
    ),
}


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    memberships = user.memberships.filter(active=True).select_related("agency", "agency__country")
    cards = [
        {"membership": m, "role_label": Role(m.role).label, "first_step": FIRST_STEPS[m.role]}
        for m in memberships
    ]
    return render(request, "web/home.html", {"cards": cards})
