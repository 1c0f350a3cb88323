"""A module's question bank: import from and export to Moodle GIFT.

The bank holds, per module and language, the questions as `parse_gift` returns them, in order;
exporting them with `to_gift` gives a file that parses back to the same questions.
"""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from amparo.accounts.models import User
from amparo.protection.domain.audit import record_event
from amparo.training.enums import CONTENT_LANGUAGES, TrainingAuditAction
from amparo.training.gift import to_gift
from amparo.training.loader.quizzes import parse_quiz_text
from amparo.training.models import Module, Question


class ModuleNotFoundError(LookupError):
    """No module, or more than one, answers to the code given."""


def find_module(code: str, *, course: str | None = None) -> Module:
    """The module with this code in the current version of a course (name the course when
    several courses have a module with this code)."""
    modules = Module.objects.filter(code=code, retired=False, course__current=True)
    if course is not None:
        modules = modules.filter(course__code=course)
    found = list(modules.select_related("course")[:2])
    if not found:
        raise ModuleNotFoundError(
            f"no module {code!r}" + (f" in course {course!r}" if course else "")
        )
    if len(found) > 1:
        courses = ", ".join(sorted(m.course.code for m in found))
        raise ModuleNotFoundError(
            f"module {code!r} is in several courses ({courses}): name one with --course"
        )
    return found[0]


def bank(module: Module, lang: str) -> QuerySet[Question]:
    return module.questions.filter(lang=lang).order_by("position")


def replace_bank(
    module: Module, lang: str, questions: list[dict[str, Any]], *, source: str
) -> None:
    """Put `questions` in the module's bank for `lang`, in place of what was there.

    Effects: deletes the bank's questions in that language and inserts the new ones (attempts
    keep their own copy of each question asked, so they do not change).
    """
    if lang not in CONTENT_LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    with transaction.atomic():
        module.questions.filter(lang=lang).delete()
        Question.objects.bulk_create(
            Question(
                module=module,
                lang=lang,
                position=position,
                title=question["title"] or "",
                type=question["type"],
                data=question,
                source=source,
            )
            for position, question in enumerate(questions, start=1)
        )


def import_gift(module: Module, text: str, *, lang: str, source: str, actor: User | None) -> int:
    """Parse a GIFT text and store its questions as the module's bank for `lang`.

    All or nothing: a malformed file raises `GiftSyntaxError` (with its line) or
    `DataFileError` (a question type a quiz may not hold) before anything is stored.
    Effects: replaces the bank (see `replace_bank`), records `training.gift_imported`.
    Returns the number of questions stored.
    """
    questions = parse_quiz_text(text, path=source, require_titles=False)
    with transaction.atomic():
        replace_bank(module, lang, questions, source=source)
        record_event(
            TrainingAuditAction.GIFT_IMPORTED,
            actor=actor,
            subject=module,
            payload={"module": module.code, "lang": lang, "questions": len(questions)},
        )
    return len(questions)


def export_gift(module: Module, *, lang: str) -> str:
    """The module's bank for `lang` as GIFT text."""
    return to_gift(question.data for question in bank(module, lang))
