"""Statistics dashboards per role: charts, tables, CSV, HXL-tagged CSV and a PDF report.

Every number comes from `stats.domain.tables.build_release`, already suppressed; the gate is
`stats.domain.scope.get_scope_for` (404 for anyone without a statistics role or scope). With
differential privacy on, a new release spends the scope's privacy budget; once it is spent the
page, its downloads and its PDF answer 409 with the reason.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.stats.domain.downloads import record_download
from amparo.stats.domain.privacy import PrivacyBudgetSpent
from amparo.stats.domain.queries import (
    all_series,
    latest_releases,
    received_periods,
    sent_privacy,
    surges_for,
)
from amparo.stats.domain.scope import (
    AGENCY,
    COUNTRY,
    REGION,
    SCOPE_LABELS,
    Scope,
    get_scope_for,
    scopes_for,
)
from amparo.stats.domain.tables import Filters, Release, build_release, stats_k
from amparo.stats.interfaces import exports
from amparo.stats.interfaces.forms import FilterForm, PeriodForm
from amparo.stats.interfaces.received import regional_panels
from amparo.stats.routers import is_regional_node


class _Refused(Exception):
    """No release for this request: the budget of differential privacy is spent."""

    def __init__(self, scope: Scope, form: FilterForm, message: str) -> None:
        super().__init__(message)
        self.scope, self.form, self.message = scope, form, message


def _release(request: AuthenticatedHttpRequest) -> tuple[Scope, Release | None, FilterForm]:
    """The gate, the filters and the published release (None when a filter is wrong).

    Raises `_Refused` when the release would be new and the privacy budget is spent.
    """
    scopes = scopes_for(request.user)
    if not scopes:
        raise Http404
    form = FilterForm(request.GET or None, scopes=list(scopes))
    if request.GET and not form.is_valid():
        return get_scope_for(request.user, None), None, form
    data = form.cleaned_data if request.GET else {}
    scope = get_scope_for(request.user, data.get("scope") or None)
    filters = form.filters() if request.GET else Filters()
    try:
        return scope, build_release(scope, filters, actor=request.user), form
    except PrivacyBudgetSpent as refusal:
        raise _Refused(scope, form, " ".join(refusal.messages)) from None


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    if is_regional_node():
        return _regional_node(request)
    try:
        scope, release, form = _release(request)
    except _Refused as refused:
        context = {"form": refused.form, "refused": refused.message}
        return render(request, "web/stats/dashboard.html", context, status=409)
    if release is None:
        return render(request, "web/stats/dashboard.html", {"form": form}, status=400)
    own_flags, flags_withheld = _own_flags(request, scope, release)
    series = []
    if scope.kind in {COUNTRY, REGION}:
        series = [(s.name, surges_for(s.name)["flags"]) for s in all_series()]
    context = {
        "form": form,
        "scope": scope,
        "panels": exports.panels(release),
        "k": release.k,
        "as_of": release.as_of,
        "privacy": release.privacy,
        "query": request.GET.urlencode(),
        "own_flags": own_flags,
        "flags_withheld": flags_withheld,
        "series": series,
    }
    return render(request, "web/stats/dashboard.html", context)


def _own_flags(
    request: AuthenticatedHttpRequest, scope: Scope, shown: Release
) -> tuple[object, bool]:
    """The surge flags of the scope's own screenings (none for an agency), and whether they
    were withheld.

    With differential privacy on they read the unfiltered release of the scope (the page's
    own when it has no filters: neither spent nor counted again); when that release would be
    new and the budget cannot pay, the page still shows its own figures, and says the flags
    are withheld rather than showing none as if nothing had surged.
    """
    if scope.kind == AGENCY:
        return [], False
    try:
        flags = surges_for("node-screenings", scope, actor=request.user, shown=shown)["flags"]
        return flags, False
    except PrivacyBudgetSpent:
        return [], True


def _regional_node(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The regional picture of one month (default: the newest received), country by country."""
    scope = get_scope_for(request.user, None)
    if scope.kind != REGION:
        raise Http404
    periods = received_periods()
    form = PeriodForm(request.GET or None, periods=periods)
    if request.GET and not form.is_valid():
        context = {"form": form, "periods": periods, "received": []}
        return render(request, "web/stats/regional.html", context, status=400)
    period = (form.cleaned_data.get("period") if request.GET else "") or next(iter(periods), "")
    received = latest_releases(period) if period else []
    # Each release's disclosure control, in the order of the panels' columns (one per release).
    privacy = [sent_privacy(r) for r in received]
    context = {
        "form": PeriodForm(initial={"period": period}, periods=periods),
        "periods": periods,
        "received": received,
        "rows": list(zip(received, privacy, strict=True)),
        "privacy": privacy,
        "any_noise": any(p is not None for p in privacy),
        "panels": regional_panels(received),
        "k": stats_k(),
    }
    return render(request, "web/stats/regional.html", context)


@login_required
def table_csv(request: AuthenticatedHttpRequest, table_id: str, flavour: str) -> HttpResponse:
    try:
        scope, release, form = _release(request)
    except _Refused as refused:
        return HttpResponse(refused.message, status=409, content_type="text/plain")
    if release is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    table = next((t for t in release.tables if t.spec.id == table_id), None)
    if table is None or flavour not in {"csv", "hxl"}:
        raise Http404
    body = exports.to_csv(table, hxl=flavour == "hxl")
    record_download(
        actor=request.user, scope=scope, filters=release.filters, fmt=flavour, tables=[table_id]
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    suffix = "-hxl" if flavour == "hxl" else ""
    response["Content-Disposition"] = f'attachment; filename="{table_id}{suffix}.csv"'
    return response


@login_required
def report_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        scope, release, form = _release(request)
    except _Refused as refused:
        return HttpResponse(refused.message, status=409, content_type="text/plain")
    if release is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    context = {"scope_label": SCOPE_LABELS[scope.kind], "filters": release.filters}
    pdf = exports.to_pdf(release, context)
    record_download(
        actor=request.user,
        scope=scope,
        filters=release.filters,
        fmt="pdf",
        tables=[t.spec.id for t in release.tables],
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="amparo-statistics.pdf"'
    return response
