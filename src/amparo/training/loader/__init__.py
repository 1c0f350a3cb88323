"""The training content loader: reads and checks the content folder (see `content/FORMAT.md`).

Pure reading: no database. `read_content` returns every course and practice case, or raises
`DataFileError` naming the file, the key and the problem; `domain.content.load_content` then
syncs the result into the database.
"""

from dataclasses import dataclass
from pathlib import Path

from amparo.lib.datafiles import DataFileError
from amparo.training.loader.courses import CourseData, LessonData, ModuleData, read_course
from amparo.training.loader.practice import PracticeData, read_practice

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

__all__ = [
    "CONTENT_DIR",
    "Content",
    "CourseData",
    "LessonData",
    "ModuleData",
    "PracticeData",
    "read_content",
]


@dataclass(frozen=True)
class Content:
    courses: tuple[CourseData, ...]
    practice: tuple[PracticeData, ...]


def read_content(directory: Path = CONTENT_DIR) -> Content:
    """Every course (`courses/*/`) and practice case (`practice/*.yaml`) under `directory`."""
    if not directory.is_dir():
        raise DataFileError(directory, "", "the content folder does not exist")
    courses_dir, practice_dir = directory / "courses", directory / "practice"
    folders = sorted(p for p in courses_dir.iterdir() if p.is_dir()) if courses_dir.is_dir() else []
    courses = tuple(read_course(folder) for folder in folders)
    _unique_courses(courses, folders)
    files = sorted(practice_dir.glob("*.yaml")) if practice_dir.is_dir() else []
    return Content(courses=courses, practice=tuple(read_practice(path) for path in files))


def _unique_courses(courses: tuple[CourseData, ...], folders: list[Path]) -> None:
    seen: dict[tuple[str, str], Path] = {}
    for course, folder in zip(courses, folders, strict=True):
        key = (course.code, course.version)
        if key in seen:
            raise DataFileError(
                folder / "course.yaml", "version", f"{key[0]} {key[1]} is also in {seen[key].name}"
            )
        seen[key] = folder
