"""`amparo training load-content | import-gift | export-gift | export-xapi`."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from amparo.protection.models import AuditEvent
from amparo.training.gift import parse_gift
from amparo.training.models import Course, Question
from tests.training.test_gift_conformance import SUITE
from tests.training_programme.factories import CONTENT, module

QUIZ = """// [id:q1]
::consent-01:: [markdown]¿Quién **decide** compartir los datos?{
\t=La persona, informada#Sí: es su decisión.
\t~El oficial#No.
}

::consent-02:: ¿En cuántos días vence la atención posterior a una violación?{#3:0#72 horas.}

::consent-03:: Relacione.{
\t=Niño solo -> protección de la niñez
\t=Temor a volver -> comisión de refugiados
}
"""


@pytest.fixture
def loaded(course: Course) -> Course:
    return course


def _bank(code: str = "referral", lang: str = "es") -> list[dict]:
    return [
        q.data for q in Question.objects.filter(module=module(code), lang=lang).order_by("position")
    ]


def test_load_content_prints_what_it_created_then_that_nothing_changed(
    reference: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("training", "load-content", "--dir", str(CONTENT))
    first = capsys.readouterr().out
    call_command("training", "load-content", "--dir", str(CONTENT))
    second = capsys.readouterr().out
    assert (first, second) == (
        "created: course test-course 1.0\ncreated: practice pc-test-boy 1.0\n",
        "unchanged: course test-course 1.0\nunchanged: practice pc-test-boy 1.0\n",
    )


def test_load_content_refuses_a_bad_folder_naming_the_file(
    reference: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        call_command("training", "load-content", "--dir", str(tmp_path / "absent"))
    assert (exit_info.value.code, capsys.readouterr().err) == (
        1,
        f"{tmp_path / 'absent'}: the content folder does not exist\n",
    )


def test_import_gift_stores_the_questions_in_the_module_bank(
    loaded: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "consent.gift"
    path.write_text(QUIZ, encoding="utf-8")
    call_command("training", "import-gift", str(path), "--module", "referral", "--lang", "es")
    assert capsys.readouterr().out == "3 questions stored in test-course/referral (es).\n"
    assert _bank() == parse_gift(QUIZ, source=str(path))
    assert [
        q.data["title"] for q in Question.objects.filter(module=module("referral"), lang="en")
    ] == [
        "ref-01",
        "ref-02",
    ]


def test_export_gift_round_trips_what_was_imported(
    loaded: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "consent.gift"
    source.write_text(QUIZ, encoding="utf-8")
    out = tmp_path / "out.gift"
    call_command("training", "import-gift", str(source), "--module", "referral")
    call_command("training", "export-gift", "--module", "referral", "--out", str(out))
    assert parse_gift(out.read_text(encoding="utf-8")) == parse_gift(QUIZ)


@pytest.mark.parametrize("name", ["giftFormatPhpExamples", "formatExamples", "multiLineFeedback1"])
def test_every_supported_question_of_the_conformance_suite_round_trips(
    loaded: Course, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (SUITE / f"{name}.gift").read_text(encoding="utf-8")
    kept = [q for q in parse_gift(text) if q["type"] != "description"]
    from amparo.training.gift import to_gift

    source = tmp_path / "in.gift"
    source.write_text(to_gift(kept), encoding="utf-8")
    call_command(
        "training", "import-gift", str(source), "--module", "identification", "--lang", "fr"
    )
    capsys.readouterr()
    call_command("training", "export-gift", "--module", "identification", "--lang", "fr")
    assert parse_gift(capsys.readouterr().out) == kept


def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_stored(
    loaded: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, events = _bank(), AuditEvent.objects.count()
    path = tmp_path / "broken.gift"
    path.write_text("Fine?{T}\n\nAlso fine?{=a ~b}\n\nBroken?{\n=yes\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("training", "import-gift", str(path), "--module", "referral")
    out, err = capsys.readouterr()
    assert (exit_info.value.code, out, err) == (
        1,
        "",
        f"{path}:5: '{{' is not closed: end the answer block with '}}'\n",
    )
    assert (_bank(), AuditEvent.objects.count()) == (before, events)


def test_a_file_with_a_description_is_refused_and_nothing_is_stored(
    loaded: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _bank()
    path = tmp_path / "desc.gift"
    path.write_text("Fine?{T}\n\n::intro:: Read this first.\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("training", "import-gift", str(path), "--module", "referral")
    assert capsys.readouterr().err == (
        f"{path}: question 2 (intro): unknown question type description: use one of "
        "multiple_choice, true_false, short_answer, numerical, matching, essay\n"
    )
    assert _bank() == before


def test_an_unknown_module_is_refused(
    loaded: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        call_command("training", "export-gift", "--module", "cooking")
    assert capsys.readouterr().err == "no module 'cooking'\n"


def test_export_xapi_writes_a_json_list(
    loaded: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "statements.json"
    call_command("training", "export-xapi", "--out", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == []
