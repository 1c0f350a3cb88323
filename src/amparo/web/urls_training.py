"""Training pages: included under `training/` in the `web` namespace.

`verify/<code>/` is public (no sign-in): the verification of a certificate by its code.
"""

from django.urls import URLPattern, path

from amparo.web.views.training import certificates, learning, practice, programme

urlpatterns: list[URLPattern] = [
    path("", learning.home, name="training_home"),
    path("courses/<int:course_id>/", learning.course, name="training_course"),
    path("lessons/<int:lesson_id>/", learning.lesson, name="training_lesson"),
    path("lessons/<int:lesson_id>/done/", learning.lesson_done, name="training_lesson_done"),
    path("modules/<int:module_id>/quiz/", learning.quiz, name="training_quiz"),
    path("attempts/<int:attempt_id>/", learning.attempt, name="training_attempt"),
    path("essays/", learning.essays, name="training_essays"),
    path("essays/<int:answer_id>/grade/", learning.grade, name="training_grade"),
    path("practice/", practice.practice_list, name="training_practice_list"),
    path("practice/<int:practice_id>/", practice.practice, name="training_practice"),
    path(
        "practice/attempts/<int:practice_attempt_id>/",
        practice.practice_attempt,
        name="training_practice_attempt",
    ),
    path("cohorts/", programme.cohorts, name="training_cohorts"),
    path("cohorts/<int:cohort_id>/", programme.cohort, name="training_cohort"),
    path("cohorts/<int:cohort_id>/progress.svg", programme.cohort_svg, name="training_cohort_svg"),
    path("sessions/", programme.sessions, name="training_sessions"),
    path("sessions/<int:session_id>/", programme.session, name="training_session"),
    path("sessions/<int:session_id>/join/", programme.session_join, name="training_session_join"),
    path("trainees/<int:trainee_id>/", programme.trainee, name="training_trainee"),
    path("progress/", programme.progress, name="training_progress"),
    path("progress.svg", programme.progress_svg, name="training_progress_svg"),
    path(
        "certificates/<int:certificate_id>/certificate.pdf",
        certificates.certificate_pdf,
        name="training_certificate_pdf",
    ),
    path("verify/<str:code>/", certificates.verify, name="training_verify"),
]
