"""`amparo training parse-gift FILE`: JSON on stdout, or the problem on stderr and status 1."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from amparo.training.gift import parse_gift

SUITE = Path(__file__).parent / "data" / "gift"


def test_parse_gift_prints_the_questions_as_a_json_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = SUITE / "giftFormatPhpExamples.gift"

    call_command("training", "parse-gift", str(path))

    out, err = capsys.readouterr()
    assert json.loads(out) == parse_gift(path.read_text(encoding="utf-8"))
    assert err == ""


def test_parse_gift_keeps_accented_text_readable_in_its_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "quiz.gift"
    path.write_text("¿Dónde está la salida?{=Aquí ~Allá}\n", encoding="utf-8")

    call_command("training", "parse-gift", str(path))

    assert '"text": "¿Dónde está la salida?"' in capsys.readouterr().out


def test_parse_gift_refuses_a_malformed_file_with_its_line_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "quiz.gift"
    path.write_text("Fine?{T}\n\nBroken?{\n=yes\n", encoding="utf-8")

    with pytest.raises(SystemExit) as exit_info:
        call_command("training", "parse-gift", str(path))

    out, err = capsys.readouterr()
    assert exit_info.value.code == 1
    assert (out, err) == ("", f"{path}:3: '{{' is not closed: end the answer block with '}}'\n")


def test_parse_gift_refuses_a_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "absent.gift"

    with pytest.raises(SystemExit):
        call_command("training", "parse-gift", str(path))

    assert capsys.readouterr() == ("", f"{path}: cannot read the file: No such file or directory\n")


def test_the_amparo_command_exits_non_zero_with_the_problem_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "quiz.gift"
    path.write_text("Odd?{T#a#b#c}\n", encoding="utf-8")

    result = subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "-m", "amparo", "training", "parse-gift", str(path)],
        env={**os.environ, "AMPARO_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"{path}:1: true/false takes at most two feedbacks: {{T#wrong#right}}\n"
