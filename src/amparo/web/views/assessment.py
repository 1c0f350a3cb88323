"""DoMV assessment pages of a case. Every page goes through the case gate (404 outside scope);
listing and opening assessments are audited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.assessment.catalogue import current_catalogue
from amparo.assessment.domain.assessments import (
    immediate_dangers,
    list_assessments,
    read_assessment,
    record_assessment,
    summary_rows,
)
from amparo.assessment.domain.queries import get_assessment_for, household_cases_visible_to
from amparo.assessment.interfaces.charts import describe_summary, render_summary_svg
from amparo.assessment.interfaces.forms import AssessmentForm
from amparo.people.domain.queries import get_case_for


@login_required
@require_safe
def assessment_list(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case, assessments = list_assessments(user, case_id)
    return render(request, "web/assessment/list.html", {"case": case, "assessments": assessments})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assessment_new(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """The form; on bad input it comes back with every field named and everything kept."""
    user = request.user
    case = get_case_for(user, case_id)
    data = request.POST if request.method == "POST" else None
    form = AssessmentForm(data, catalogue=current_catalogue(), user=user, case=case)
    if form.is_bound and form.is_valid():
        try:
            assessment = record_assessment(case, actor=user, **form.domain_arguments())
        except ValidationError as error:
            form.add_domain_errors(error)
        else:
            messages.success(request, gettext("The assessment was saved."))
            return redirect("web:assessment_detail", case_id=case.pk, assessment_id=assessment.pk)
    context = {"case": case, "form": form, "groups": form.groups(), "problems": form.problems()}
    status = 400 if form.is_bound else 200
    return render(request, "web/assessment/form.html", context, status=status)


@login_required
@require_safe
def assessment_detail(
    request: AuthenticatedHttpRequest, case_id: int, assessment_id: int
) -> HttpResponse:
    user = request.user
    assessment = read_assessment(user, case_id, assessment_id)
    rows = summary_rows(assessment)
    context = {
        "case": assessment.case,
        "assessment": assessment,
        "rows": rows,
        "chart_description": describe_summary(rows),
        "dangers": [factor.label.get() for factor in immediate_dangers(assessment)],
        "household": list(household_cases_visible_to(user, assessment)),
    }
    return render(request, "web/assessment/detail.html", context)


@login_required
@require_safe
def assessment_svg(
    request: AuthenticatedHttpRequest, case_id: int, assessment_id: int
) -> HttpResponse:
    """The per-level chart. Not audited on its own: it shows counts only, and the page that
    embeds it (the detail page) records the reading."""
    user = request.user
    assessment = get_assessment_for(user, case_id, assessment_id)
    title = gettext("Risk and protective factors marked, by level")
    body = render_summary_svg(summary_rows(assessment), title=title)
    response = HttpResponse(body, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
