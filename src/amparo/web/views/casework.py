"""Case management pages: caseload, registration with search-before-create, the case page
with its stage, consent, tasks, closure and reopening, supervisor approvals, children."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts.domain.users import roles_of
from amparo.accounts.enums import CASEWORK_ROLES, Role
from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import User
from amparo.casework.domain import children, consent, lifecycle, tasks
from amparo.casework.domain.queries import pending_approvals_for
from amparo.casework.domain.reading import read_caseload, read_child_records
from amparo.casework.enums import ConsentPurpose
from amparo.casework.errors import CaseworkError
from amparo.casework.interfaces import forms as f
from amparo.casework.models import Consent, Task
from amparo.lib.conflicts import EditConflict
from amparo.people.domain import cases as case_domain
from amparo.people.domain.queries import get_case_for, registering_agency_of
from amparo.people.domain.search import search_persons
from amparo.people.enums import CaseStatus
from amparo.people.interfaces.forms import PersonForm, SearchForm
from amparo.people.models import Case
from amparo.people.rules import may_export_cases


def _apply_errors(form: Form, error: ValidationError) -> None:
    """Put a domain ValidationError on the form fields it names (or on the form)."""
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not roles_of(user) & CASEWORK_ROLES:
        raise Http404
    context = {"load": read_caseload(user), "can_export": may_export_cases(user)}
    return render(request, "web/casework/caseload.html", context)


@login_required
def register(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step one searches the people already known; step two registers a new person and case.

    Both steps are POSTs (`step=search`, `step=register`), so no name or document number
    ever appears in a URL, a browser history or an access log.
    """
    user = request.user
    agency = registering_agency_of(user)
    if agency is None:
        raise Http404
    step = request.POST.get("step") if request.method == "POST" else None
    search = SearchForm(request.POST if step == "search" else None, prefix="search")
    found = search.is_bound and search.is_valid()
    matches = search_persons(user, search.query()) if found else None
    person_form = PersonForm(request.POST if step == "register" else None)
    if found:
        person_form = PersonForm(initial=_person_initial(search.cleaned_data))
    if person_form.is_bound and person_form.is_valid():
        try:
            case = case_domain.open_case_for_new_person(
                person_form.person_data(), actor=user, agency=agency
            )
        except ValidationError as error:
            _apply_errors(person_form, error)
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("web:case_detail", case_id=case.pk)
    context = {"search": search, "matches": matches, "person_form": person_form, "agency": agency}
    return render(request, "web/casework/register.html", context)


def _person_initial(searched: dict[str, object]) -> dict[str, object]:
    """What the search already holds, so that registering does not ask for it twice."""
    return {name: value for name, value in searched.items() if name != "birth_year" and value}


