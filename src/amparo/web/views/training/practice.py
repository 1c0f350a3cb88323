"""Practice cases: the vignette, the real screening questions in a sandbox, and the report.

The form is the live screening's own (`ScreeningForm`, built from the protocol file), plus the
trainee's referral and consent choices; grading never creates a Person, Case or Screening.
Questions that depend on earlier answers appear when the trainee presses "Show the questions
that apply" (no script needed).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.screening.interfaces.forms import ScreeningForm
from amparo.screening.protocol import AnswersError
from amparo.training.domain import queries
from amparo.training.domain.practice import practice_protocol, submit_practice
from amparo.training.interfaces.forms import PracticeChoicesForm
from amparo.training.models import PracticeCase, localised
from amparo.training.practice import PracticeChoiceError
from amparo.training.rendering import render_markdown
from amparo.web.views.training.common import content_language, studying_user


@login_required
@require_safe
def practice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = studying_user(request)
    context = {
        "cases": list(queries.practice_cases_for(user)),
        "attempts": list(queries.practice_attempts_of(user)[:50]),
    }
    return render(request, "web/training/practice_list.html", context)


def _forms(request: HttpRequest, case: PracticeCase) -> tuple[ScreeningForm, PracticeChoicesForm]:
    data = request.POST if request.method == "POST" else None
    screening = ScreeningForm(
        data,
        protocol=practice_protocol(),
        lang=content_language(),
        initial={"country_of_identification": case.country},
    )
    return screening, PracticeChoicesForm(data)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice(request: AuthenticatedHttpRequest, practice_id: int) -> HttpResponse:
    """Work the case; a submission is graded against the expert key and kept as an attempt."""
    user = studying_user(request)
    case = queries.get_practice_case_for(user, practice_id)
    screening, choices = _forms(request, case)
    refresh = screening.is_bound and "refresh" in request.POST
    if screening.is_bound and not refresh and screening.is_valid() and choices.is_valid():
        try:
            attempt = submit_practice(
                case,
                actor=user,
                lang=content_language(),
                answers=screening.answers(),
                referral_kinds=choices.cleaned_data["referral_kinds"],
                legal_basis=choices.cleaned_data["legal_basis"],
            )
        except AnswersError as error:
            for problem in error.problems:
                field = problem.code if problem.code in screening.fields else None
                screening.add_error(field, problem.message)
        except PracticeChoiceError as error:
            choices.add_error(None, str(error))
        else:
            return redirect("web:training_practice_attempt", practice_attempt_id=attempt.pk)
    failed = screening.is_bound and not refresh
    context = {
        "case": case,
        "vignette": render_markdown(localised(case.vignette, content_language())),
        "form": screening,
        "choices": choices,
        "show_errors": failed,
    }
    has_errors = failed and bool(screening.errors or choices.errors)
    return render(request, "web/training/practice.html", context, status=400 if has_errors else 200)


@login_required
@require_safe
def practice_attempt(request: AuthenticatedHttpRequest, practice_attempt_id: int) -> HttpResponse:
    user = studying_user(request)
    found = queries.get_practice_attempt_for(user, practice_attempt_id)
    report = found.report
    context = {
        "attempt": found,
        "report": report,
        "teaching_points": render_markdown(report["teaching_points"]),
        "consent_notes": render_markdown(report["consent"]["notes"]),
    }
    return render(request, "web/training/practice_attempt.html", context)
