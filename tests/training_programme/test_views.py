"""Training pages: each page's happy path, its refusals, and what it keeps from whom."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from amparo.accounts.models import User
from amparo.people.models import Case, Person
from amparo.screening.models import Screening
from amparo.training.models import (
    CohortMember,
    Course,
    LessonCompletion,
    PracticeAttempt,
    PracticeCase,
    QuizAttempt,
    TrainingSession,
)
from tests.training_programme.factories import (
    attempt,
    cohort_with,
    module,
    practise,
    session_for,
    trainee,
)

type LoginIn = Callable[[User, str], Client]


def test_the_home_page_lists_the_course_with_my_progress(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    attempt(mx_trainee, "identification")
    html = login_in(mx_trainee, "en").get("/training/").content.decode()
    assert ("Test course" in html, "1 of 2 modules passed" in html, "Cohorts" in html) == (
        True,
        True,
        False,
    )


def test_a_lesson_is_rendered_safely_in_the_reader_language(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    lesson = module("identification").lessons.get()
    spanish = login_in(mx_trainee, "es").get(f"/training/lessons/{lesson.pk}/").content.decode()
    english = login_in(mx_trainee, "en").get(f"/training/lessons/{lesson.pk}/").content.decode()
    assert "<h2>Qué es un perfil</h2>" in spanish
    assert (
        "alert(" in spanish,
        "onerror" in spanish,
        "<td>Niña no acompañada</td>" in spanish,
    ) == (
        False,
        False,
        True,
    )
    assert "<h2>What a profile is</h2>" in english


def test_marking_a_lesson_read_records_it(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    lesson = module("referral").lessons.get()
    response = login_in(mx_trainee, "en").post(f"/training/lessons/{lesson.pk}/done/")
    assert (response.status_code, LessonCompletion.objects.filter(trainee=mx_trainee).count()) == (
        302,
        1,
    )


def test_taking_a_quiz_through_the_form_records_a_graded_attempt(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    url = reverse("web:training_quiz", args=[module("identification").pk])
    client = login_in(mx_trainee, "en")
    form = client.get(url).content.decode()
    response = client.post(url, {"q1": "0", "q2": "true"})
    found = QuizAttempt.objects.get()
    assert ("Who decides a person's profile?" in form, response["Location"]) == (
        True,
        f"/training/attempts/{found.pk}/",
    )
    page = client.get(response["Location"]).content.decode()
    assert (found.score, found.passed, "Right: the result is preliminary." in page) == (
        100.0,
        True,
        True,
    )


def test_a_multiple_answer_and_essay_quiz_waits_for_the_trainer(
    course: Course, mx_trainee: User, trainer: User, login_in: LoginIn
) -> None:
    url = reverse("web:training_quiz", args=[module("referral").pk])
    login_in(mx_trainee, "es").post(url, {"q1": ["0"], "q2": "Pregunto y explico."})
    found = QuizAttempt.objects.get()
    essays = login_in(trainer, "en").get("/training/essays/").content.decode()
    answer = found.answers.get(position=2)
    response = login_in(trainer, "en").post(
        f"/training/essays/{answer.pk}/grade/", {"percent": "80", "comment": "Bien."}
    )
    found.refresh_from_db()
    assert (f"/training/essays/{answer.pk}/grade/" in essays, response.status_code) == (True, 302)
    assert (found.status, found.score, found.passed) == ("graded", 65.0, True)


def test_a_bad_quiz_response_comes_back_with_its_problem(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    url = reverse("web:training_quiz", args=[module("identification").pk])
    response = login_in(mx_trainee, "en").post(url, {"q1": "7"})
    assert (response.status_code, QuizAttempt.objects.count()) == (400, 0)


def test_a_practice_case_is_worked_in_the_screening_questions_without_touching_the_registry(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    case = PracticeCase.objects.get()
    url = reverse("web:training_practice", args=[case.pk])
    client = login_in(mx_trainee, "en")
    page = client.get(url).content.decode()
    before = (Person.objects.count(), Case.objects.count(), Screening.objects.count())
    data = {
        "protocol_version": "1.0",
        "age_years": "15",
        "travelling_alone": "yes",
        "fear_of_return": "yes",
        "nationality": "HN",
        "country_of_identification": "MX",
        "choice-referral_kinds": ["child_protection", "refugee_commission"],
        "choice-legal_basis": "vital_interest",
    }
    response = client.post(url, data)
    found = PracticeAttempt.objects.get()
    report = client.get(response["Location"]).content.decode()
    assert ('name="age_years"' in page, "A <strong>15-year-old</strong> Honduran boy" in page) == (
        True,
        True,
    )
    assert (Person.objects.count(), Case.objects.count(), Screening.objects.count()) == before
    assert (found.score, "Every profile is right." in report) == (100.0, True)


def test_the_practice_page_offers_return_and_tracing_and_shows_the_red_line_it_crosses(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    url = reverse("web:training_practice", args=[PracticeCase.objects.get().pk])
    client = login_in(mx_trainee, "en")
    page = client.get(url).content.decode()
    data = {
        "protocol_version": "1.0",
        "age_years": "15",
        "travelling_alone": "yes",
        "fear_of_return": "yes",
        "nationality": "HN",
        "country_of_identification": "MX",
        "choice-referral_kinds": ["child_protection", "refugee_commission", "return_reintegration"],
        "choice-legal_basis": "vital_interest",
    }
    response = client.post(url, data)
    report = client.get(response["Location"]).content.decode()
    assert 'value="return_reintegration"' in page
    assert 'value="family_tracing"' in page
    assert PracticeAttempt.objects.get().score == 0.0
    assert "Case failed: a red line was crossed" in report
    assert "Red line: you chose Assisted voluntary return and reintegration for a child" in report


@pytest.mark.parametrize("lang", ["es", "en", "fr"])
def test_the_practice_choices_are_accepted_in_every_language(
    course: Course, mx_trainee: User, login_in: LoginIn, lang: str
) -> None:
    """The choices' values are codes: the same post works whatever the page's language."""
    url = reverse("web:training_practice", args=[PracticeCase.objects.get().pk])
    client = login_in(mx_trainee, lang)
    assert 'value="family_tracing"' in client.get(url).content.decode()
    data = {
        "protocol_version": "1.0",
        "age_years": "15",
        "travelling_alone": "yes",
        "country_of_identification": "MX",
        "choice-referral_kinds": ["child_protection", "family_tracing"],
        "choice-legal_basis": "vital_interest",
    }
    assert client.post(url, data).status_code == 302
    found = PracticeAttempt.objects.get()
    assert [line["code"] for line in found.report["red_lines"]] == ["family_tracing"]


def test_the_practice_refresh_shows_the_questions_that_now_apply(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    url = reverse("web:training_practice", args=[PracticeCase.objects.get().pk])
    data = {"protocol_version": "1.0", "fear_of_return": "yes", "refresh": "1"}
    html = login_in(mx_trainee, "en").post(url, data).content.decode()
    assert ('name="persecution_grounds"' in html, PracticeAttempt.objects.count()) == (True, 0)


def test_the_practice_report_explains_what_was_missed(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    found = practise(mx_trainee)
    html = (
        login_in(mx_trainee, "en").get(f"/training/practice/attempts/{found.pk}/").content.decode()
    )
    assert ("Person in need of international protection" in html, "Refugee commission" in html) == (
        True,
        True,
    )


def test_a_trainer_creates_a_cohort_and_adds_a_representative(
    course: Course, trainer: User, mx_trainee: User, login_in: LoginIn
) -> None:
    client = login_in(trainer, "en")
    response = client.post(
        "/training/cohorts/", {"name": "México 2026", "country": "MX", "course": course.pk}
    )
    cohort_url = response["Location"]
    client.post(cohort_url, {"member-trainee": mx_trainee.pk})
    page = client.get(cohort_url).content.decode()
    assert (CohortMember.objects.get().trainee, "Lucía Trainsynth" in page) == (mx_trainee, True)


def test_the_sixth_representative_is_refused_with_a_clear_message(
    course: Course, trainer: User, login_in: LoginIn
) -> None:
    cohort = cohort_with(trainer, [trainee(f"rep{i}.mx") for i in range(5)])
    sixth = trainee("sixth.mx", "mx-comar")
    response = login_in(trainer, "en").post(
        f"/training/cohorts/{cohort.pk}/", {"member-trainee": sixth.pk}
    )
    assert "A cohort has at most 5 front-line representatives: this one is full." in (
        response.content.decode()
    )
    assert cohort.members.count() == 5


def test_a_trainer_schedules_a_session_and_records_attendance(
    course: Course, trainer: User, mx_trainee: User, login_in: LoginIn
) -> None:
    cohort = cohort_with(trainer, [mx_trainee])
    client = login_in(trainer, "en")
    response = client.post(
        "/training/sessions/",
        {
            "title": "Presentación de expertos",
            "kind": "expert_presentation",
            "starts_at": "2026-05-04T10:00",
            "ends_at": "2026-05-04T12:00",
            "host_country": "MX",
            "cohorts": [cohort.pk],
        },
    )
    session = TrainingSession.objects.get()
    client.post(response["Location"], {f"attendance-{mx_trainee.pk}": "present"})
    mine = login_in(mx_trainee, "en").get(response["Location"]).content.decode()
    assert (session.title, session.attendance.get().status, "Present" in mine) == (
        "Presentación de expertos",
        "present",
        True,
    )


def test_the_cohort_chart_is_served_as_svg(
    course: Course, trainer: User, mx_trainee: User, login_in: LoginIn
) -> None:
    cohort = cohort_with(trainer, [mx_trainee])
    response = login_in(trainer, "en").get(f"/training/cohorts/{cohort.pk}/progress.svg")
    assert (response["Content-Type"], response.content.startswith(b"<?xml")) == (
        "image/svg+xml; charset=utf-8",
        True,
    )


def test_the_trainer_sees_a_trainee_progress_and_the_country_progress(
    course: Course, trainer: User, mx_trainee: User, login_in: LoginIn
) -> None:
    cohort = cohort_with(trainer, [mx_trainee])
    attempt(mx_trainee, "identification")
    client = login_in(trainer, "en")
    trainee_page = client.get(f"/training/trainees/{mx_trainee.pk}/").content.decode()
    country = client.get("/training/progress/").content.decode()
    assert ("1 of 2 modules passed" in trainee_page, cohort.name in country) == (True, True)
    assert client.get("/training/progress.svg").status_code == 200


# --- Nobody else sees anything ------------------------------------------------------------------


@pytest.fixture
def mexican(course: Course, trainer: User, mx_trainee: User) -> dict[str, str]:
    from tests.training_programme.factories import certify

    cohort = cohort_with(trainer, [mx_trainee], name="Cohorte Quetzalsynth")
    session = session_for(trainer, cohort)
    certificate = certify(trainer, mx_trainee)
    pending = attempt(mx_trainee, "referral")
    return {
        f"/training/cohorts/{cohort.pk}/": "get",
        f"/training/cohorts/{cohort.pk}/progress.svg": "get",
        f"/training/sessions/{session.pk}/": "get",
        f"/training/sessions/{session.pk}/join/": "post",
        f"/training/attempts/{pending.pk}/": "get",
        f"/training/essays/{pending.answers.get(position=2).pk}/grade/": "get",
        f"/training/practice/attempts/{practise(mx_trainee).pk}/": "get",
        f"/training/trainees/{mx_trainee.pk}/": "get",
        f"/training/certificates/{certificate.pk}/certificate.pdf": "get",
    }


@pytest.mark.parametrize("persona", ["gt_trainer", "gt_trainee"])
def test_guatemalan_trainers_and_trainees_reach_nothing_mexican(
    persona: str, mexican: dict[str, str], login_in: LoginIn, request: pytest.FixtureRequest
) -> None:
    client = login_in(request.getfixturevalue(persona), "en")
    answers = {url: getattr(client, method)(url).status_code for url, method in mexican.items()}
    assert answers == dict.fromkeys(mexican, 404)


def test_guatemalan_lists_show_nothing_mexican(
    mexican: dict[str, str], gt_trainer: User, gt_trainee: User, login_in: LoginIn
) -> None:
    pages = [
        login_in(gt_trainer, "en").get(url).content.decode()
        for url in (
            "/training/",
            "/training/cohorts/",
            "/training/sessions/",
            "/training/essays/",
            "/training/progress/",
        )
    ] + [login_in(gt_trainee, "en").get("/training/sessions/").content.decode()]
    assert [("Quetzalsynth" in page, "Trainsynth" in page) for page in pages] == [
        (False, False)
    ] * 6


def test_a_mexican_trainee_does_not_reach_another_trainee_work(
    mexican: dict[str, str], login_in: LoginIn
) -> None:
    other = trainee("mateo.mx", "mx-comar")
    client = login_in(other, "en")
    personal = [url for url in mexican if "/cohorts/" not in url and "/sessions/" not in url]
    assert {url: client.get(url).status_code for url in personal} == dict.fromkeys(personal, 404)


def test_a_caseworker_has_no_training_pages(
    course: Course, mx_caseworker: User, login_in: LoginIn
) -> None:
    client = login_in(mx_caseworker, "en")
    assert [client.get(url).status_code for url in ("/training/", "/training/practice/")] == [
        404,
        404,
    ]


def test_a_trainee_has_no_trainer_pages(
    course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    client = login_in(mx_trainee, "en")
    urls = ("/training/cohorts/", "/training/essays/", "/training/progress/")
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
