"""Shared set-up for benchmarks: a throwaway database, synthetic data, and the machine line.

Benchmarks print figures; they never assert a time.
"""

import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, {cpu}"
    )


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms (n={len(ordered)})"


def setup_django(database_url: str = "") -> None:
    """Point Django at a fresh database: a temporary SQLite file, or the given PostgreSQL URL."""
    from cryptography.fernet import Fernet

    os.environ["AMPARO_DATA_DIR"] = tempfile.mkdtemp(prefix="amparo-bench-")
    os.environ["AMPARO_KEYS"] = Fernet.generate_key().decode()
    os.environ["AMPARO_INDEX_KEY"] = "a" * 43 + "="
    os.environ["AMPARO_AUDIT_KEY"] = "b" * 43 + "="
    os.environ["AMPARO_CHECKPOINT_KEY"] = "c" * 43 + "="
    os.environ["AMPARO_REQUIRE_2FA"] = "false"
    os.environ["AMPARO_LOCKOUT_ENABLED"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "amparo.settings"
    if database_url:
        _recreate_postgres_database(database_url)
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _recreate_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
