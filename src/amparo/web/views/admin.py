"""Administration pages: staff of the administrator's own countries, never case data."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from amparo.accounts.domain.queries import staff_visible_to
from amparo.accounts.http import AuthenticatedHttpRequest


@login_required
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    memberships = staff_visible_to(user)
    if memberships is None:
        raise Http404
    return render(request, "web/user_list.html", {"memberships": memberships})
