"""Certificates: the PDF for its holder or their trainer, and the public verification page.

The verification page needs no sign-in: whoever holds the code sees the name, the course and
the date, and nothing else; an unknown code answers 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.training.domain import queries
from amparo.training.interfaces.certificate_pdf import render_certificate_pdf
from amparo.training.models import localised
from amparo.web.views.training.common import studying_user


@login_required
@require_safe
def certificate_pdf(request: AuthenticatedHttpRequest, certificate_id: int) -> HttpResponse:
    studying_user(request)
    certificate = queries.get_certificate_for(request.user, certificate_id)
    url = request.build_absolute_uri(reverse("web:training_verify", args=[certificate.code]))
    pdf = render_certificate_pdf(certificate, actor=request.user, verify_url=url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.pk}.pdf"'
    return response


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: the certificate's name, course and date for a valid code, else 404."""
    certificate = queries.certificate_by_code(code)
    context = {
        "name": certificate.name,
        "course_title": localised(certificate.course.title),
        "issued_on": certificate.issued_at,
    }
    response = render(request, "web/training/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
