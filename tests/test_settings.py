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


def test_behind_https_cookies_are_secure_and_hsts_is_sent(tmp_path: Path) -> None:
    probe = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    )
    env = {
        **os.environ,
        "AMPARO_DATA_DIR": str(tmp_path),
        "AMPARO_HTTPS": "true",
        "DJANGO_SETTINGS_MODULE": "amparo.settings",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {probe}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["True", "True", "31536000", "True"]


def test_outside_demo_mode_a_secret_key_is_required(tmp_path: Path) -> None:
    result = _amparo(["check"], {"AMPARO_DEMO": "false", "AMPARO_SECRET_KEY": ""}, tmp_path)
    assert result.returncode == 2
    assert "AMPARO_SECRET_KEY must be set" in result.stderr
