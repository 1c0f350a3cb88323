"""Certificates: a PDF with the name, the course and the code; a public verification page that
shows only the name, the course and the date."""

import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from amparo.accounts.models import User
from amparo.protection.models import AuditEvent
from amparo.training.models import Course
from tests.pdf import pdf_text
from tests.training_programme.factories import certify


def test_the_certificate_pdf_holds_the_name_the_course_and_the_code(
    course: Course,
    trainer: User,
    mx_trainee: User,
    login_in: Callable[[User, str], Client],
) -> None:
    certificate = certify(trainer, mx_trainee)
    url = reverse("web:training_certificate_pdf", args=[certificate.pk])
    response = login_in(mx_trainee, "en").get(url)
    text = pdf_text(response.content)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert ("Lucía Trainsynth" in text, "Test course" in text, certificate.code in text) == (
        True,
        True,
        True,
    )
    assert f"http://testserver/training/verify/{certificate.code}/" in text
    assert AuditEvent.objects.filter(action="training.certificate_exported").count() == 1


def test_the_trainer_of_the_country_may_print_the_certificate_but_not_another_country(
    course: Course,
    trainer: User,
    mx_trainee: User,
    gt_trainer: User,
    login_in: Callable[[User, str], Client],
) -> None:
    certificate = certify(trainer, mx_trainee)
    url = reverse("web:training_certificate_pdf", args=[certificate.pk])
    assert (
        login_in(trainer, "es").get(url).status_code,
        login_in(gt_trainer, "es").get(url).status_code,
    ) == (
        200,
        404,
    )


def _visible_text(html: str) -> str:
    main = html.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_the_verification_page_shows_only_the_name_the_course_and_the_date_without_login(
    course: Course, trainer: User, mx_trainee: User
) -> None:
    certificate = certify(trainer, mx_trainee)
    certificate.issued_at = certificate.issued_at.replace(year=2026, month=3, day=14, hour=18)
    certificate.save(update_fields=["issued_at"])
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.get(f"/training/verify/{certificate.code}/")
    assert response.status_code == 200
    assert _visible_text(response.content.decode()) == (
        "Certificate verification This certificate is valid. Name Lucía Trainsynth "
        "Course Test course Issued on March 14, 2026"
    )


def test_the_verification_page_hides_country_agency_scores_and_the_code(
    course: Course, trainer: User, mx_trainee: User
) -> None:
    certificate = certify(trainer, mx_trainee)
    html = Client().get(f"/training/verify/{certificate.code}/").content.decode()
    leaks = ["México", "Mexico", "INM", "Instituto Nacional", "100", "lucia.mx", "tomas"]
    # The code is in the page's own address (the language switch returns to it), not its text.
    assert ([leak for leak in leaks if leak in html], certificate.code in _visible_text(html)) == (
        [],
        False,
    )


def test_an_unknown_code_answers_404(course: Course) -> None:
    assert Client().get("/training/verify/not-a-real-code/").status_code == 404
