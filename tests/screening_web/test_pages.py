"""The screening pages: the form (with and without JavaScript), the explained result, the
officer's review and attaching the result to a case."""

import re
from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django import Settings

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.screening.domain.screenings import decide_profiles
from amparo.screening.models import Screening, ScreeningStatus
from amparo.screening.protocol import load_protocol

pytestmark = pytest.mark.django_db

VERSION = load_protocol("rcm-2013").version


def _form(**answers: str | list[str]) -> dict[str, object]:
    """A submission of the form: the protocol version and the given answers."""
    return {"protocol_version": VERSION, **answers}


CHILD_ALONE = _form(
    age_years="15",
    sex="male",
    nationality="GT",
    country_of_identification="MX",
    travelling_alone="yes",
    fear_of_return="no",
)


def _checked(body: str, name: str, value: str) -> bool:
    pattern = rf'<input type="radio" name="{name}" value="{value}"[^>]*\bchecked\b'
    return re.search(pattern, body) is not None


# --- The form ---------------------------------------------------------------------------------


def test_the_form_shows_every_section_with_yes_no_questions_on_unknown(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    response = login(mx_caseworker).get("/screening/new/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="section"') == 7
    assert _checked(body, "immediate_danger", "unknown")
    assert _checked(body, "travelling_alone", "unknown")
    assert 'name="crimes_in_transit" value="robbery"' in body  # a list as checkboxes
    assert 'type="number" name="age_years"' in body
    assert '<option value="MX" selected>' in body  # the agency's country, to start with
    assert 'name="accompanying_adult_relationship"' not in body  # shows only if not alone
    assert "data-draft-restore" in body
    assert f'data-draft-key="{mx_caseworker.pk}.rcm-2013"' in body


def test_the_form_keeps_to_a_strict_content_security_policy(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    response = login(mx_caseworker).get("/screening/new/")
    body = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "style=" not in body
    assert "hx-on" not in body
    assert re.search(r"<script(?![^>]*\bsrc=)", body) is None  # no inline script
    assert """content='{"allowEval":false,"includeIndicatorStyles":false}'""" in body


def test_the_questions_that_apply_refresh_with_the_answers_given(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    client = login(mx_caseworker)
    accompanied = client.post("/screening/questions/", _form(travelling_alone="no"))
    body = accompanied.content.decode()
    assert accompanied.status_code == 200
    assert body.startswith('<div id="screening-questions">')
    assert 'name="accompanying_adult_relationship"' in body
    assert _checked(body, "travelling_alone", "no")
    alone = client.post("/screening/questions/", _form(travelling_alone="yes"))
    assert 'name="accompanying_adult_relationship"' not in alone.content.decode()
    assert Screening.objects.count() == 0


def test_without_javascript_a_button_shows_the_questions_that_apply(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    response = login(mx_caseworker).post(
        "/screening/new/", {**_form(travelling_alone="no"), "refresh": "1"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="accompanying_adult_relationship"' in body
    assert 'role="alert"' not in body
    assert "data-draft-restore" not in body  # what the server shows is newer than a draft
    assert Screening.objects.count() == 0


def test_submitting_saves_the_screening_and_shows_the_explained_result(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    client = login(mx_caseworker)
    response = client.post("/screening/new/", CHILD_ALONE)
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/screening/{screening.pk}/"
    assert screening.answers == {
        "age_years": 15,
        "sex": "male",
        "nationality": "GT",
        "country_of_identification": "MX",
        "travelling_alone": True,
        "fear_of_return": False,
    }
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="profile-unaccompanied_child"' in body
    assert "Niña, niño o adolescente no acompañado" in body  # the protocol's Spanish label
    assert "Notifique de inmediato a la autoridad de protección de la niñez" in body
    assert "urgency-urgent" in body
    assert "Consulates of Guatemala in Mexico" in body or "Consulados de Guatemala" in body
    assert f'data-clear-draft="{mx_caseworker.pk}.rcm-2013"' in body
    again = client.get(response["Location"]).content.decode()
    assert "data-clear-draft" not in again  # only right after submitting


def test_answers_to_questions_that_do_not_apply_are_not_saved(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    answers = {**CHILD_ALONE, "accompanying_adult_relationship": "parent"}
    login(mx_caseworker).post("/screening/new/", answers)
    assert "accompanying_adult_relationship" not in Screening.objects.get().answers


def test_bad_input_comes_back_with_the_field_named_and_nothing_lost(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    response = login(mx_caseworker).post("/screening/new/", {**CHILD_ALONE, "age_years": "150"})
    body = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#q-age_years">' in body
    assert 'value="150"' in body
    assert '<option value="GT" selected>' in body
    assert _checked(body, "travelling_alone", "yes")
    assert Screening.objects.count() == 0


def test_a_form_from_an_unknown_protocol_version_is_refused(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    response = login(mx_caseworker).post("/screening/new/", {"protocol_version": "9.9"})
    assert response.status_code == 400
    assert Screening.objects.count() == 0


def test_someone_who_works_no_cases_cannot_screen(
    login: Callable[[User], Client], trainer: User
) -> None:
    client = login(trainer)
    assert client.get("/screening/new/").status_code == 404
    assert client.post("/screening/new/", CHILD_ALONE).status_code == 404
    assert client.post("/screening/questions/", CHILD_ALONE).status_code == 404
    assert Screening.objects.count() == 0


def test_a_deployment_that_requires_training_sends_the_untrained_to_it_first(
    settings: Settings, login: Callable[[User], Client], mx_caseworker: User
) -> None:
    settings.AMPARO_REQUIRE_TRAINING_FOR_SCREENING = True
    client = login(mx_caseworker)
    response = client.get("/screening/new/")
    assert response.status_code == 403
    assert "identificación" in response.content.decode().lower()
    assert client.post("/screening/new/", CHILD_ALONE).status_code == 403
    assert Screening.objects.count() == 0


# --- The review -------------------------------------------------------------------------------


def test_rejecting_without_a_reason_comes_back_with_the_field_named(
    login: Callable[[User], Client], mx_caseworker: User, mx_screening: Screening
) -> None:
    url = f"/screening/{mx_screening.pk}/decide/"
    response = login(mx_caseworker).post(url, {"decision_unaccompanied_child": "reject"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_reason_unaccompanied_child"' in body
    assert _checked(body, "decision_unaccompanied_child", "reject")
    assert Screening.objects.get().status == ScreeningStatus.SUBMITTED


def test_confirming_every_profile_reviews_the_screening_and_offers_to_attach_it(
    login: Callable[[User], Client], mx_caseworker: User, mx_screening: Screening
) -> None:
    client = login(mx_caseworker)
    url = f"/screening/{mx_screening.pk}/decide/"
    response = client.post(url, {"decision_unaccompanied_child": "confirm"})
    assert response.status_code == 302
    assert response["Location"] == f"/screening/{mx_screening.pk}/#attach"
    assert Screening.objects.get().status == ScreeningStatus.REVIEWED
    body = client.get(f"/screening/{mx_screening.pk}/").content.decode()
    assert 'id="attach"' in body
    assert _checked(body, "decision_unaccompanied_child", "confirm")


def test_a_rejection_with_its_reason_is_saved(
    login: Callable[[User], Client], mx_caseworker: User, mx_screening: Screening
) -> None:
    url = f"/screening/{mx_screening.pk}/decide/"
    data = {"decision_unaccompanied_child": "reject", "reason_unaccompanied_child": "Is 19"}
    assert login(mx_caseworker).post(url, data).status_code == 302
    decision = mx_screening.decisions.get()
    assert (decision.confirmed, decision.reason) == (False, "Is 19")


# --- Attaching --------------------------------------------------------------------------------


def _review(screening: Screening, user: User) -> None:
    decide_profiles(screening, actor=user, decisions={"unaccompanied_child": (True, "")})


def test_the_result_attaches_to_a_case_the_officer_works(
    login: Callable[[User], Client], mx_caseworker: User, mx_screening: Screening, mx_case: Case
) -> None:
    _review(mx_screening, mx_caseworker)
    client = login(mx_caseworker)
    page = client.get(f"/screening/{mx_screening.pk}/").content.decode()
    assert f'<option value="{mx_case.pk}">{mx_case.reference} · ' in page
    url = f"/screening/{mx_screening.pk}/attach/"
    response = client.post(url, {"mode": "existing", "existing-case": str(mx_case.pk)})
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{mx_case.pk}/"
    assert Screening.objects.get().case == mx_case


def test_the_result_attaches_to_a_new_person_and_case(
    login: Callable[[User], Client], mx_caseworker: User, mx_screening: Screening
) -> None:
    _review(mx_screening, mx_caseworker)
    url = f"/screening/{mx_screening.pk}/attach/"
    data = {"mode": "new", "person-given_names": "Brayanfake", "person-sex": "male"}
    response = login(mx_caseworker).post(url, {**data, "person-nationalities": "GT"})
    case = Screening.objects.get().case
    assert case is not None
    assert response["Location"] == f"/cases/{case.pk}/"
    assert (case.person.given_names, case.person.nationalities) == ("Brayanfake", ["GT"])


def test_the_new_person_form_starts_from_what_the_screening_says(
    login: Callable[[User], Client], mx_caseworker: User, mx_screening: Screening
) -> None:
    _review(mx_screening, mx_caseworker)
    body = login(mx_caseworker).get(f"/screening/{mx_screening.pk}/").content.decode()
    assert 'name="person-nationalities" value="GT"' in body
    assert '<option value="male" selected>' in body


def test_bad_attach_input_comes_back_with_the_field_named_and_nothing_attached(
    login: Callable[[User], Client], mx_caseworker: User, mx_screening: Screening, gt_case: Case
) -> None:
    _review(mx_screening, mx_caseworker)
    client = login(mx_caseworker)
    url = f"/screening/{mx_screening.pk}/attach/"
    outside = client.post(url, {"mode": "existing", "existing-case": str(gt_case.pk)})
    assert outside.status_code == 400
    assert gt_case.reference not in outside.content.decode()
    nameless = client.post(url, {"mode": "new", "person-sex": "male", "person-phone": "+52 1"})
    body = nameless.content.decode()
    assert nameless.status_code == 400
    assert 'class="error" role="alert"' in body
    assert 'value="+52 1"' in body
    assert client.post(url, {"mode": "sideways"}).status_code == 400
    assert Screening.objects.get().case is None


def test_an_attached_screening_links_its_case_and_no_longer_offers_changes(
    login: Callable[[User], Client], mx_caseworker: User, mx_screening: Screening, mx_case: Case
) -> None:
    _review(mx_screening, mx_caseworker)
    client = login(mx_caseworker)
    url = f"/screening/{mx_screening.pk}/attach/"
    client.post(url, {"mode": "existing", "existing-case": str(mx_case.pk)})
    body = client.get(f"/screening/{mx_screening.pk}/").content.decode()
    assert f'href="/cases/{mx_case.pk}/"' in body
    assert 'id="decisions"' not in body
    assert 'id="attach"' not in body
    again = client.post(url, {"mode": "existing", "existing-case": str(mx_case.pk)})
    assert again.status_code == 302  # refused with a message, back to the result


# --- The list ---------------------------------------------------------------------------------


def test_the_list_shows_the_screenings_the_user_may_see(
    login: Callable[[User], Client], mx_caseworker: User, mx_screening: Screening
) -> None:
    response = login(mx_caseworker).get("/screening/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="/screening/{mx_screening.pk}/"' in body
    assert 'href="/screening/new/"' in body
