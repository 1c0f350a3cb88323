"""Editing a person's details and the case plan without silent overwrites.

Each form carries the version it was opened at. When someone saved in between, the page
shows, field by field, what is saved now next to what this user typed, and lets them choose;
nothing either person typed is lost.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.casework.domain import plans
from amparo.casework.models import CasePlan
from amparo.lib.conflicts import EditConflict
from amparo.people.domain.cases import person_values, update_person
from amparo.people.domain.queries import get_case_for
from amparo.web.forms_plan import PersonEditForm, PlanForm


def _person_initial(values: dict[str, object]) -> dict[str, object]:
    initial = dict(values)
    initial["nationalities"] = ", ".join(values["nationalities"])  # type: ignore[arg-type]
    initial["languages"] = ", ".join(values["languages"])  # type: ignore[arg-type]
    birth = values["birth_date"]
    initial["birth_date"] = dt.date.fromisoformat(str(birth)) if birth else None
    return initial


def _differences(mine: dict[str, object], saved: dict[str, object]) -> list[dict[str, object]]:
    return [
        {"field": name, "mine": mine.get(name), "saved": saved.get(name)}
        for name in saved
        if name in mine and mine.get(name) != saved.get(name)
    ]


@login_required
def person_edit(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = get_case_for(user, case_id)
    current = person_values(case.person)
    form = PersonEditForm(
        request.POST or None, initial={**_person_initial(current), "version": case.version}
    )
    conflict: list[dict[str, object]] = []
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            update_person(
                case, actor=user, changes=changes, expected_version=form.cleaned_data["version"]
            )
        except EditConflict as error:
            conflict = _differences(changes, error.current)
            form = PersonEditForm(
                initial={**_person_initial(changes), "version": error.current_version}
            )
        else:
            messages.success(request, _("Details saved."))
            return redirect("web:case_detail", case_id=case.pk)
    context = {"case": case, "form": form, "conflict": conflict}
    return render(request, "web/casework/person_edit.html", context)


@login_required
def plan_edit(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = get_case_for(user, case_id)
    plan = CasePlan.objects.filter(case=case).prefetch_related("goals__actions").first()
    version = plan.version if plan else 1
    snapshot: dict[str, object] = (
        plans.plan_snapshot(plan) if plan else {"summary": "", "goals": []}
    )
    form = PlanForm(
        request.POST or None, initial={"version": version, **PlanForm.initial_from(snapshot)}
    )
    conflict: dict[str, object] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            plans.save_plan(
                case,
                actor=user,
                summary=form.cleaned_data["summary"],
                goals=form.goals(),
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as error:
            # Keep everything this user typed in the form, with the new version, and show
            # beside it the plan as it is saved now: they choose by editing and saving again.
            conflict = error.current
            data = request.POST.copy()
            data["version"] = str(error.current_version)
            form = PlanForm(data)
            form.is_valid()
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("web:case_detail", case_id=case.pk)
    return render(
        request,
        "web/casework/plan_edit.html",
        {"case": case, "form": form, "conflict": conflict, "plan": plan},
    )


@login_required
def plan_agree(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = get_case_for(user, case_id)
    if request.method == "POST":
        try:
            plan = plans.agree_plan(case, actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if plan.status == "agreed":
                messages.success(request, _("The plan is agreed."))
            else:
                messages.success(
                    request,
                    _("The concern level is high: the plan waits for your supervisor's approval."),
                )
    return redirect("web:case_detail", case_id=case.pk)
