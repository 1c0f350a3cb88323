"""Field collection pages: the XLSForm of a protocol to download, the import of collected
submissions, the HTCDS export; and for administrators the webhooks (register a partner's
receiver, its secret shown once; disable it) and the list of their deliveries."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import Agency
from amparo.fieldwork.domain.htcds import read_htcds_cases
from amparo.fieldwork.domain.queries import (
    current_protocols,
    importing_agencies,
    may_export_htcds,
)
from amparo.fieldwork.domain.submissions import ImportReport, import_submissions
from amparo.fieldwork.domain.webhooks import (
    administered_agencies,
    deliveries_visible_to,
    disable_webhook,
    get_webhook_for,
    register_webhook,
    webhooks_visible_to,
)
from amparo.fieldwork.formcodec import form_version
from amparo.fieldwork.interfaces.forms import HtcdsForm, ImportForm, WebhookForm, XlsformForm
from amparo.fieldwork.interfaces.htcds import htcds_csv
from amparo.fieldwork.interfaces.submissions import (
    SubmissionFileError,
    guess_format,
    read_submissions,
)
from amparo.fieldwork.interfaces.xlsform import FormEncodingError, write_xlsform
from amparo.lib.datafiles import DataFileError
from amparo.screening.interfaces.forms import protocol_language
from amparo.screening.protocol import ProtocolNotFoundError, load_protocol
from amparo.training.domain.gate import may_submit_live_screenings

DELIVERIES_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The session key of a webhook secret waiting to be shown once, on the page after registering.
_SECRET_TO_SHOW_KEY = "fieldwork.new_webhook_secret"  # noqa: S105 (a session key, not a secret)


def _agencies(request: AuthenticatedHttpRequest) -> list[int]:
    agencies = administered_agencies(request.user)
    if not agencies:
        raise Http404
    return agencies


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhooks(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list and the registration form. A registration redirects (post/redirect/get): the
    new secret waits in the session for the next page, which shows it once and forgets it, so
    a refresh neither registers the webhook again nor shows the secret again."""
    agencies = Agency.objects.filter(pk__in=_agencies(request)).order_by("code")
    form = WebhookForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _webhook, secret = register_webhook(
                actor=request.user,
                agency=data["agency"],
                partner=data["partner"],
                url=data["url"],
                events=list(data["events"]),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            request.session[_SECRET_TO_SHOW_KEY] = secret
            return redirect("web:webhooks")
    context = {
        "form": form,
        "secret": request.session.pop(_SECRET_TO_SHOW_KEY, "") if request.method != "POST" else "",
        "webhooks": webhooks_visible_to(request.user),
    }
    return render(
        request, "web/fieldwork/webhooks.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def webhook_disable(request: AuthenticatedHttpRequest, webhook_id: int) -> HttpResponse:
    webhook = get_webhook_for(request.user, webhook_id)
    disable_webhook(webhook, actor=request.user)
    messages.success(request, _("The webhook is disabled: nothing more will be sent to it."))
    return redirect("web:webhooks")


@login_required
def deliveries(request: AuthenticatedHttpRequest) -> HttpResponse:
    _agencies(request)
    rows = deliveries_visible_to(request.user)[:DELIVERIES_SHOWN]
    return render(request, "web/fieldwork/deliveries.html", {"deliveries": rows})


# --- Field collection: forms to download, imports, the HTCDS export ---------------------------


def _collector(request: AuthenticatedHttpRequest) -> None:
    """404 for staff who neither screen nor export: the pages are not theirs."""
    if not importing_agencies(request.user).exists() and not may_export_htcds(request.user):
        raise Http404


def _protocol_choices() -> list[tuple[str, str]]:
    lang = protocol_language()
    return [(p.id, f"{p.title.get(lang)} ({form_version(p)})") for p in current_protocols()]


def _home(
    request: AuthenticatedHttpRequest,
    *,
    xlsform: XlsformForm | None = None,
    htcds: HtcdsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    exporter = may_export_htcds(request.user)
    context = {
        "xlsform": xlsform or XlsformForm(protocols=_protocol_choices()),
        "htcds": (htcds or HtcdsForm()) if exporter else None,
        "may_import": importing_agencies(request.user).exists(),
        "protocols": current_protocols(),
    }
    return render(request, "web/fieldwork/home.html", context, status=status)


@login_required
@require_safe
def fieldwork_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    _collector(request)
    return _home(request)


@login_required
@require_safe
def xlsform_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The current version of a protocol as an XLSForm (.xlsx), as `amparo screening xlsform`
    writes it; it holds no personal data."""
    _collector(request)
    form = XlsformForm(request.GET, protocols=_protocol_choices())
    if not form.is_valid():
        return _home(request, xlsform=form, status=400)
    out = io.BytesIO()
    try:
        protocol = load_protocol(form.cleaned_data["protocol"])
        write_xlsform(protocol, out, lang=form.cleaned_data["lang"])
    except (ProtocolNotFoundError, DataFileError, FormEncodingError) as error:
        form.add_error("protocol", str(error))
        return _home(request, xlsform=form, status=400)
    name = f"{protocol.id}-{protocol.version}-{form.cleaned_data['lang']}.xlsx"
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def htcds_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Trafficking cases as HTCDS CSV, for publication or one named recipient, through the
    same domain function as `amparo htcds export` (which checks the role and audits)."""
    if not may_export_htcds(request.user):
        raise Http404
    form = HtcdsForm(request.POST)
    if not form.is_valid():
        return _home(request, htcds=form, status=400)
    publication = form.cleaned_data["purpose"] == HtcdsForm.PUBLICATION
    recipient = form.cleaned_data["recipient"]
    try:
        items = read_htcds_cases(actor=request.user, publication=publication, recipient=recipient)
    except PermissionDenied:
        raise Http404 from None
    text, dropped = htcds_csv(items, publication=publication)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="htcds.csv"'
    response["X-Amparo-Rows-Left-Out"] = str(dropped)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def submissions_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a KoboToolbox JSON or ODK Central CSV export and import it as screenings, with
    `import_submissions` as the command and the API do; the page lists every submission's
    outcome. Sending the same file again imports nothing twice (instance ids)."""
    agencies = importing_agencies(request.user)
    if not agencies.exists():
        raise Http404
    if not may_submit_live_screenings(request.user):
        return render(request, "web/screening/training_required.html", status=403)
    form = ImportForm(request.POST or None, request.FILES or None, agencies=agencies)
    report, status = None, 200
    if request.method == "POST":
        report, status = _import(request, form)
    context = {"form": form, "report": report, "counts": _counts(report)}
    return render(request, "web/fieldwork/import.html", context, status=status)


def _import(request: AuthenticatedHttpRequest, form: ImportForm) -> tuple[ImportReport | None, int]:
    if not form.is_valid():
        return None, 400
    upload = form.cleaned_data["file"]
    name = upload.name or "upload"
    source = form.cleaned_data["format"] or guess_format(name)
    try:
        submissions = read_submissions(name, upload.read(), source)
        report = import_submissions(
            submissions,
            actor=request.user,
            agency=form.cleaned_data["agency"],
            source=source,
            lang=protocol_language(),
        )
    except SubmissionFileError as error:
        form.add_error("file", str(error))
        return None, 400
    except PermissionDenied:
        raise Http404 from None
    return report, 200


def _counts(report: ImportReport | None) -> dict[str, int]:
    if report is None:
        return {}
    return {name: report.count(name) for name in ("imported", "duplicate", "refused")}
