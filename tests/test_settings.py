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
    env = {"AMPARO_KEYS": "", "AMPARO_INDEX_KEY": "", "PORT": "8799", "AMPARO_DEMO": "true"}
    result = _amparo(["serve"], env, tmp_path)
    assert result.returncode != 0
    assert "No encryption keys" in result.stderr


@pytest.mark.parametrize("demo", [None, "false"])
def test_serve_refuses_the_demo_secret_key_unless_the_demo_was_chosen(
    tmp_path: Path, demo: str | None
) -> None:
    env = {"AMPARO_SECRET_KEY": "", "PORT": "8799"}
    full_env = {**os.environ, "AMPARO_DATA_DIR": str(tmp_path), **env}
    full_env.pop("DATABASE_URL", None)
    full_env.pop("AMPARO_DEMO", None)
    if demo is not None:
        full_env.update({"AMPARO_DEMO": demo, "AMPARO_DEBUG": "true"})  # DEBUG allows no key
    result = subprocess.run(
        [sys.executable, "-m", "amparo", "serve"],
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert "AMPARO_SECRET_KEY is not set, and the demo's public secret key may serve only" in (
        result.stderr
    )


def test_wsgi_refuses_the_demo_secret_key_outside_a_demo(tmp_path: Path) -> None:
    env = {**os.environ, "AMPARO_DATA_DIR": str(tmp_path), "AMPARO_SECRET_KEY": ""}
    env.pop("AMPARO_DEMO", None)
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", "import amparo.wsgi"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 3
    assert "Amparo cannot start: AMPARO_SECRET_KEY is not set" in result.stderr


def test_the_sqlite_database_and_its_wal_files_are_owner_only(tmp_path: Path) -> None:
    probe = (
        "import django, os, stat; django.setup(); "
        "from django.db import connection; "
        "c = connection.cursor(); c.execute('CREATE TABLE t (x int)'); "
        "c.execute('INSERT INTO t VALUES (1)'); "
        "d = os.environ['AMPARO_DATA_DIR'] + '/amparo.sqlite3'; "
        "print(*[oct(stat.S_IMODE(os.stat(d + s).st_mode)) for s in ('', '-wal', '-shm')])"
    )
    env = {
        **os.environ,
        "AMPARO_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "amparo.settings",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["0o600", "0o600", "0o600"]


def test_an_older_world_readable_database_is_narrowed_to_its_owner(tmp_path: Path) -> None:
    database = tmp_path / "amparo.sqlite3"
    database.touch(mode=0o644)
    database.chmod(0o644)
    env = {
        **os.environ,
        "AMPARO_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "amparo.settings",
    }
    env.pop("DATABASE_URL", None)
    probe = "import django; django.setup(); from django.db import connection; connection.cursor()"
    subprocess.run([sys.executable, "-c", probe], env=env, check=True)  # noqa: S603
    assert database.stat().st_mode & 0o777 == 0o600


def _settings_seen(tmp_path: Path, names: str, env: dict[str, str | None]) -> list[str]:
    """What a fresh process prints of the settings `names` (an expression over `s`) with the
    variables `env` set (None: unset)."""
    full_env = {**os.environ, "AMPARO_DATA_DIR": str(tmp_path)}
    full_env["DJANGO_SETTINGS_MODULE"] = "amparo.settings"
    for name, value in env.items():
        full_env.pop(name, None)
        if value is not None:
            full_env[name] = value
    probe = f"import django; django.setup(); from django.conf import settings as s; print({names})"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe], env=full_env, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_behind_https_cookies_are_secure_and_hsts_is_sent(tmp_path: Path) -> None:
    names = (
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT"
    )
    seen = _settings_seen(tmp_path, names, {"AMPARO_HTTPS": "true"})
    assert seen == ["True", "True", "31536000", "True"]


def test_outside_demo_mode_a_secret_key_is_required(tmp_path: Path) -> None:
    result = _amparo(["check"], {"AMPARO_DEMO": "false", "AMPARO_SECRET_KEY": ""}, tmp_path)
    assert result.returncode == 2
    assert "AMPARO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(("value", "expected"), [("true", "True"), (None, "False")])
def test_behind_a_pooler_postgresql_prepares_nothing(
    tmp_path: Path, value: str | None, expected: str
) -> None:
    """PgBouncer's transaction mode: `amparo.lib.batch` prepares no statement then."""
    names = "s.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS')"
    url = "postgresql://amparo@127.0.0.1:5432/amparo"
    env = {"DATABASE_URL": url, "AMPARO_DB_BEHIND_POOLER": value}
    assert _settings_seen(tmp_path, names, env) == [expected]
