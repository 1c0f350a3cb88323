"""Start-up refuses bad configuration, naming the variable (run as a real process)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _amparo(
    args: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "AMPARO_DATA_DIR": str(tmp_path), **env}
    full_env.pop("DATABASE_URL", None) if "DATABASE_URL" not in env else None
    return subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "-m", "amparo", *args],
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("AMPARO_DEBUG", "maybe", "AMPARO_DEBUG='maybe' is not a boolean"),
        ("DATABASE_URL", "postgres:/nowhere", "DATABASE_URL='postgres:/nowhere'"),
        ("AMPARO_SESSION_SECONDS", "soon", "AMPARO_SESSION_SECONDS='soon' is not a whole number"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_the_variable(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = _amparo(["check"], {variable: value}, tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_to_start_without_keys(tmp_path: Path) -> None:
    env = {"AMPARO_KEYS": "", "AMPARO_INDEX_KEY": "", "PORT": "8799"}
    result = _amparo(["serve"], env, tmp_path)
    assert result.returncode != 0
    assert "No encryption keys" in result.stderr
