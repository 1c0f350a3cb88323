"""The content loader: FORMAT.md checked, each problem naming the file and the key; the sync
into the database is idempotent and versioned."""

import shutil
from pathlib import Path

import pytest
import yaml

from amparo.lib.datafiles import DataFileError
from amparo.protection.models import AuditEvent
from amparo.training.domain.content import load_content
from amparo.training.loader import read_content
from amparo.training.models import Course, Lesson, Module, PracticeCase, Question
from tests.training_programme.factories import CONTENT


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the fixture content that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _course_file(content: Path) -> Path:
    return content / "courses" / "test-course" / "course.yaml"


def _edit_yaml(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _error(content: Path) -> str:
    with pytest.raises(DataFileError) as caught:
        read_content(content)
    return str(caught.value)


def test_the_fixture_content_reads_with_its_modules_lessons_and_questions() -> None:
    read = read_content(CONTENT)
    course = read.courses[0]
    assert (course.code, course.version, [m.code for m in course.modules]) == (
        "test-course",
        "1.0",
        ["identification", "referral"],
    )
    assert [len(course.modules[0].questions[lang]) for lang in ("es", "en", "fr")] == [2, 2, 2]
    assert [case.code for case in read.practice] == ["pc-test-boy"]


def test_an_unknown_key_is_refused_naming_the_file_and_the_key(content: Path) -> None:
    path = _course_file(content)
    _edit_yaml(path, lambda data: data["modules"][0].update(weight=3))
    assert _error(content) == f"{path}: modules[0]: unknown key(s): weight"


def test_an_unknown_top_level_key_is_refused(content: Path) -> None:
    path = _course_file(content)
    _edit_yaml(path, lambda data: data.update(author="x"))
    assert _error(content) == f"{path}: unknown key(s): author"


def test_a_missing_language_file_is_refused_naming_the_file_and_the_key(content: Path) -> None:
    (content / "courses/test-course/lessons/referral/consent.fr.md").unlink()
    assert _error(content) == (
        f"{_course_file(content)}: modules.referral.lessons.consent.fr: "
        "the file lessons/referral/consent.fr.md is missing"
    )


def test_a_missing_quiz_language_is_refused(content: Path) -> None:
    (content / "courses/test-course/quizzes/referral.en.gift").unlink()
    assert _error(content) == (
        f"{_course_file(content)}: modules.referral.quiz.en: "
        "the file quizzes/referral.en.gift is missing"
    )


def test_an_unknown_question_type_is_refused_naming_the_file_and_the_question(
    content: Path,
) -> None:
    path = content / "courses/test-course/quizzes/identification.en.gift"
    path.write_text(path.read_text() + "\n::id-03:: Just a description, no answers.\n")
    assert _error(content) == (
        f"{path}: question 3 (id-03): unknown question type description: use one of "
        "multiple_choice, true_false, short_answer, numerical, matching, essay"
    )


def test_a_gift_syntax_error_names_the_file_and_the_line(content: Path) -> None:
    path = content / "courses/test-course/quizzes/referral.es.gift"
    path.write_text("::ref-01:: Broken?{\n=yes\n")
    assert _error(content) == f"{path}: line 1: '{{' is not closed: end the answer block with '}}'"


def test_quizzes_must_hold_the_same_questions_in_every_language(content: Path) -> None:
    path = content / "courses/test-course/quizzes/identification.fr.gift"
    path.write_text(path.read_text().replace("::id-02::", "::id-99::"))
    assert _error(content) == (
        f"{path}: question 2 (id-99): differs from identification.es.gift, which has id-02 "
        "(true_false) here"
    )


def test_a_file_no_module_declares_is_refused(content: Path) -> None:
    stray = content / "courses/test-course/lessons/referral/consnet.es.md"
    stray.write_text("## Typo\n")
    assert _error(content) == f"{stray}: not declared in course.yaml (check the file name)"


def test_a_practice_key_with_an_unknown_profile_is_refused(content: Path) -> None:
    path = content / "practice/pc-test-boy.yaml"
    _edit_yaml(path, lambda data: data["expert_key"]["profiles"].append("lonely"))
    assert _error(content) == f"{path}: expert_key.profiles.lonely: is not a known code"


def test_a_practice_key_the_engine_contradicts_is_refused(content: Path) -> None:
    path = content / "practice/pc-test-boy.yaml"
    _edit_yaml(path, lambda data: data["expert_key"]["profiles"].remove("international_protection"))
    assert _error(content) == (
        f"{path}: expert_key.profiles: the key's answers evaluate to "
        "[international_protection, unaccompanied_child]"
    )


def test_a_practice_key_with_a_bad_answer_is_refused_naming_the_answer(content: Path) -> None:
    path = content / "practice/pc-test-boy.yaml"
    _edit_yaml(path, lambda data: data["expert_key"]["answers"].update(age_years="fifteen"))
    assert _error(content) == f"{path}: expert_key.answers.age_years: must be a whole number"


def test_a_practice_key_with_an_unknown_key_is_refused(content: Path) -> None:
    path = content / "practice/pc-test-boy.yaml"
    _edit_yaml(path, lambda data: data["expert_key"].update(difficulty="hard"))
    assert _error(content) == f"{path}: expert_key: unknown key(s): difficulty"


def test_a_practice_case_outside_the_rcm_is_refused(content: Path) -> None:
    path = content / "practice/pc-test-boy.yaml"
    _edit_yaml(path, lambda data: data.update(country_of_identification="FR"))
    assert _error(content) == (
        f"{path}: country_of_identification: must be the ISO code of an RCM member country"
    )


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Course.objects.count(),
        Module.objects.count(),
        Lesson.objects.count(),
        Question.objects.count(),
        PracticeCase.objects.count(),
    )


@pytest.mark.django_db
def test_loading_twice_changes_nothing_the_second_time() -> None:
    first = load_content(CONTENT)
    events = AuditEvent.objects.count()
    second = load_content(CONTENT)
    assert (first.created, second.created, second.updated, second.unchanged) == (
        ["course test-course 1.0", "practice pc-test-boy 1.0"],
        [],
        [],
        ["course test-course 1.0", "practice pc-test-boy 1.0"],
    )
    assert (_counts(), AuditEvent.objects.count()) == ((1, 2, 2, 12, 1), events)


@pytest.mark.django_db
def test_a_new_version_is_a_new_course_and_becomes_current(content: Path) -> None:
    load_content(content)
    _edit_yaml(_course_file(content), lambda data: data.update(version="1.1"))
    report = load_content(content)
    rows = list(Course.objects.order_by("version").values_list("version", "current"))
    assert (report.created, rows) == (["course test-course 1.1"], [("1.0", False), ("1.1", True)])


@pytest.mark.django_db
def test_a_changed_file_updates_the_same_version_in_place(content: Path) -> None:
    load_content(content)
    lesson = content / "courses/test-course/lessons/referral/consent.en.md"
    lesson.write_text("## Consent\n\nAsk, and listen.\n")
    report = load_content(content)
    stored = Lesson.objects.get(code="consent")
    assert (report.updated, stored.body["en"], Course.objects.count()) == (
        ["course test-course 1.0"],
        "## Consent\n\nAsk, and listen.\n",
        1,
    )


@pytest.mark.django_db
def test_a_bad_folder_stores_nothing(content: Path) -> None:
    (content / "courses/test-course/lessons/referral/consent.fr.md").unlink()
    with pytest.raises(DataFileError):
        load_content(content)
    assert _counts() == (0, 0, 0, 0, 0)
