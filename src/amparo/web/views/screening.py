"""Screening pages: the mobile form, the explained result with the officer's review, and
attaching the reviewed result to a case.

The form refreshes the questions that apply through htmx (`screening_questions` returns the
form body); without JavaScript a button does the same by submitting normally. Every page
about a saved screening goes through the screening gate, so it answers 404 outside scope.
"""

import base64
import hashlib
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, BadRequest, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import Agency, User
from amparo.people.enums import Sex
from amparo.people.interfaces.forms import PersonForm
from amparo.screening.domain.queries import (
    cases_to_attach,
    get_screening_for,
    screening_agency_for,
)
from amparo.screening.domain.results import (
    ProtocolChangedError,
    localised_result,
    screening_protocol,
)
from amparo.screening.domain.screenings import (
    DEFAULT_PROTOCOL,
    ScreeningError,
    attach_to_case,
    decide_profiles,
    list_screenings,
    read_screening,
    submit_screening,
)
from amparo.screening.enums import UrgencyLevel
from amparo.screening.interfaces.forms import (
    AttachExistingForm,
    DecisionForm,
    ScreeningForm,
    answer_text,
    protocol_language,
)
from amparo.screening.models import Screening, ScreeningStatus
from amparo.screening.protocol import (
    AnswersError,
    Protocol,
    ProtocolNotFoundError,
    load_protocol,
)
from amparo.training.domain.gate import may_submit_live_screenings

PAGE_SIZE = 50
# Set when a screening is submitted; its result page then tells the browser to drop the draft.
_JUST_SUBMITTED = "screening_just_submitted"
# The AES-GCM key of this session's drafts (docs/decisions/0016): kept in the server's session
# only and handed to the form page, so signing out or the session's expiry makes every draft
# left on the device unreadable.
_DRAFT_KEY = "screening_draft_key"


def _draft_cipher(request: HttpRequest) -> dict[str, str]:
    """This session's draft key (url-safe base64, 32 bytes) and its id, made on first use."""
    key = request.session.get(_DRAFT_KEY)
    if not isinstance(key, str):
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")
        request.session[_DRAFT_KEY] = key
    key_id = hashlib.sha256(f"amparo-draft-id:{key}".encode("ascii")).hexdigest()[:16]
    return {"draft_secret": key, "draft_key_id": key_id}


def _agency(user: User) -> Agency:
    agency = screening_agency_for(user)
    if agency is None:
        raise Http404
    return agency


def _form_protocol(data: QueryDict | None) -> Protocol:
    """The protocol version the form was built from (the latest for a fresh form)."""
    version = data.get("protocol_version") if data is not None else None
    try:
        return load_protocol(DEFAULT_PROTOCOL, version or None)
    except ProtocolNotFoundError:
        raise BadRequest("unknown protocol version") from None


def _screening_form(request: HttpRequest, agency: Agency) -> ScreeningForm:
    data = request.POST if request.method == "POST" else None
    protocol = _form_protocol(data)
    initial = {"country_of_identification": agency.country_id}
    return ScreeningForm(data, protocol=protocol, lang=protocol_language(), initial=initial)


# --- The form ---------------------------------------------------------------------------------


