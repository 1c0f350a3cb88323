"""Case pages. Every page goes through the access gate; opening a case is audited."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from amparo.accounts.models import User
from amparo.people.domain.cases import list_cases, read_case

PAGE_SIZE = 50


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    cases = list_cases(user, limit=PAGE_SIZE)
    return render(request, "web/case_list.html", {"cases": cases, "page_size": PAGE_SIZE})


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = read_case(user, case_id)
    return render(request, "web/case_detail.html", {"case": case, "person": case.person})
