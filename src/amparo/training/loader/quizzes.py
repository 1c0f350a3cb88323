"""Quiz files: GIFT parsed by `gift.parse_gift`, then checked against the content contract."""

from pathlib import Path
from typing import Any

from amparo.lib.datafiles import DataFileError
from amparo.training.enums import QuestionType
from amparo.training.gift import GiftSyntaxError, parse_gift

ALLOWED_TYPES = frozenset(QuestionType.values)


def parse_quiz_text(text: str, *, path: Path | str, require_titles: bool) -> list[dict[str, Any]]:
    """The questions of a GIFT text; `GiftSyntaxError` for bad syntax (with its line), and
    `DataFileError` for a question type a quiz may not hold or a missing title."""
    questions = parse_gift(text, source=str(path))
    for number, question in enumerate(questions, start=1):
        where = f"question {number}" + (f" ({question['title']})" if question["title"] else "")
        if question["type"] not in ALLOWED_TYPES:
            allowed = ", ".join(QuestionType.values)
            raise DataFileError(
                path, where, f"unknown question type {question['type']}: use one of {allowed}"
            )
        if require_titles and not question["title"]:
            raise DataFileError(
                path, where, "needs a ::title:: (a stable code, the same in every language)"
            )
    return questions


def read_quiz(path: Path) -> list[dict[str, Any]]:
    """A content quiz file; every problem is a `DataFileError` naming the file (and line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, "", f"cannot be read as UTF-8 text ({exc})") from None
    try:
        return parse_quiz_text(text, path=path, require_titles=True)
    except GiftSyntaxError as exc:
        raise DataFileError(path, f"line {exc.line}", exc.problem) from None


def check_same_questions(quizzes: dict[str, tuple[Path, list[dict[str, Any]]]]) -> None:
    """Every language holds the same questions (titles and types) in the same order."""
    (_, (first_path, first)), *others = quizzes.items()
    shape = [(q["title"], q["type"]) for q in first]
    for path, questions in (value for _, value in others):
        if len(questions) != len(first):
            raise DataFileError(
                path,
                "questions",
                f"{len(questions)} questions, but {first_path.name} has {len(first)}",
            )
        for number, (question, (title, kind)) in enumerate(zip(questions, shape, strict=True), 1):
            if (question["title"], question["type"]) != (title, kind):
                raise DataFileError(
                    path,
                    f"question {number} ({question['title']})",
                    f"differs from {first_path.name}, which has {title} ({kind}) here",
                )
