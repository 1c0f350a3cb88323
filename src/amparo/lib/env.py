"""Typed readers for environment variables that refuse a bad value by naming the variable.

Settings are read once at start-up; a wrong value must stop the process with a message that
says which variable was wrong and what it should look like, never fall back silently.
"""

import os
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of true/false, yes/no, on/off, 1/0."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class DatabaseURL:
    engine: str
    name: str
    user: str
    password: str
    host: str
    port: str


def parse_database_url(name: str, raw: str) -> DatabaseURL:
    """Parse a postgresql:// or sqlite:/// URL, naming the variable on any problem."""
    parts = urlsplit(raw)
    if parts.scheme in {"postgres", "postgresql"}:
        db_name = parts.path.lstrip("/")
        if not db_name or not parts.hostname:
            raise ImproperlyConfigured(
                f"{name}={raw!r} needs a host and a database name: "
                "postgresql://USER[:PASSWORD]@HOST[:PORT]/NAME"
            )
        try:
            port = str(parts.port or "")
        except ValueError:
            raise ImproperlyConfigured(f"{name}={raw!r} has a port that is not a number.") from None
        return DatabaseURL(
            engine="django.db.backends.postgresql",
            name=unquote(db_name),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname,
            port=port,
        )
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if not path:
            raise ImproperlyConfigured(f"{name}={raw!r} needs a file path: sqlite:////abs/path.db")
        return DatabaseURL("django.db.backends.sqlite3", path, "", "", "", "")
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a database URL Amparo understands: "
        "use postgresql://USER@HOST:PORT/NAME or sqlite:////path/to/file.db"
    )