@login_required
@require_safe
def screening_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "screenings": list_screenings(user, limit=PAGE_SIZE),
        "can_screen": screening_agency_for(user) is not None,
        "page_size": PAGE_SIZE,
    }
    return render(request, "web/screening/list.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def screening_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The form; on bad input it comes back with every problem named and every answer kept."""
    user = request.user
    agency = _agency(user)
    if not may_submit_live_screenings(user):
        return render(request, "web/screening/training_required.html", status=403)
    form = _screening_form(request, agency)
    refresh = form.is_bound and "refresh" in request.POST
    if form.is_bound and not refresh and form.is_valid():
        try:
            screening = submit_screening(
                actor=user,
                agency=agency,
                answers=form.answers(),
                protocol_id=form.protocol.id,
                protocol_version=form.protocol.version,
                lang=form.lang,
            )
        except AnswersError as error:
            for problem in error.problems:
                form.add_error(
                    problem.code if problem.code in form.fields else None, problem.message
                )
        else:
            request.session[_JUST_SUBMITTED] = screening.pk
            return redirect("web:screening_detail", screening_id=screening.pk)
    failed = form.is_bound and not refresh
    context = {
        "form": form,
        "agency": agency,
        "show_errors": failed,
        "restore_draft": not form.is_bound,
        "draft_key": f"{user.pk}.{form.protocol.id}",
        **_draft_cipher(request),
    }
    return render(request, "web/screening/form.html", context, status=400 if failed else 200)


@login_required
@require_POST
def screening_questions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The form body for the answers so far (htmx): the questions that now apply, as typed."""
    form = _screening_form(request, _agency(request.user))
    return render(request, "web/screening/_questions.html", {"form": form, "show_errors": False})


# --- The result and its review ----------------------------------------------------------------


def _indicators(
    screening: Screening, protocol: Protocol | None, codes: list[str], lang: str
) -> list[dict[str, str]]:
    """The answers behind a profile, as question and answer in the reader's language."""
    rows = []
    for code in codes:
        question = protocol.questions.get(code) if protocol else None
        value = screening.answers.get(code)
        rows.append(
            {
                "code": code,
                "question": question.text.get(lang) if question else code,
                "answer": answer_text(question, value, lang) if question else str(value),
            }
        )
    return rows


def _profile_rows(screening: Screening, result: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    try:
        protocol: Protocol | None = screening_protocol(screening)
    except ProtocolChangedError:
        protocol = None
    decisions = {decision.code: decision for decision in screening.decisions.all()}
    return [
        {
            **profile,
            "indicator_rows": _indicators(screening, protocol, profile["indicators"], lang),
            "refer_to": [
                r["label"] for r in result["referrals"] if profile["code"] in r["profiles"]
            ],
            "decision": decisions.get(profile["code"]),
        }
        for profile in result["profiles"]
    ]


def _decision_initial(screening: Screening) -> dict[str, str]:
    initial = {}
    for decision in screening.decisions.all():
        if decision.confirmed is not None:
            initial[f"decision_{decision.code}"] = "confirm" if decision.confirmed else "reject"
            initial[f"reason_{decision.code}"] = decision.reason
    return initial


def _person_initial(screening: Screening) -> dict[str, str]:
    """What the screening already says about the person, to save typing it twice."""
    answers = screening.answers
    sex = answers.get("sex")
    return {
        "sex": sex if sex in Sex.values else Sex.UNKNOWN,
        "nationalities": answers.get("nationality", ""),
    }


def _render_result(
    request: AuthenticatedHttpRequest,
    screening: Screening,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
    clear_draft: bool = False,
) -> HttpResponse:
    user, lang = request.user, protocol_language()
    result = localised_result(screening, lang)
    profiles = [(p["code"], p["label"]) for p in result["profiles"]]
    open_for_review = screening.case_id is None and screening.status != ScreeningStatus.DRAFT
    context: dict[str, Any] = {
        "screening": screening,
        "result": result,
        "urgency_label": UrgencyLevel(result["urgency"]["level"]).label,
        "profiles": _profile_rows(screening, result, lang),
        "can_decide": open_for_review,
        "can_attach": open_for_review and screening.status == ScreeningStatus.REVIEWED,
        "decision_form": DecisionForm(profiles=profiles, initial=_decision_initial(screening)),
        "existing_form": AttachExistingForm(cases=cases_to_attach(user)),
        "person_form": PersonForm(prefix="person", initial=_person_initial(screening)),
        "clear_draft": clear_draft,
        "draft_key": f"{user.pk}.{screening.protocol_id}",
        **(forms or {}),
    }
    decision_form: DecisionForm = context["decision_form"]
    for row in context["profiles"]:
        row["decision_field"] = decision_form[f"decision_{row['code']}"]
        row["reason_field"] = decision_form[f"reason_{row['code']}"]
    return render(request, "web/screening/detail.html", context, status=status)


@login_required
@require_safe
def screening_detail(request: AuthenticatedHttpRequest, screening_id: int) -> HttpResponse:
    screening = read_screening(request.user, screening_id)
    just_submitted = request.session.pop(_JUST_SUBMITTED, None) == screening.pk
    return _render_result(request, screening, clear_draft=just_submitted)


def _decision_errors(form: DecisionForm, error: ValidationError) -> None:
    """Put the domain's errors, keyed by profile code, on the fields they concern."""
    for code, errors in error.error_dict.items():
        for item in errors:
            field = f"reason_{code}" if item.code == "reason_required" else f"decision_{code}"
            form.add_error(field if code != NON_FIELD_ERRORS else None, item.messages)


@login_required
@require_POST
def screening_decide(request: AuthenticatedHttpRequest, screening_id: int) -> HttpResponse:
    user = request.user
    screening = get_screening_for(user, screening_id)
    labels = [
        (p["code"], p["label"])
        for p in localised_result(screening, protocol_language())["profiles"]
    ]
    form = DecisionForm(request.POST, profiles=labels)
    if form.is_valid():
        try:
            decide_profiles(screening, actor=user, decisions=form.decisions())
        except ValidationError as error:
            _decision_errors(form, error)
        except ScreeningError as error:
            messages.error(request, str(error))
            return redirect("web:screening_detail", screening_id=screening.pk)
        else:
            messages.success(request, _("Your decisions are saved."))
            url = reverse("web:screening_detail", kwargs={"screening_id": screening.pk})
            return redirect(
                f"{url}#attach" if screening.status == ScreeningStatus.REVIEWED else url
            )
    return _render_result(request, screening, forms={"decision_form": form}, status=400)


@login_required
@require_POST
def screening_attach(request: AuthenticatedHttpRequest, screening_id: int) -> HttpResponse:
    """Attach to an existing case (mode=existing) or to a new person's new case (mode=new)."""
    user = request.user
    screening = get_screening_for(user, screening_id)
    mode = request.POST.get("mode")
    if mode not in {"existing", "new"}:
        raise BadRequest("mode must be existing or new")
    existing = AttachExistingForm(
        request.POST if mode == "existing" else None, cases=cases_to_attach(user)
    )
    person = PersonForm(request.POST if mode == "new" else None, prefix="person")
    form = existing if mode == "existing" else person
    if form.is_valid():
        try:
            if mode == "existing":
                case = attach_to_case(screening, actor=user, case=existing.cleaned_data["case"])
            else:
                person_data = person.person_data()
                case = attach_to_case(screening, actor=user, person_data=person_data)
        except ScreeningError as error:
            messages.error(request, str(error))
            return redirect("web:screening_detail", screening_id=screening.pk)
        messages.success(
            request, _("The screening is attached to case %(ref)s.") % {"ref": case.reference}
        )
        return redirect("web:case_detail", case_id=case.pk)
    forms = {"existing_form": existing, "person_form": person, "attach_mode": mode}
    return _render_result(request, screening, forms=forms, status=400)
