"""Administration pages: staff of the administrator's own countries, never case data."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from amparo.accounts.domain.queries import staff_member_for, staff_visible_to
from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import User
from amparo.protection.domain.two_factor import issue_enrolment_code, reset_two_factor


@login_required
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    memberships = staff_visible_to(user)
    if memberships is None:
        raise Http404
    return render(request, "web/user_list.html", {"memberships": memberships})


def _staff_member(request: AuthenticatedHttpRequest, user_id: int) -> User:
    """The gate: a user in a country the signed-in administrator administers, else 404."""
    member = staff_member_for(request.user, user_id)
    if member is None:
        raise Http404
    return member


@login_required
@require_POST
def user_enrolment_code(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """Issue a one-time enrolment code and show it once (the page is never cached)."""
    member = _staff_member(request, user_id)
    code = issue_enrolment_code(member, actor=request.user)
    context = {
        "member": member,
        "code": code,
        "settings_hours": settings.AMPARO_ENROLMENT_CODE_HOURS,
    }
    return render(request, "web/user_enrolment_code.html", context)


@login_required
@require_POST
def user_reset_two_factor(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    member = _staff_member(request, user_id)
    reset_two_factor(member, actor=request.user)
    messages.success(
        request,
        gettext(
            "The authenticator of %(username)s was removed. Issue an enrolment code so they "
            "can link a new one."
        )
        % {"username": member.username},
    )
    return redirect("web:user_list")
