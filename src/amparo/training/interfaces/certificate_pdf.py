"""The certificate as a PDF (WeasyPrint), in the reader's language."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import get_language
from weasyprint import CSS, HTML

from amparo.accounts.models import User
from amparo.protection.domain.audit import record_event
from amparo.training.enums import TrainingAuditAction
from amparo.training.models import Certificate, localised

CERTIFICATE_CSS = Path(__file__).resolve().parent / "certificate.css"


def render_certificate_pdf(certificate: Certificate, *, actor: User, verify_url: str) -> bytes:
    """Render the certificate: name, course, date, verification code and address.

    Effect: records `training.certificate_exported`.
    """
    context = {
        "certificate": certificate,
        "course_title": localised(certificate.course.title),
        "verify_url": verify_url,
        "language": get_language(),
    }
    html = render_to_string("training/certificate_pdf.html", context)
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(CERTIFICATE_CSS))])
    record_event(
        TrainingAuditAction.CERTIFICATE_EXPORTED,
        actor=actor,
        subject=certificate,
        payload={"language": get_language() or ""},
    )
    return bytes(pdf or b"")
