"""The case list as a streamed CSV for supervisors: the cases the access gate opens to them,
the person fields their role may read, one audit event per export (who, filters, rows)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import User
from amparo.people.domain.export import (
    ExportFilters,
    cases_to_export,
    person_columns,
    record_case_export,
)
from amparo.people.enums import CaseStatus
from amparo.people.interfaces.case_csv import stream_cases_csv
from amparo.people.rules import may_export_cases


def _date(request: AuthenticatedHttpRequest, name: str) -> dt.date | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            _("%(field)s: %(value)s is not a date (YYYY-MM-DD).") % {"field": name, "value": value}
        ) from None


def _filters(request: AuthenticatedHttpRequest) -> ExportFilters:
    status = request.GET.get("status", "").strip()
    if status and status not in CaseStatus.values:
        raise ValueError(_("status: %(value)s is not a case stage.") % {"value": status})
    return ExportFilters(
        status=status,
        opened_from=_date(request, "opened_from"),
        opened_to=_date(request, "opened_to"),
    )


@login_required
def cases_csv(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    # The reader with their memberships read once: every row asks which fields they may see.
    user = User.objects.prefetch_related("memberships__agency").get(pk=request.user.pk)
    if not may_export_cases(user):
        raise Http404
    try:
        filters = _filters(request)
    except ValueError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    cases = cases_to_export(user, filters)
    record_case_export(user, filters, cases.count(), actor=user)
    columns = person_columns(user)
    response = StreamingHttpResponse(
        stream_cases_csv(user, cases, columns), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="amparo-cases-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
