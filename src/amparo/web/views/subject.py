"""The data subject's rights, under the case: the subject-access export (JSON, and PDF in
the person's language), the link to rectification (the normal edit page), and the request
to erase, which a supervisor approves on the approvals page. Gated like the case, and to case
managers and supervisors of its agency: 404 for anyone else."""

import json
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from weasyprint import CSS, HTML

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.casework.domain.subject import get_subject_case_for, request_erasure, subject_access

PDF_CSS = Path(__file__).resolve().parent.parent / "static" / "web" / "pdf.css"
# The languages the export can be printed in: those of the interface's catalogues. Haitian
# Creole and Portuguese come when their catalogues exist.
PDF_LANGUAGES = (("es", "Español"), ("en", "English"), ("fr", "Français"))


def _pdf_language(request: AuthenticatedHttpRequest, languages: list[str]) -> str:
    """The language asked for, else the person's first language printable, else Spanish."""
    codes = [code for code, _name in PDF_LANGUAGES]
    asked = request.GET.get("lang", "")
    if asked in codes:
        return asked
    return next((lang for lang in languages if lang in codes), "es")


@login_required
@require_http_methods(["GET", "POST"])
def subject_rights(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = get_subject_case_for(user, case_id)
    if request.method == "POST":
        try:
            request_erasure(case, actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The erasure request is recorded: a supervisor must approve it.")
            )
        return redirect("web:subject_rights", case_id=case.pk)
    context = {"case": case, "pdf_languages": PDF_LANGUAGES}
    return render(request, "web/subject/rights.html", context)


@login_required
@require_safe
def subject_export_json(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    export = subject_access(request.user, case_id, fmt="json", language="")
    body = {
        "case": export.case.reference,
        "cases": export.cases,
        "person": export.person,
        "records": {section.model: section.rows for section in export.sections},
        "generated_at": timezone.now().isoformat(),
    }
    text = json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    filename = f"{export.case.reference}-subject-access.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def subject_export_pdf(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = get_subject_case_for(user, case_id)
    language = _pdf_language(request, list(case.person.languages))
    with translation.override(language):
        export = subject_access(user, case_id, fmt="pdf", language=language)
        context = {
            "export": export,
            "language": language,
            "generated_at": timezone.now(),
            "reader": user.username,
        }
        html = render_to_string("web/subject/export_pdf.html", context)
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PDF_CSS))])
    response = HttpResponse(bytes(pdf or b""), content_type="application/pdf")
    filename = f"{case.reference}-subject-access-{language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
