"""Cohorts, sessions with attendance, and progress per trainee, cohort and country."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.training.domain import queries
from amparo.training.domain.programme import (
    ProgrammeError,
    add_cohort_member,
    add_cohort_to_session,
    create_cohort,
    eligible_trainees,
    record_attendance,
    schedule_session,
    session_trainees_for,
)
from amparo.training.domain.progress import cohort_progress, country_progress, trainee_progress
from amparo.training.interfaces import forms as f
from amparo.training.interfaces.charts import cohort_chart, country_chart
from amparo.training.models import Attendance, CohortMember, TrainingSession
from amparo.training.rules import trainer_countries
from amparo.web.views.training.common import studying_user, trainer_of

SVG = "image/svg+xml; charset=utf-8"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cohorts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The cohorts of the trainer's countries, and a form to create one."""
    user, countries = trainer_of(request)
    form = f.CohortForm(request.POST or None, countries=countries)
    if form.is_bound and form.is_valid():
        try:
            cohort = create_cohort(actor=user, **form.cleaned_data)
        except ProgrammeError as error:
            form.add_error("name", str(error))
        else:
            return redirect("web:training_cohort", cohort_id=cohort.pk)
    context = {"cohorts": list(queries.cohorts_visible_to(user)), "form": form}
    return render(request, "web/training/cohorts.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cohort(request: AuthenticatedHttpRequest, cohort_id: int) -> HttpResponse:
    """Members with who is behind and on what; a form to add a front-line representative."""
    user, _countries = trainer_of(request)
    found = queries.get_cohort_for(user, cohort_id)
    form = f.MemberForm(request.POST or None, eligible=eligible_trainees(found))
    if form.is_bound and form.is_valid():
        try:
            add_cohort_member(found, actor=user, trainee=form.cleaned_data["trainee"])
        except ProgrammeError as error:
            form.add_error("trainee", str(error))
        else:
            messages.success(request, _("The trainee joined the cohort."))
            return redirect("web:training_cohort", cohort_id=found.pk)
    context = {"cohort": found, "progress": cohort_progress(found), "form": form}
    return render(request, "web/training/cohort.html", context)


@login_required
@require_safe
def cohort_svg(request: AuthenticatedHttpRequest, cohort_id: int) -> HttpResponse:
    user, _countries = trainer_of(request)
    found = queries.get_cohort_for(user, cohort_id)
    title = _("Progress of the cohort %(name)s") % {"name": found.name}
    return HttpResponse(cohort_chart(title, cohort_progress(found)), content_type=SVG)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The schedule; trainers schedule sessions for their country here."""
    user = studying_user(request)
    countries = trainer_countries(user)
    form = f.SessionForm(request.POST or None, countries=countries) if countries else None
    if form is not None and form.is_bound and form.is_valid():
        try:
            session = schedule_session(actor=user, **form.cleaned_data)
        except ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            return redirect("web:training_session", session_id=session.pk)
    context = {"sessions": list(queries.sessions_visible_to(user)), "form": form}
    return render(request, "web/training/sessions.html", context)


def _attendance_form(
    request: HttpRequest, session: TrainingSession, members: list[CohortMember]
) -> f.AttendanceForm:
    rows = Attendance.objects.filter(session=session, trainee__in=[m.trainee_id for m in members])
    initial = {str(row.trainee_id): row.status for row in rows}
    data = request.POST if request.method == "POST" else None
    return f.AttendanceForm(data, members=members, initial=initial)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """A session; a trainer records attendance for their own cohorts' members."""
    user = studying_user(request)
    found = queries.get_session_for(user, session_id)
    members = list(session_trainees_for(found, user))
    form = _attendance_form(request, found, members) if members else None
    if form is not None and form.is_bound and form.is_valid():
        try:
            record_attendance(found, actor=user, statuses=form.statuses())
        except ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Attendance recorded."))
            return redirect("web:training_session", session_id=found.pk)
    own = queries.cohorts_visible_to(user).exclude(sessions=found)
    own = own.filter(country__in=found.countries.all())
    context = {
        "session": found,
        "form": form,
        "join": f.JoinSessionForm(cohorts=own) if own.exists() else None,
        "mine": Attendance.objects.filter(session=found, trainee=user).first(),
        "own_cohorts": found.cohorts.filter(country_id__in=trainer_countries(user)),
    }
    return render(request, "web/training/session.html", context)


@login_required
@require_POST
def session_join(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    user, _countries = trainer_of(request)
    found = queries.get_session_for(user, session_id)
    form = f.JoinSessionForm(request.POST, cohorts=queries.cohorts_visible_to(user))
    if form.is_valid():
        try:
            add_cohort_to_session(found, form.cleaned_data["cohort"], actor=user)
        except ProgrammeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your cohort joined the session."))
    return redirect("web:training_session", session_id=found.pk)


@login_required
@require_safe
def trainee(request: AuthenticatedHttpRequest, trainee_id: int) -> HttpResponse:
    """One trainee's progress, practice work and certificates (the trainee or their trainer)."""
    found = queries.get_trainee_for(request.user, trainee_id)
    courses = list(queries.courses_for(found))
    context = {
        "trainee": found,
        "progress": trainee_progress(found, courses),
        "attempts": list(queries.quiz_attempts_of(found)[:50]),
        "practice_attempts": list(queries.practice_attempts_of(found)[:50]),
        "certificates": list(queries.certificates_of(found)),
    }
    return render(request, "web/training/trainee.html", context)


@login_required
@require_safe
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Progress per cohort of the trainer's countries."""
    user, _countries = trainer_of(request)
    context = {"summaries": country_progress(list(queries.cohorts_visible_to(user)))}
    return render(request, "web/training/progress.html", context)


@login_required
@require_safe
def progress_svg(request: AuthenticatedHttpRequest) -> HttpResponse:
    user, _countries = trainer_of(request)
    summaries = country_progress(list(queries.cohorts_visible_to(user)))
    return HttpResponse(country_chart(_("Progress by cohort"), summaries), content_type=SVG)
