"""Statistics dashboards per role: charts, tables, CSV, HXL-tagged CSV and a PDF report.

Every number comes from `stats.domain.tables.build_release`, already suppressed; the gate is
`stats.domain.scope.get_scope_for` (404 for anyone without a statistics role or scope).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import Country
from amparo.people.enums import Sex
from amparo.referrals.enums import ServedProfile
from amparo.stats.domain.queries import all_series, received_aggregates, surges_for
from amparo.stats.domain.scope import (
    COUNTRY,
    REGION,
    SCOPE_LABELS,
    Scope,
    get_scope_for,
    scopes_for,
)
from amparo.stats.domain.tables import Filters, Release, build_release
from amparo.stats.enums import AgeBand
from amparo.stats.interfaces import exports
from amparo.stats.routers import is_regional_node

_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
_FILTERS = ("start", "end", "country", "profile", "sex", "age_band")


class FilterForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), required=False)
    start = forms.RegexField(
        label=gettext_lazy("From (YYYY-MM)"), regex=_MONTH, required=False, max_length=7
    )
    end = forms.RegexField(
        label=gettext_lazy("To (YYYY-MM)"), regex=_MONTH, required=False, max_length=7
    )
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    profile = forms.ChoiceField(
        label=gettext_lazy("Profile"), choices=[("", "—"), *ServedProfile.choices], required=False
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("Sex"), choices=[("", "—"), *Sex.choices], required=False
    )
    age_band = forms.ChoiceField(
        label=gettext_lazy("Age band"), choices=[("", "—"), *AgeBand.choices], required=False
    )

    def __init__(self, *args: object, scopes: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["scope"].choices = [(s, SCOPE_LABELS[s]) for s in scopes]
        countries = [(c.code, c.name) for c in Country.objects.all()]
        self.fields["country"].choices = [("", "—"), *countries]


def _release(request: AuthenticatedHttpRequest) -> tuple[Scope, Release | None, FilterForm]:
    """The gate, the filters and the published release (None when a filter is wrong)."""
    scopes = scopes_for(request.user)
    if not scopes:
        raise Http404
    form = FilterForm(request.GET or None, scopes=list(scopes))
    if request.GET and not form.is_valid():
        return get_scope_for(request.user, None), None, form
    data = form.cleaned_data if request.GET else {}
    scope = get_scope_for(request.user, data.get("scope") or None)
    filters = Filters(**{name: data.get(name, "") for name in _FILTERS})
    return scope, build_release(scope, filters), form


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    if is_regional_node():
        return _regional_node(request)
    scope, release, form = _release(request)
    if release is None:
        return render(request, "web/stats/dashboard.html", {"form": form}, status=400)
    own_flags = surges_for("node-screenings", scope)["flags"] if scope.kind != "agency" else []
    series = []
    if scope.kind in {COUNTRY, REGION}:
        series = [(s.name, surges_for(s.name)["flags"]) for s in all_series()]
    context = {
        "form": form,
        "scope": scope,
        "panels": exports.panels(release),
        "k": release.k,
        "query": request.GET.urlencode(),
        "own_flags": own_flags,
        "series": series,
    }
    return render(request, "web/stats/dashboard.html", context)


def _regional_node(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = get_scope_for(request.user, None)
    if scope.kind != REGION:
        raise Http404
    received = list(received_aggregates()[:50])
    return render(request, "web/stats/regional.html", {"received": received})


@login_required
def table_csv(request: AuthenticatedHttpRequest, table_id: str, flavour: str) -> HttpResponse:
    _scope, release, form = _release(request)
    if release is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    table = next((t for t in release.tables if t.spec.id == table_id), None)
    if table is None or flavour not in {"csv", "hxl"}:
        raise Http404
    body = exports.to_csv(table, hxl=flavour == "hxl")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    suffix = "-hxl" if flavour == "hxl" else ""
    response["Content-Disposition"] = f'attachment; filename="{table_id}{suffix}.csv"'
    return response


@login_required
def report_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope, release, form = _release(request)
    if release is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    context = {"scope_label": SCOPE_LABELS[scope.kind], "filters": release.filters}
    pdf = exports.to_pdf(release, context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="amparo-statistics.pdf"'
    return response
