"""The training programme: content loaded from data files (courses, modules, lessons, question
banks, practice cases), the trainees' work (lessons read, quiz attempts, practice attempts),
the programme (cohorts, sessions, attendance) and certificates.

Texts a trainee reads are JSON objects {es, en, fr} (see `content/FORMAT.md`). Practice work is
a sandbox: nothing here refers to a Person, a Case or a Screening.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Agency, Country
from amparo.casework.enums import LegalBasis
from amparo.training.enums import (
    CONTENT_LANGUAGES,
    AttemptStatus,
    AttendanceStatus,
    QuestionType,
    SessionKind,
)


def localised(texts: dict[str, Any], lang: str | None = None) -> str:
    """The text in `lang` (default: the active language), falling back to Spanish."""
    code = (lang or get_language() or "es")[:2]
    if code not in CONTENT_LANGUAGES:
        code = "es"
    return str(texts.get(code) or texts.get("es") or "")


class LocalisedTitle:
    """For rows whose `title` holds the wording in every content language."""

    title: Any

    @property
    def name(self) -> str:
        return localised(self.title)


class Course(LocalisedTitle, models.Model):
    """One version of a course; `current` marks the highest version of its code."""

    code = models.SlugField(max_length=60)
    version = models.CharField(max_length=20)
    title = models.JSONField()
    summary = models.JSONField()
    content_hash = models.CharField(max_length=64)
    current = models.BooleanField(default=True)
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["code", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_course_version")
        ]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return f"{self.code} {self.version}"


class Module(LocalisedTitle, models.Model):
    """A module of a course, with its pass mark; `retired` when a reload dropped it."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    code = models.CharField(max_length=60)
    position = models.PositiveIntegerField()
    title = models.JSONField()
    pass_mark = models.PositiveSmallIntegerField()
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["course_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "code"], name="unique_module_code")
        ]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return f"{self.course_id}/{self.code}"


class Lesson(LocalisedTitle, models.Model):
    """A lesson: its Markdown source in every language (rendered and sanitised on display)."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    code = models.CharField(max_length=60)
    position = models.PositiveIntegerField()
    title = models.JSONField()
    body = models.JSONField()
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["module_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "code"], name="unique_lesson_code")
        ]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return f"{self.module_id}/{self.code}"


class Question(models.Model):
    """One question of a module's bank in one language: the `parse_gift` dict as `data`."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    lang = models.CharField(max_length=2)
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=255, blank=True)
    type = models.CharField(max_length=20, choices=QuestionType.choices)
    data = models.JSONField()
    source = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["module_id", "lang", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "lang", "position"], name="unique_question_position"
            )
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return f"{self.module_id}/{self.lang}/{self.position}"


class LessonCompletion(models.Model):
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lessons_completed"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trainee", "lesson"], name="unique_lesson_completion")
        ]

    def __str__(self) -> str:
        return f"{self.trainee_id} read {self.lesson_id}"


class QuizAttempt(models.Model):
    """One submitted quiz; `score` (percent) and `passed` stay null while essays wait."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quiz_attempts"
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="attempts")
    lang = models.CharField(max_length=2)
    status = models.CharField(max_length=10, choices=AttemptStatus.choices)
    score = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    submitted_at = models.DateTimeField()
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["trainee", "module"], name="quiz_attempt_trainee_module")]

    def __str__(self) -> str:
        return f"attempt {self.pk} on {self.module_id}"


class AttemptAnswer(models.Model):
    """One answer of an attempt, with a snapshot of the question as it was asked.

    `score` is a fraction from 0 to 1, null for an essay until a trainer grades it.
    `feedback` is a list of {"text", "format"} shown to the trainee.
    """

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveIntegerField()
    question = models.JSONField()
    response = models.JSONField(null=True)
    score = models.FloatField(null=True, blank=True)
    feedback = models.JSONField(default=list)
    comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="unique_answer_position")
        ]

    def __str__(self) -> str:
        return f"answer {self.position} of attempt {self.attempt_id}"


class PracticeCase(LocalisedTitle, models.Model):
    """A fictional case with its expert key, as loaded from `content/practice/<code>.yaml`."""

    code = models.SlugField(max_length=80)
    version = models.CharField(max_length=20)
    title = models.JSONField()
    country = models.CharField(max_length=2)
    vignette = models.JSONField()
    expert_key = models.JSONField()
    teaching_points = models.JSONField()
    content_hash = models.CharField(max_length=64)
    current = models.BooleanField(default=True)
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["code", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_practice_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"


class PracticeAttempt(models.Model):
    """A trainee's work on a practice case and its grading report; never a real screening."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practice_attempts"
    )
    case = models.ForeignKey(PracticeCase, on_delete=models.PROTECT, related_name="attempts")
    lang = models.CharField(max_length=2)
    protocol_id = models.CharField(max_length=40)
    protocol_version = models.CharField(max_length=20)
    answers = models.JSONField()
    referral_kinds = models.JSONField()
    legal_basis = models.CharField(max_length=20, choices=LegalBasis.choices)
    report = models.JSONField()
    score = models.FloatField()
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"practice attempt {self.pk} on {self.case_id}"


class Cohort(models.Model):
    """A country's group of front-line representatives following one course."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="cohorts")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["country_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="unique_cohort_name")
        ]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name


class CohortMember(models.Model):
    """A trainee in a cohort, with the institution they represent."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cohort_memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["cohort_id", "trainee__username"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "trainee"], name="unique_cohort_member")
        ]

    def __str__(self) -> str:
        return f"{self.trainee_id} in {self.cohort_id}"


class TrainingSession(models.Model):
    """A scheduled session. A self-paced session with a module makes the module due at its end.

    `countries` are the countries invited (the host always); each invited country's trainers
    may add their own cohorts, and record attendance for them only.
    """

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=SessionKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    host_country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    countries = models.ManyToManyField(Country, related_name="training_sessions")
    cohorts = models.ManyToManyField(Cohort, related_name="sessions", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendance"
    )
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="unique_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.trainee_id} at {self.session_id}: {self.status}"


class Certificate(models.Model):
    """A course completed. `code` is unguessable and is all a verifier needs."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=300)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["trainee", "course"], name="unique_certificate")
        ]

    def __str__(self) -> str:
        return f"certificate {self.pk} ({self.course_id})"
