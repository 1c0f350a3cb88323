"""`amparo screen`: JSON on stdout for good answers; a message on stderr and nothing on stdout
for bad ones. No database."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from amparo.screening.engine import evaluate
from amparo.screening.protocol import Protocol, load_protocol
from tests.screening.builders import adult, child


def answers_file(tmp_path: Path, content: object, name: str = "answers.json") -> Path:
    path = tmp_path / name
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text, encoding="utf-8")
    return path


def screen(*args: str) -> str:
    out = StringIO()
    call_command("screen", *args, stdout=out)
    return out.getvalue()


def amparo(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AMPARO_DATA_DIR": str(tmp_path)}
    return subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "-m", "amparo", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_screen_prints_the_result_as_json(protocol: Protocol, tmp_path: Path) -> None:
    path = answers_file(tmp_path, child())
    printed = json.loads(screen("--answers", str(path), "--lang", "en"))
    current = load_protocol("rcm-2013")
    assert printed == evaluate(current, child(), lang="en").to_dict()
    assert printed["protocol"] == {"id": "rcm-2013", "version": "1.2", "hash": current.sha256}
    assert [p["code"] for p in printed["profiles"]] == ["unaccompanied_child"]


def test_screen_writes_spanish_by_default_without_escaping_accents(tmp_path: Path) -> None:
    output = screen("--answers", str(answers_file(tmp_path, child())))
    assert '"label": "Niña, niño o adolescente no acompañado"' in output
    assert json.loads(output)["lang"] == "es"


def test_screen_can_name_the_protocol_and_its_version(protocol: Protocol, tmp_path: Path) -> None:
    path = answers_file(tmp_path, adult())
    output = screen("--answers", str(path), "--protocol", "rcm-2013", "--protocol-version", "1.0")
    assert json.loads(output)["protocol"]["hash"] == protocol.sha256


def test_screen_as_a_process_prints_json_and_succeeds(tmp_path: Path) -> None:
    path = answers_file(tmp_path, adult(fear_of_return=True, persecution_grounds=["gang_violence"]))
    result = amparo(["screen", "--answers", str(path), "--lang", "en"], tmp_path)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert [p["code"] for p in printed["profiles"]] == ["international_protection"]
    assert printed["consular_notification"]["appropriate"] is False
    assert printed["urgency"]["level"] == "urgent"


def test_screen_as_a_process_refuses_bad_answers_with_nothing_on_stdout(tmp_path: Path) -> None:
    path = answers_file(tmp_path, {"fear_of_retrun": True, "age_years": 200, "pregnant": "yes"})
    result = amparo(["screen", "--answers", str(path), "--lang", "en"], tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"CommandError: {path}: invalid answers:\n"
        "  fear_of_retrun: is not a question of this protocol\n"
        "  age_years: must be between 0 and 120\n"
        "  pregnant: must be true or false\n"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("{not json", "not valid JSON", id="invalid JSON"),
        pytest.param([1, 2], "the answers must be a JSON object", id="a list"),
        pytest.param({"age_years": "15"}, "age_years: must be a whole number", id="a wrong type"),
        pytest.param(
            {"country_of_identification": "ZZ"}, "country_of_identification", id="a bad country"
        ),
    ],
)
def test_screen_refuses_bad_input_naming_the_file(
    tmp_path: Path, content: object, message: str
) -> None:
    path = answers_file(tmp_path, content)
    with pytest.raises(CommandError) as error:
        screen("--answers", str(path), "--lang", "en")
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_screen_refuses_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(CommandError) as error:
        screen("--answers", str(missing))
    assert str(error.value) == f"{missing}: cannot be read (No such file or directory)"


def test_screen_refuses_an_unknown_protocol(tmp_path: Path) -> None:
    path = answers_file(tmp_path, adult())
    with pytest.raises(CommandError) as error:
        screen("--answers", str(path), "--protocol", "rcm-2099")
    assert str(error.value) == "no screening protocol 'rcm-2099'"
