"""The review queue of likely duplicates: list, one pair with its evidence, decisions."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import User
from amparo.dedup.domain import merge as decisions
from amparo.dedup.domain.queries import get_candidate_for
from amparo.dedup.domain.review import list_candidates, read_candidate
from amparo.dedup.enums import CandidateStatus
from amparo.dedup.models import DuplicateCandidate

ACTIONS: dict[str, Callable[..., object]] = {
    "propose": decisions.propose_merge,
    "not-same": decisions.mark_not_same,
    "approve": decisions.approve_merge,
    "unmerge": decisions.unmerge_persons,
}
DONE = {
    "propose": _("Merge proposed; a supervisor must approve it."),
    "not-same": _("Remembered: these are different persons."),
    "approve": _("Merged: the cases are now under one person."),
    "unmerge": _("Unmerged: both persons are as they were."),
}


@login_required
def duplicate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status and status not in CandidateStatus.values:
        status = ""
    pairs = list_candidates(request.user, status=status)
    context = {"pairs": pairs, "status": status, "statuses": CandidateStatus.choices}
    return render(request, "web/dedup/list.html", context)


@login_required
def duplicate_detail(request: AuthenticatedHttpRequest, candidate_id: int) -> HttpResponse:
    page = read_candidate(request.user, candidate_id)
    columns = [(person, page.cases[person.pk]) for person in page.persons]
    return render(request, "web/dedup/detail.html", {"page": page, "columns": columns})


@login_required
@require_POST
def duplicate_decide(
    request: AuthenticatedHttpRequest, candidate_id: int, action: str
) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    candidate: DuplicateCandidate = get_candidate_for(request.user, candidate_id)
    actor: User = request.user
    try:
        ACTIONS[action](candidate, actor=actor)
    except decisions.DedupError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(DONE[action]))
    return redirect("web:duplicate_detail", candidate_id=candidate.pk)
