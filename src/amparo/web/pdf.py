"""Case summary PDF (WeasyPrint), in the reader's language, with only what their role may see."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from weasyprint import CSS, HTML

from amparo.accounts.models import User
from amparo.casework.enums import ClosureReason, TaskStatus
from amparo.casework.models import CasePlan
from amparo.people.domain.queries import person_fields_for
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction

PDF_CSS = Path(__file__).resolve().parent / "static" / "web" / "pdf.css"


def render_case_summary(user: User, case: Case) -> bytes:
    """Render the summary and record the export. Effects: a `case.pdf_exported` audit event."""
    person = person_fields_for(user, case)
    context = {
        "case": case,
        "person": person.values,
        "fields": person,
        "plan": CasePlan.objects.filter(case=case).prefetch_related("goals__actions").first(),
        "tasks": list(case.tasks.filter(status=TaskStatus.OPEN)),
        "consents": list(case.consents.select_related("recipient")),
        "closure_reason": ClosureReason(case.closure_reason).label if case.closure_reason else "",
        "generated_at": timezone.now(),
        "reader": user.username,
        "language": get_language(),
    }
    html = render_to_string("web/casework/summary_pdf.html", context)
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PDF_CSS))])
    payload = {"language": get_language() or "", "labels": sorted(person.labels)}
    record_event(AuditAction.CASE_PDF_EXPORTED, actor=user, subject=case, payload=payload)
    return bytes(pdf or b"")
