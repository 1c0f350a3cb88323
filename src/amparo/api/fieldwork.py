"""Field collection endpoints, mounted at /api/fieldwork: import KoboToolbox or ODK
submissions as screenings, the HTCDS export, and the webhook deliveries.

The same domain functions as the command line: `import_submissions` (which saves through
`submit_screening`, like the screening form), `read_htcds_cases`, `deliveries_visible_to`. A
caller who may not do something gets 404, as for an object outside their scope.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import translation
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import Agency
from amparo.fieldwork.domain.htcds import read_htcds_cases
from amparo.fieldwork.domain.submissions import import_submissions
from amparo.fieldwork.domain.webhooks import administered_agencies, deliveries_visible_to
from amparo.fieldwork.interfaces.forms import MAX_UPLOAD_BYTES
from amparo.fieldwork.interfaces.htcds import htcds_csv
from amparo.fieldwork.interfaces.submissions import (
    SubmissionFileError,
    guess_format,
    read_submissions,
)
from amparo.screening.domain.queries import screening_agency_for

router = Router(tags=["fieldwork"])

Format = Literal["kobo-json", "odk-csv"]
Lang = Literal["es", "en", "fr"]
MAX_UPLOAD = MAX_UPLOAD_BYTES  # the same limit as the page


class RowOut(Schema):
    where: str
    instance_id: str
    outcome: Literal["imported", "duplicate", "refused"]
    screening: int | None
    field: str
    message: str


class ImportOut(Schema):
    imported: int
    duplicate: int
    refused: int
    rows: list[RowOut]


class FileErrorOut(Schema):
    detail: str


class DeliveryOut(Schema):
    event_id: str
    event: str
    partner: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None


def _agency(request: AuthenticatedHttpRequest, code: str | None) -> Agency:
    if code is None:
        agency = screening_agency_for(request.user)
    else:
        agency = Agency.objects.filter(
            code=code, memberships__user=request.user, memberships__active=True
        ).first()
    if agency is None:
        raise Http404
    return agency


@router.post("/submissions", response={200: ImportOut, 422: FileErrorOut})
def import_submissions_endpoint(
    request: AuthenticatedHttpRequest,
    file: File[UploadedFile],
    format: Form[Format | None] = None,
    agency: Form[str | None] = None,
    lang: Form[Lang] = "es",
) -> Status[ImportOut | FileErrorOut]:
    """Import a KoboToolbox JSON or ODK Central CSV export as screenings of the caller's agency
    (or `agency`, one the caller works at): one row per submission, imported, skipped as a
    duplicate of an instance id already imported, or refused naming its line and field (and
    nothing of it saved). 422 when the file as a whole cannot be read."""
    target = _agency(request, agency)
    name = file.name or "upload"
    source = format or guess_format(name)
    with translation.override(lang):
        if (file.size or 0) > MAX_UPLOAD:
            return Status(422, FileErrorOut(detail=f"{name}: larger than {MAX_UPLOAD} bytes"))
        try:
            submissions = read_submissions(name, file.read(), source)
            report = import_submissions(
                submissions, actor=request.user, agency=target, source=source, lang=lang
            )
        except SubmissionFileError as error:
            return Status(422, FileErrorOut(detail=str(error)))
        except PermissionDenied:
            raise Http404 from None
    rows = [
        RowOut(
            where=row.where,
            instance_id=row.instance_id,
            outcome=row.outcome,  # type: ignore[arg-type]
            screening=row.screening_id,
            field=row.field,
            message=row.message,
        )
        for row in report.rows
    ]
    counts = {name: report.count(name) for name in ("imported", "duplicate", "refused")}
    return Status(200, ImportOut(**counts, rows=rows))


@router.get("/htcds.csv")
def htcds_export(
    request: AuthenticatedHttpRequest, publication: bool = False, recipient: str | None = None
) -> HttpResponse:
    """Trafficking cases as HTCDS CSV: for a named `recipient` (cases whose person consented
    to sharing with it), or `publication=true` (k-anonymised, k = 11). Supervisors and national
    focal points only (404 for anyone else)."""
    target = Agency.objects.filter(code=recipient).first() if recipient else None
    if recipient and target is None:
        raise Http404
    if publication == (target is not None):
        raise Http404
    try:
        items = read_htcds_cases(actor=request.user, publication=publication, recipient=target)
    except PermissionDenied:
        raise Http404 from None
    text, dropped = htcds_csv(items, publication=publication)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="htcds.csv"'
    response["X-Amparo-Rows-Left-Out"] = str(dropped)
    return response


@router.get("/webhooks/deliveries", response=list[DeliveryOut])
def list_deliveries(
    request: AuthenticatedHttpRequest, limit: int = 100, offset: int = 0
) -> list[DeliveryOut]:
    """The deliveries of the webhooks of the agencies the caller administers, newest first
    (404 for a caller who administers none)."""
    if not administered_agencies(request.user):
        raise Http404
    page = deliveries_visible_to(request.user)[max(0, offset) : max(0, offset) + min(limit, 500)]
    return [
        DeliveryOut(
            event_id=str(d.event_id),
            event=d.event,
            partner=d.webhook.partner.code,
            status=d.status,
            attempts=d.attempts,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            created_at=d.created_at,
            next_attempt_at=d.next_attempt_at if d.status == "pending" else None,
        )
        for d in page
    ]
