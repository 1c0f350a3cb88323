"""Case pages. Every page goes through the access gate; opening a case is audited."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import Country, User
from amparo.casework.domain.lifecycle import ALLOWED
from amparo.casework.enums import ApprovalDecision, ClosureReason, TaskStatus
from amparo.casework.models import Approval, CaseNote, CasePlan, Consent, Goal, PlanAction, Task
from amparo.casework.rules import is_supervisor_of
from amparo.lib.batch import CompiledRead
from amparo.people.domain.cases import list_cases, read_case
from amparo.people.domain.queries import get_case_for, person_fields_for
from amparo.people.enums import CaseStatus
from amparo.people.models import Case, Person
from amparo.referrals.domain.safety import feared_countries, person_records_with
from amparo.referrals.models import Referral
from amparo.web.pdf import render_case_summary

PAGE_SIZE = 50


@login_required
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    cases = list_cases(user, limit=PAGE_SIZE)
    return render(request, "web/case_list.html", {"cases": cases, "page_size": PAGE_SIZE})


@login_required
def case_detail(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = read_case(user, case_id)
    return render(request, "web/case_detail.html", case_page_context(user, case))


# What the case page shows besides the person's records, by case id: compiled once per
# process (`CompiledRead`), as the page is the one every caseworker opens all day.
_PAGE_READS = (
    CompiledRead(lambda case_id: CasePlan.objects.filter(case_id=case_id)[:1]),
    CompiledRead(lambda case_id: Goal.objects.filter(plan__case_id=case_id)),
    CompiledRead(lambda case_id: PlanAction.objects.filter(goal__plan__case_id=case_id)),
    CompiledRead(
        lambda case_id: Consent.objects.filter(case_id=case_id).select_related("recipient")
    ),
    CompiledRead(lambda case_id: Task.objects.filter(case_id=case_id, status=TaskStatus.OPEN)),
    CompiledRead(
        lambda case_id: Approval.objects.filter(case_id=case_id, decision=ApprovalDecision.PENDING)
    ),
    CompiledRead(lambda case_id: CaseNote.objects.filter(case_id=case_id)[:5]),
    CompiledRead(
        lambda case_id: Referral.objects.filter(case_id=case_id).select_related("receiving_agency")
    ),
)
# The member countries (a dozen rows), named in the "do not contact" box.
_COUNTRIES = CompiledRead(lambda: Country.objects.all())


def case_page_context(user: User, case: Case) -> dict[str, object]:
    """Everything the case page shows, in one round trip to PostgreSQL (`fetch_together`).

    The person's screenings, profile decisions and refoulement finding are read once
    (`person_records`) for the "do not contact" box, the profiles and the screenings list;
    the rest of the page (plan, consents, tasks, approvals, notes, referrals, country names)
    depends on nothing read before, so it goes in the same round trip.
    """
    person = person_fields_for(user, case)
    records, page = person_records_with(
        case.person, *(read(case.pk) for read in _PAGE_READS), _COUNTRIES()
    )
    plans, goals, actions, consents, tasks, approvals, notes, referrals, countries = page
    feared = feared_countries(case.person, records)
    return {
        "case": case,
        "person": person.values,
        "fields": person,
        "next_stages": [
            (code, CaseStatus(code).label) for code in sorted(ALLOWED.get(case.status, ()))
        ],
        "consents": consents,
        "tasks": tasks,
        "plan": plans[0] if plans else None,
        "plan_goals": [(goal, [a for a in actions if a.goal_id == goal.pk]) for goal in goals],
        "pending_approvals": approvals,
        "notes": notes,
        "referrals": referrals,
        # The page lists each screening's date and urgency only: not its decisions.
        "screenings": records.screenings_of(case),
        "profiles": records.profiles_of(case) if "profiles" in person else [],
        # Read as part of the case page, whose reading the page's own audit event records.
        "do_not_contact": [country for country in countries if country.code in feared],
        "is_child": is_child(case.person),
        "is_supervisor": is_supervisor_of(user, case),
        "closure_reason": ClosureReason(case.closure_reason).label if case.closure_reason else "",
    }


def is_child(person: Person) -> bool:
    age = person.age_on(timezone.localdate())
    return age is not None and age < 18


@login_required
def case_pdf(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """A case summary as PDF in the reader's language, with what their role may see."""
    user = request.user
    case = get_case_for(user, case_id)
    pdf = render_case_summary(user, case)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.reference}.pdf"'
    return response
