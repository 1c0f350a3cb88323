"""Editing a person's details and the case plan without silent overwrites.

Each form carries the version it was opened at. When someone saved in between, the page
shows, field by field, what is saved now next to what this user typed, and lets them choose;
nothing either person typed is lost.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.casework.domain import plans
from amparo.casework.domain.queries import plan_responsibles_for
from amparo.casework.domain.reading import read_plan
from amparo.casework.interfaces.forms import PlanForm
from amparo.lib.conflicts import EditConflict
from amparo.people.domain.cases import read_case, update_person
from amparo.people.domain.queries import get_case_for, person_fields_for
from amparo.people.interfaces.forms import PersonEditForm


def _differences(mine: dict[str, object], saved: dict[str, object]) -> list[dict[str, object]]:
    return [
        {"field": name, "mine": mine.get(name), "saved": saved.get(name)}
        for name in saved
        if name in mine and mine.get(name) != saved.get(name)
    ]


def _apply_errors(form: Form, error: ValidationError) -> None:
    """Put a domain ValidationError on the fields it names (or on the form)."""
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
def person_edit(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """The person's details, limited to the fields the reader's role may see and change."""
    user = request.user
    case = read_case(user, case_id, shown={"part": "person"})
    view = person_fields_for(user, case)
    initial = {**PersonEditForm.initial_from(view.values), "version": case.version}
    form = PersonEditForm(request.POST or None, initial=initial, visible=view.fields)
    conflict: list[dict[str, object]] = []
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            update_person(
                case, actor=user, changes=changes, expected_version=form.cleaned_data["version"]
            )
        except EditConflict as error:
            conflict = _differences(changes, error.current)
            mine = {**PersonEditForm.initial_from(changes), "version": error.current_version}
            form = PersonEditForm(initial=mine, visible=view.fields)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Details saved."))
            return redirect("web:case_detail", case_id=case.pk)
    context = {"case": case, "form": form, "conflict": conflict}
    return render(request, "web/casework/person_edit.html", context)


@login_required
def plan_edit(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case, plan = read_plan(user, case_id)
    version = plan.version if plan else 1
    snapshot = plans.plan_snapshot(plan) if plan else plans.EMPTY_PLAN
    users, agencies = plan_responsibles_for(case)
    form = PlanForm(
        request.POST or None,
        initial={"version": version, **PlanForm.initial_from(snapshot)},
        users=users,
        agencies=agencies,
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
            form = PlanForm(data, users=users, agencies=agencies)
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
