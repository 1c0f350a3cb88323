"""The referral slip: a PDF with the minimum data only, in the reader's language."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from weasyprint import CSS, HTML

from amparo.accounts.models import User
from amparo.people.domain.queries import person_fields_for
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction
from amparo.referrals.domain.minimum_data import fields_for
from amparo.referrals.domain.referrals import shared_data_visible
from amparo.referrals.models import Referral
from amparo.referrals.rules import is_receiver

PDF_CSS = Path(__file__).resolve().parent / "static" / "web" / "pdf.css"


def render_referral_slip(user: User, referral: Referral) -> bytes:
    """Render the slip and record it. Effects: a `case.pdf_exported` audit event (referral)."""
    # The receiving institution reads with its roles there; the sender with hers at the case's.
    agency_id = referral.receiving_agency_id if is_receiver(user, referral) else None
    visible = person_fields_for(user, referral.case, agency_id=agency_id).fields
    shared = referral.shared_data if shared_data_visible(referral) else {}
    context = {
        "referral": referral,
        "data": {key: value for key, value in shared.items() if key in visible},
        "fields": [name for name in fields_for(referral.kind) if name in visible],
        "generated_at": timezone.now(),
        "reader": user.username,
        "language": get_language(),
    }
    html = render_to_string("web/referrals/slip_pdf.html", context)
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PDF_CSS))])
    payload = {"referral": referral.pk, "language": get_language() or ""}
    record_event(AuditAction.CASE_PDF_EXPORTED, actor=user, subject=referral, payload=payload)
    return bytes(pdf or b"")
