"""Syncing the content folder into the database (`amparo training load-content`, the demo).

Idempotent: a course or practice case is keyed by (code, version) and carries the hash of its
files, so loading unchanged content writes nothing. A new version is a new row, and the
highest version of each code becomes the current one; older versions stay, because attempts,
cohorts and certificates refer to them.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from amparo.accounts.models import User
from amparo.lib.datafiles import version_key
from amparo.protection.domain.audit import record_event
from amparo.training.domain.questions import replace_bank
from amparo.training.enums import TrainingAuditAction
from amparo.training.loader import (
    CONTENT_DIR,
    CourseData,
    LessonData,
    ModuleData,
    PracticeData,
    read_content,
)
from amparo.training.models import Course, Lesson, Module, PracticeCase


@dataclass
class LoadReport:
    """What a load did, as "kind code version" lines."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def load_content(directory: Path = CONTENT_DIR, *, actor: User | None = None) -> LoadReport:
    """Check the whole content folder, then sync it into the database, all or nothing.

    Effects: creates or updates Course, Module, Lesson and Question rows and PracticeCase rows
    (what did not change is not written); replaces the question bank of every module of a
    changed course; retires modules and lessons a reloaded version dropped (they are kept for
    the attempts that refer to them); marks the highest version of each code current; records
    one `training.content_loaded` audit event when anything changed. Raises `DataFileError`
    (naming the file and the key) before writing anything if the content breaks FORMAT.md.
    """
    content = read_content(directory)
    report = LoadReport()
    now = timezone.now()
    with transaction.atomic():
        for course in content.courses:
            _note(report, f"course {course.code} {course.version}", _sync_course(course, now))
        for case in content.practice:
            _note(report, f"practice {case.code} {case.version}", _sync_practice(case, now))
        _mark_current(Course, {course.code for course in content.courses})
        _mark_current(PracticeCase, {case.code for case in content.practice})
        if report.changed:
            payload = {"created": report.created, "updated": report.updated}
            record_event(TrainingAuditAction.CONTENT_LOADED, actor=actor, payload=payload)
    return report


def _note(report: LoadReport, line: str, outcome: str) -> None:
    {"created": report.created, "updated": report.updated}.get(outcome, report.unchanged).append(
        line
    )


def _mark_current(model: type[Course] | type[PracticeCase], codes: set[str]) -> None:
    for code in codes:
        rows = list(model.objects.filter(code=code).values_list("pk", "version"))
        latest = max(rows, key=lambda row: version_key(row[1]))[0]
        model.objects.filter(code=code).exclude(pk=latest).update(current=False)
        model.objects.filter(pk=latest).update(current=True)


def _sync_course(data: CourseData, now: dt.datetime) -> str:
    course = Course.objects.filter(code=data.code, version=data.version).first()
    if course is not None and course.content_hash == data.content_hash:
        return "unchanged"
    outcome = "created" if course is None else "updated"
    course = course or Course(code=data.code, version=data.version)
    course.title, course.summary = data.title, data.summary
    course.content_hash, course.loaded_at = data.content_hash, now
    course.save()
    existing = {module.code: module for module in course.modules.all()}
    for position, module_data in enumerate(data.modules, start=1):
        module = existing.pop(module_data.code, None) or Module(
            course=course, code=module_data.code
        )
        _sync_module(module, module_data, position, source=f"content:{data.code}/{data.version}")
    Module.objects.filter(pk__in=[module.pk for module in existing.values()]).update(retired=True)
    return outcome


def _sync_module(module: Module, data: ModuleData, position: int, *, source: str) -> None:
    module.position, module.title, module.pass_mark = position, data.title, data.pass_mark
    module.retired = False
    module.save()
    existing = {lesson.code: lesson for lesson in module.lessons.all()}
    for lesson_position, lesson_data in enumerate(data.lessons, start=1):
        lesson = existing.pop(lesson_data.code, None) or Lesson(
            module=module, code=lesson_data.code
        )
        _sync_lesson(lesson, lesson_data, lesson_position)
    Lesson.objects.filter(pk__in=[lesson.pk for lesson in existing.values()]).update(retired=True)
    for lang, questions in data.questions.items():
        replace_bank(module, lang, questions, source=f"{source}/{module.code}.{lang}.gift")


def _sync_lesson(lesson: Lesson, data: LessonData, position: int) -> None:
    lesson.position, lesson.title, lesson.body = position, data.title, data.body
    lesson.retired = False
    lesson.save()


def _sync_practice(data: PracticeData, now: dt.datetime) -> str:
    case = PracticeCase.objects.filter(code=data.code, version=data.version).first()
    if case is not None and case.content_hash == data.content_hash:
        return "unchanged"
    outcome = "created" if case is None else "updated"
    case = case or PracticeCase(code=data.code, version=data.version)
    case.title, case.country, case.vignette = data.title, data.country, data.vignette
    case.expert_key, case.teaching_points = data.expert_key, data.teaching_points
    case.content_hash, case.loaded_at = data.content_hash, now
    case.save()
    return outcome
