"""Courses: `courses/<id>/course.yaml`, its lessons (Markdown) and its quizzes (GIFT).

Everything the contract (`content/FORMAT.md`) asks is checked here, and a problem is a
`DataFileError` naming the file and the key: an unknown key, a missing language file, a quiz
question of an unknown type, a file no module declares.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amparo.lib.datafiles import DataFileError, read_data_file, require_keys
from amparo.training.enums import CONTENT_LANGUAGES
from amparo.training.loader import common
from amparo.training.loader.quizzes import check_same_questions, read_quiz

_COURSE_KEYS = {"id", "version", "title", "summary", "modules"}
_MODULE_KEYS = {"code", "title", "pass_mark", "lessons"}
_LESSON_KEYS = {"code", "title"}


@dataclass(frozen=True)
class LessonData:
    code: str
    title: common.Texts
    body: common.Texts  # Markdown source by language


@dataclass(frozen=True)
class ModuleData:
    code: str
    title: common.Texts
    pass_mark: int
    lessons: tuple[LessonData, ...]
    questions: dict[str, list[dict[str, Any]]]  # by language, in file order


@dataclass(frozen=True)
class CourseData:
    code: str
    version: str
    title: common.Texts
    summary: common.Texts
    modules: tuple[ModuleData, ...]
    content_hash: str


def read_course(folder: Path) -> CourseData:
    """One course folder, fully checked."""
    path = folder / "course.yaml"
    if not path.is_file():
        raise DataFileError(path, "", "missing: every course folder needs a course.yaml")
    top = require_keys(path, "", read_data_file(path), _COURSE_KEYS)
    modules = common.items(path, "modules", top["modules"])
    parsed = tuple(_module(folder, path, index, raw) for index, raw in enumerate(modules))
    _unique(path, "modules", [module.code for module in parsed])
    _check_no_stray_files(folder, parsed)
    return CourseData(
        code=common.code(path, "id", top["id"]),
        version=common.version(path, top["version"]),
        title=common.text(path, "title", top["title"]),
        summary=common.text(path, "summary", top["summary"]),
        modules=parsed,
        content_hash=common.hash_files([p for p in folder.rglob("*") if p.is_file()], folder),
    )


def _unique(path: Path, where: str, codes: list[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise DataFileError(path, f"{where}.{code}", "the code is used twice")
        seen.add(code)


def _module(folder: Path, path: Path, index: int, raw: object) -> ModuleData:
    row = require_keys(path, f"modules[{index}]", raw, _MODULE_KEYS)
    code = common.code(path, f"modules[{index}].code", row["code"])
    where = f"modules.{code}"
    mark = row["pass_mark"]
    if isinstance(mark, bool) or not isinstance(mark, int) or not 0 <= mark <= 100:
        raise DataFileError(path, f"{where}.pass_mark", "must be a whole percentage, 0 to 100")
    lessons = tuple(
        _lesson(folder, path, where, code, i, item)
        for i, item in enumerate(common.items(path, f"{where}.lessons", row["lessons"]))
    )
    _unique(path, f"{where}.lessons", [lesson.code for lesson in lessons])
    return ModuleData(
        code=code,
        title=common.text(path, f"{where}.title", row["title"]),
        pass_mark=mark,
        lessons=lessons,
        questions=_quizzes(folder, path, where, code),
    )


def _lesson(
    folder: Path, path: Path, where: str, module: str, index: int, raw: object
) -> LessonData:
    row = require_keys(path, f"{where}.lessons[{index}]", raw, _LESSON_KEYS)
    code = common.code(path, f"{where}.lessons[{index}].code", row["code"])
    body = {}
    for lang in CONTENT_LANGUAGES:
        relative = f"lessons/{module}/{code}.{lang}.md"
        body[lang] = _read_text(folder / relative, path, f"{where}.lessons.{code}.{lang}")
    title = common.text(path, f"{where}.lessons.{code}.title", row["title"])
    return LessonData(code=code, title=title, body=body)


def _read_text(file: Path, course_file: Path, key: str) -> str:
    if not file.is_file():
        relative = file.relative_to(course_file.parent).as_posix()
        raise DataFileError(course_file, key, f"the file {relative} is missing")
    try:
        content = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DataFileError(file, "", "is not UTF-8 text") from None
    if not content.strip():
        raise DataFileError(file, "", "is empty")
    return content


def _quizzes(folder: Path, path: Path, where: str, module: str) -> dict[str, list[dict[str, Any]]]:
    found = {}
    for lang in CONTENT_LANGUAGES:
        file = folder / "quizzes" / f"{module}.{lang}.gift"
        if not file.is_file():
            relative = file.relative_to(folder).as_posix()
            raise DataFileError(path, f"{where}.quiz.{lang}", f"the file {relative} is missing")
        found[lang] = (file, read_quiz(file))
    check_same_questions(found)
    return {lang: questions for lang, (_, questions) in found.items()}


def _check_no_stray_files(folder: Path, modules: tuple[ModuleData, ...]) -> None:
    """A file no module declares is an error: a typo in a name would otherwise hide content."""
    expected = {folder / "course.yaml"}
    for module in modules:
        for lang in CONTENT_LANGUAGES:
            expected.add(folder / "quizzes" / f"{module.code}.{lang}.gift")
            expected.update(
                folder / "lessons" / module.code / f"{lesson.code}.{lang}.md"
                for lesson in module.lessons
            )
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        if file not in expected and not file.name.startswith(".") and file.name != "README.md":
            raise DataFileError(file, "", "not declared in course.yaml (check the file name)")
