"""The review queue of likely duplicates: list, one pair with its evidence, decisions."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import User
from amparo.dedup.domain import merge as decisions
from amparo.dedup.domain.queries import get_candidate_for
from amparo.dedup.domain.review import PairPage, list_candidates, read_candidate
from amparo.dedup.domain.scan import ScanRefused, scan_scope
from amparo.dedup.enums import CandidateStatus
from amparo.dedup.evidence import StrOrPromise
from amparo.dedup.interfaces.forms import ScanForm
from amparo.dedup.models import DuplicateCandidate
from amparo.dedup.rules import supervisor_case_filter
from amparo.people.domain.queries import PersonView

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
    context: dict[str, object] = {
        "pairs": pairs,
        "status": status,
        "statuses": CandidateStatus.choices,
    }
    if supervisor_case_filter(request.user) is not None:
        context["scan_form"] = ScanForm()
    return render(request, "web/dedup/list.html", context)


@login_required
@require_POST
def duplicate_scan(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A supervisor scans their scope now; anyone else gets a 404, as for a missing page."""
    if supervisor_case_filter(request.user) is None:
        raise Http404
    form = ScanForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(_("Choose which pairs to add.")))
        return redirect("web:duplicate_list")
    try:
        counts = scan_scope(actor=request.user, threshold=form.cleaned_data["threshold"])
    except ScanRefused:
        raise Http404 from None
    added = ngettext(
        "Scan done: %(new)s new pair of likely duplicates added to the queue",
        "Scan done: %(new)s new pairs of likely duplicates added to the queue",
        counts.new,
    ) % {"new": counts.new}
    compared = ngettext(
        "(%(persons)s person of your agency compared).",
        "(%(persons)s persons of your agency compared).",
        counts.persons,
    ) % {"persons": counts.persons}
    messages.success(request, f"{added} {compared}")
    return redirect("web:duplicate_list")


# The rows of the pair page: a label and the person fields it shows, in the case page's order.
ROWS: list[tuple[StrOrPromise, tuple[str, ...]]] = [
    (_("Given names"), ("given_names",)),
    (_("Surnames"), ("first_surname", "second_surname")),
    (_("Sex"), ("sex",)),
    (_("Birth date"), ("birth_date",)),
    (_("Birth year"), ("birth_year",)),
    (_("Nationalities"), ("nationalities",)),
    (_("Identity documents"), ("documents",)),
    (_("Phone"), ("phone",)),
]


def _cell(view: PersonView, names: tuple[str, ...]) -> str | None:
    """What one person's cell shows; None when the reader's role may not read the field."""
    if not all(name in view.fields for name in names):
        return None
    values = view.values
    if names == ("sex",):
        return str(values["sex_label"])
    if names == ("documents",):
        return "; ".join(f"{d.get('type', '')} {d.get('number', '')}" for d in values["documents"])
    if names == ("nationalities",):
        return ", ".join(values["nationalities"] or [])
    if names == ("birth_date",) and values["birth_date"] and values["birth_date_is_approximate"]:
        return f"{values['birth_date']} ({_('approximate')})"
    return " ".join(str(values[name]) for name in names if values[name] not in ("", None))


def _rows(page: PairPage) -> list[tuple[StrOrPromise, list[str | None]]]:
    """The rows of fields the reader may read of at least one of the two persons."""
    rows = []
    for label, names in ROWS:
        cells = [_cell(page.views[person.pk], names) for person in page.persons]
        if any(cell is not None for cell in cells):
            rows.append((label, cells))
    return rows


@login_required
def duplicate_detail(request: AuthenticatedHttpRequest, candidate_id: int) -> HttpResponse:
    page = read_candidate(request.user, candidate_id)
    columns = [(person, page.cases[person.pk]) for person in page.persons]
    context = {"page": page, "columns": columns, "rows": _rows(page)}
    return render(request, "web/dedup/detail.html", context)


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
