"""The training home, courses, lessons, quizzes, attempts and the grading of essays."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.training.domain import queries
from amparo.training.domain.progress import trainee_progress
from amparo.training.domain.quizzes import (
    QuizError,
    ResponsesError,
    complete_lesson,
    grade_essay,
    quiz_questions,
    submit_quiz,
)
from amparo.training.interfaces.display import answer_rows, response_html
from amparo.training.interfaces.forms import GradeEssayForm
from amparo.training.interfaces.quiz_forms import QuizForm
from amparo.training.models import localised
from amparo.training.rendering import render_markdown, render_text
from amparo.training.rules import trainer_countries
from amparo.web.views.training.common import content_language, studying_user, trainer_of

SHOWN = 20  # recent attempts on the home page


@login_required
@require_safe
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What to do next: the courses and my progress; for trainers, their tools too."""
    user = studying_user(request)
    courses = list(queries.courses_for(user))
    context = {
        "courses": courses,
        "progress": trainee_progress(user, courses),
        "attempts": list(queries.quiz_attempts_of(user)[:SHOWN]),
        "practice_attempts": list(queries.practice_attempts_of(user)[:SHOWN]),
        "certificates": list(queries.certificates_of(user)),
        "is_trainer": bool(trainer_countries(user)),
        "pending_essays": queries.pending_essays_for(user).count(),
    }
    return render(request, "web/training/home.html", context)


@login_required
@require_safe
def course(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    found = queries.get_course_for(studying_user(request), course_id)
    context = {"course": found, "summary": localised(found.summary)}
    return render(request, "web/training/course.html", context)


@login_required
@require_safe
def lesson(request: AuthenticatedHttpRequest, lesson_id: int) -> HttpResponse:
    user = studying_user(request)
    found = queries.get_lesson_for(user, lesson_id)
    context = {
        "lesson": found,
        "body": render_markdown(localised(found.body, content_language())),
        "done": found.completions.filter(trainee=user).exists(),
    }
    return render(request, "web/training/lesson.html", context)


@login_required
@require_POST
def lesson_done(request: AuthenticatedHttpRequest, lesson_id: int) -> HttpResponse:
    user = studying_user(request)
    found = queries.get_lesson_for(user, lesson_id)
    complete_lesson(found, actor=user)
    messages.success(request, _("The lesson is marked as read."))
    return redirect("web:training_course", course_id=found.module.course_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def quiz(request: AuthenticatedHttpRequest, module_id: int) -> HttpResponse:
    """The module's quiz; a valid submission is graded and recorded as an attempt."""
    user = studying_user(request)
    module = queries.get_module_for(user, module_id)
    questions = list(quiz_questions(module, content_language()))
    form = QuizForm(request.POST if request.method == "POST" else None, questions=questions)
    if form.is_bound and form.is_valid():
        try:
            attempt = submit_quiz(
                module, actor=user, lang=content_language(), responses=form.responses()
            )
        except ResponsesError as error:
            form.add_problems(error.problems)
        except QuizError:
            messages.error(request, _("This module has no questions yet."))
        else:
            return redirect("web:training_attempt", attempt_id=attempt.pk)
    context = {"module": module, "form": form, "blocks": form.blocks()}
    return render(request, "web/training/quiz.html", context, status=400 if form.errors else 200)


@login_required
@require_safe
def attempt(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    user = studying_user(request)
    found = queries.get_attempt_for(user, attempt_id)
    context = {
        "attempt": found,
        "rows": answer_rows(list(found.answers.all())),
        "own": found.trainee_id == user.pk,
    }
    return render(request, "web/training/attempt.html", context)


@login_required
@require_safe
def essays(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Essays waiting for a grade, from the trainees of the trainer's countries."""
    user, _countries = trainer_of(request)
    context = {"essays": list(queries.pending_essays_for(user))}
    return render(request, "web/training/essays.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def grade(request: AuthenticatedHttpRequest, answer_id: int) -> HttpResponse:
    user, _countries = trainer_of(request)
    answer = queries.get_essay_for_grading(user, answer_id)
    form = GradeEssayForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            grade_essay(
                answer,
                actor=user,
                percent=form.cleaned_data["percent"],
                comment=form.cleaned_data["comment"],
            )
        except QuizError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The essay is graded."))
            return redirect("web:training_essays")
    context = {
        "answer": answer,
        "question": render_text(answer.question["text"], answer.question["format"]),
        "response": response_html(answer.question, answer.response),
        "form": form,
    }
    return render(request, "web/training/grade.html", context)
