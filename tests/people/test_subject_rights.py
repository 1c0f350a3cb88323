"""The data subject's rights under the case: a complete export (JSON, and PDF in the person's
language), rectification through the normal edit page, erasure on request once a supervisor
approves; each audited; 404 for anyone outside the case or without the role."""

import html
import json
from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from amparo.accounts.models import User
from amparo.assessment.domain.assessments import FindingInput, record_assessment
from amparo.casework.domain.children import set_guardian
from amparo.casework.domain.lifecycle import decide_approval
from amparo.casework.errors import TransitionNotAllowed
from amparo.casework.models import Approval
from amparo.people.models import Case, Person
from amparo.protection.models import AuditEvent, RetentionTombstone
from amparo.protection.retention.holds import set_legal_hold
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_case(mx_case: Case, mx_caseworker: User) -> Case:
    set_guardian(mx_case, actor=mx_caseworker, name="Tutorafake", relationship="legal_guardian")
    record_assessment(
        mx_case,
        actor=mx_caseworker,
        kind="individual",
        findings=[FindingInput("isolation", "risk", evidence="Evidencefake", source="observation")],
        concern_level="low",
        justification="Justificationfake",
    )
    return mx_case


def _actions() -> list[str]:
    return list(AuditEvent.objects.values_list("action", flat=True))


def test_the_json_export_holds_everything_about_the_person_and_is_audited(
    login: Callable[[User], Client], mx_caseworker: User, full_case: Case
) -> None:
    url = reverse("web:subject_export_json", args=[full_case.pk])
    response = login(mx_caseworker).get(url)
    body = json.loads(response.content)
    assert (response.status_code, body["person"]["given_names"], body["cases"]) == (
        200,
        "Xiomarafake",
        [full_case.reference],
    )
    assert body["person"]["documents"] == [
        {"type": "passport", "number": "HX1234567", "country": "HN"}
    ]
    assert body["records"]["casework.guardian"][0]["name"] == "Tutorafake"
    assert body["records"]["assessment.factorfinding"][0]["evidence"] == "Evidencefake"
    assert body["records"]["assessment.factorfinding"][0]["factor_code"] == "isolation"
    assert "factor_key" not in body["records"]["assessment.factorfinding"][0]
    event = AuditEvent.objects.filter(action="subject.access_exported").get()
    assert event.payload == {"cases": [full_case.pk], "format": "json", "language": ""}


@pytest.mark.parametrize(
    ("lang", "title"),
    [("es", "Todo lo que se guarda"), ("en", "Everything held about you"), ("fr", "Tout ce")],
)
def test_the_pdf_export_is_in_the_language_asked(
    login: Callable[[User], Client], mx_caseworker: User, full_case: Case, lang: str, title: str
) -> None:
    url = reverse("web:subject_export_pdf", args=[full_case.pk]) + f"?lang={lang}"
    response = login(mx_caseworker).get(url)
    text = pdf_text(response.content)
    assert (response.status_code, "Xiomarafake" in text, "Tutorafake" in text) == (200, True, True)
    if lang == "en":  # es and fr wait for the lead's translations of the new strings
        assert title in text
    event = AuditEvent.objects.filter(action="subject.access_exported").get()
    assert event.payload["language"] == lang


def test_the_pdf_defaults_to_the_persons_language(
    login: Callable[[User], Client], mx_caseworker: User, full_case: Case
) -> None:
    Person.objects.filter(pk=full_case.person_id).update(languages=["ht", "fr"])
    login(mx_caseworker).get(reverse("web:subject_export_pdf", args=[full_case.pk]))
    assert (
        AuditEvent.objects.filter(action="subject.access_exported").get().payload["language"]
        == "fr"
    )


def test_the_page_links_to_rectification_and_the_exports(
    login: Callable[[User], Client], mx_caseworker: User, full_case: Case
) -> None:
    response = login(mx_caseworker).get(reverse("web:subject_rights", args=[full_case.pk]))
    body = response.content.decode()
    assert reverse("web:person_edit", args=[full_case.pk]) in body
    assert reverse("web:subject_export_json", args=[full_case.pk]) in body


@pytest.mark.parametrize("who", ["gt_caseworker", "trainer"])
def test_outsiders_and_other_roles_get_404_everywhere(
    login: Callable[[User], Client], full_case: Case, who: str, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(who))
    for name in ("subject_rights", "subject_export_json", "subject_export_pdf"):
        url = reverse(f"web:{name}", args=[full_case.pk])
        assert (name, client.get(url).status_code) == (name, 404)
    assert client.post(reverse("web:subject_rights", args=[full_case.pk])).status_code == 404
    assert AuditEvent.objects.filter(action__startswith="subject.").count() == 0


def _in_spanish(message: str) -> str:
    """The message as the Spanish-speaking case manager reads it (her language is es)."""
    with translation.override("es"):
        return html.escape(gettext(message))


def _text(response: HttpResponse) -> str:
    return response.content.decode()


def _closed(case: Case) -> Case:
    Case.objects.filter(pk=case.pk).update(status="closed", closure_reason="person_chose_to_stop")
    case.refresh_from_db()
    return case


def test_erasure_waits_for_a_supervisor_then_anonymises(
    login: Callable[[User], Client], mx_caseworker: User, mx_supervisor: User, full_case: Case
) -> None:
    case = _closed(full_case)
    response = login(mx_caseworker).post(reverse("web:subject_rights", args=[case.pk]))
    assert response.status_code == 302
    approval = Approval.objects.get(kind="erasure")
    assert Person.objects.get().given_names == "Xiomarafake"  # nothing erased yet
    decide_approval(approval, actor=mx_supervisor, approve=True, expected_version=case.version)
    person = Person.objects.get()
    assert (person.given_names, person.phone, person.documents) == ("", "", None)
    assert case.guardian.__class__.objects.get(case=case).name == ""
    assert RetentionTombstone.objects.get().rule == "subject-request"
    assert [a for a in _actions() if a.startswith("subject.")] == [
        "subject.erasure_requested",
        "subject.erased",
    ]


def test_erasure_is_refused_for_an_open_or_held_case(
    login: Callable[[User], Client], mx_caseworker: User, mx_supervisor: User, full_case: Case
) -> None:
    client = login(mx_caseworker)
    url = reverse("web:subject_rights", args=[full_case.pk])
    response = client.post(url, follow=True)
    assert _in_spanish("Close the case before erasing the person's data.") in _text(response)
    case = _closed(full_case)
    set_legal_hold(case, actor=mx_supervisor, reason="Synthetic proceedings")
    response = client.post(url, follow=True)
    held = "The case is under legal hold: nothing can be erased."
    assert _in_spanish(held) in _text(response)
    assert Approval.objects.filter(kind="erasure").count() == 0


def test_a_supervisor_cannot_approve_an_erasure_they_requested(
    login: Callable[[User], Client], mx_supervisor: User, full_case: Case
) -> None:
    case = _closed(full_case)
    login(mx_supervisor).post(reverse("web:subject_rights", args=[case.pk]))
    approval = Approval.objects.get(kind="erasure")
    with pytest.raises(TransitionNotAllowed):
        decide_approval(approval, actor=mx_supervisor, approve=True, expected_version=case.version)
    assert Person.objects.get().given_names == "Xiomarafake"
    assert Approval.objects.get(kind="erasure").decision == "pending"