@login_required
@require_POST
def transition(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = get_case_for(user, case_id)
    try:
        version = int(request.POST.get("version", "0"))
        lifecycle.transition_case(
            case, actor=user, to=request.POST.get("to", ""), expected_version=version
        )
        messages.success(
            request,
            _("The case is now at the stage: %(stage)s.") % {"stage": case.get_status_display()},
        )
    except (CaseworkError, ValueError) as error:
        messages.error(request, str(error))
    except EditConflict:
        messages.error(
            request,
            _("Someone changed this case while you were reading it. Here is the latest version."),
        )
    return redirect("web:case_detail", case_id=case.pk)


@login_required
def close(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = get_case_for(user, case_id)
    form = f.CloseForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.request_closure(
                case,
                actor=user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        except EditConflict:
            form.add_error(None, _("Someone changed this case meanwhile. Check it and try again."))
        else:
            case.refresh_from_db()
            if case.status == CaseStatus.CLOSED:
                messages.success(request, _("The case is closed."))
            else:
                messages.success(
                    request, _("Closing the case waits for your supervisor's approval.")
                )
            return redirect("web:case_detail", case_id=case.pk)
    return render(request, "web/casework/close.html", {"case": case, "form": form})


@login_required
def reopen(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = get_case_for(user, case_id)
    form = f.ReopenForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.reopen_case(
                case,
                actor=user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("The case is reopened."))
            return redirect("web:case_detail", case_id=case.pk)
        except CaseworkError as error:
            form.add_error(None, str(error))
        except EditConflict:
            form.add_error(None, _("Someone changed this case meanwhile. Check it and try again."))
    return render(request, "web/casework/reopen.html", {"case": case, "form": form})


@login_required
def approvals(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    pending = list(pending_approvals_for(user))
    if Role.SUPERVISOR not in roles_of(user):
        raise Http404
    return render(request, "web/casework/approvals.html", {"approvals": pending})


@login_required
@require_POST
def decide(request: AuthenticatedHttpRequest, approval_id: int) -> HttpResponse:
    user = request.user
    approval = pending_approvals_for(user).filter(pk=approval_id).first()
    if approval is None:
        raise Http404
    approve = request.POST.get("decision") == "approve"
    try:
        lifecycle.decide_approval(
            approval,
            actor=user,
            approve=approve,
            expected_version=approval.case.version,
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, _("Decision recorded."))
    except (CaseworkError, EditConflict) as error:
        messages.error(request, str(error))
    return redirect("web:approvals")


@login_required
def consent_new(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = get_case_for(user, case_id)
    form = f.ConsentForm(
        request.POST or None, initial={"purpose": ConsentPurpose.ASSISTANCE, "language": "es"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent.record_consent(case, consent.ConsentInput(**data), actor=user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("web:case_detail", case_id=case.pk)
    language = form["language"].value() or "es"
    purpose = form["purpose"].value() or ConsentPurpose.ASSISTANCE
    texts = {p: consent.consent_text(p, str(language)) for p in ConsentPurpose.values}
    context = {"case": case, "form": form, "texts": texts, "purpose": purpose}
    return render(request, "web/casework/consent.html", context)


@login_required
@require_POST
def consent_withdraw(
    request: AuthenticatedHttpRequest, case_id: int, consent_id: int
) -> HttpResponse:
    user = request.user
    case = get_case_for(user, case_id)
    record = Consent.objects.filter(case=case, pk=consent_id).first()
    if record is None:
        raise Http404
    try:
        consent.withdraw_consent(record, actor=user, note=request.POST.get("note", ""))
        messages.success(request, _("Consent withdrawn: nothing more is shared on its basis."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("web:case_detail", case_id=case.pk)


@login_required
def task_new(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = get_case_for(user, case_id)
    form = f.TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        tasks.create_task(
            case, actor=user, title=data["title"], priority=data["priority"], due_at=data["due_at"]
        )
        return redirect("web:case_detail", case_id=case.pk)
    return render(request, "web/casework/task.html", {"case": case, "form": form})


@login_required
@require_POST
def task_done(request: AuthenticatedHttpRequest, case_id: int, task_id: int) -> HttpResponse:
    user = request.user
    case = get_case_for(user, case_id)
    task = Task.objects.filter(case=case, pk=task_id).first()
    if task is None:
        raise Http404
    try:
        tasks.complete_task(task, actor=user)
    except ValueError:
        messages.error(request, _("Only an open task can be completed."))
    return redirect("web:case_detail", case_id=case.pk)


@login_required
def child_records(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Best-interests records, guardian and family tracing, on one page with three forms."""
    user = request.user
    case, shown = read_child_records(user, case_id)
    which = request.POST.get("form") if request.method == "POST" else None
    bi = f.BestInterestsForm(request.POST if which == "bi" else None, prefix="bi")
    guardian = f.GuardianForm(request.POST if which == "guardian" else None, prefix="guardian")
    tracing = f.TracingForm(request.POST if which == "tracing" else None, prefix="tracing")
    saved = _save_child_form(case, user, which, bi, guardian, tracing)
    if saved:
        messages.success(request, _("Saved."))
        return redirect("web:child_records", case_id=case.pk)
    context = {
        "case": case,
        "bi_form": bi,
        "guardian_form": guardian,
        "tracing_form": tracing,
        "records": shown.records,
        "steps": shown.steps,
        "guardian": shown.guardian,
    }
    return render(request, "web/casework/children.html", context)


def _save_child_form(
    case: Case, user: User, which: str | None, bi: Form, guardian: Form, tracing: Form
) -> bool:
    form = {"bi": bi, "guardian": guardian, "tracing": tracing}.get(which or "")
    if form is None or not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        if which == "bi":
            children.record_best_interests(case, actor=user, **data)
        elif which == "guardian":
            children.set_guardian(case, actor=user, **data)
        else:
            children.add_tracing_step(case, actor=user, **data)
    except ValidationError as error:
        _apply_errors(form, error)
        return False
    return True
