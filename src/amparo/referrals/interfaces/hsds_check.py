"""Structural check of HSDS 3.0 objects, naming each problem by its JSON path ($.a[0].b)."""

import datetime as dt
import math
import re
import uuid
from typing import Any

from amparo.referrals.interfaces.hsds_tables import (
    DATE_TIME,
    EMAIL,
    NUMBER,
    STRING,
    TABLES,
    URI,
    UUID,
    Kind,
)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_HYPHENS = (8, 13, 18, 23)


def key_path(path: str, key: str) -> str:
    """The path of a key: `$.name`, or `$["odd key"]` when the key is not an identifier."""
    if _IDENTIFIER.match(key):
        return f"{path}.{key}"
    return f'{path}["{key}"]'


def json_type(value: object) -> str:
    """The JSON name of a Python value, with its article, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def is_uuid(value: object) -> bool:
    """True for a UUID in its hyphenated form, as the JSON Schema `uuid` format requires."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    if any(value[position] != "-" for position in _HYPHENS):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _is_date_time(value: str) -> bool:
    if "T" not in value.upper():
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_problem(value: object) -> str | None:
    if not _is_number(value):
        return f"expected a number, found {json_type(value)}"
    if not math.isfinite(value):  # type: ignore[arg-type]
        return f"{value} is not a finite number"
    return None


_FORMAT_PROBLEMS = {
    UUID: (is_uuid, "is not a UUID"),
    EMAIL: (lambda value: "@" in value, "is not an email address"),
    URI: (lambda value: bool(_URI.match(value)), "is not an absolute URI"),
    DATE_TIME: (_is_date_time, "is not a date and time (RFC 3339)"),
}


def _scalar_problem(value: object, kind: str) -> str | None:
    if kind == NUMBER:
        return _number_problem(value)
    if not isinstance(value, str):
        return f"expected a string, found {json_type(value)}"
    if kind == STRING:
        return None
    test, problem = _FORMAT_PROBLEMS[kind]
    return None if test(value) else f"{value!r} {problem}"


def _value_problems(value: object, kind: Kind, path: str) -> list[str]:
    if isinstance(kind, tuple):
        if value in kind:
            return []
        allowed = ", ".join(repr(choice) for choice in kind)
        return [f"{path}: {value!r} is not one of {allowed}"]
    if kind.startswith("["):
        if not isinstance(value, list):
            return [f"{path}: expected a list, found {json_type(value)}"]
        table = kind[1:-1]
        problems: list[str] = []
        for index, item in enumerate(value):
            problems += object_problems(item, table, f"{path}[{index}]")
        return problems
    if kind in TABLES:
        return object_problems(value, kind, path)
    problem = _scalar_problem(value, kind)
    return [f"{path}: {problem}"] if problem else []


def object_problems(value: Any, table: str, path: str) -> list[str]:
    """Every problem of an object against its HSDS table: missing fields, wrong types, formats.

    Fields the table does not know are extensions and pass untouched, as in HSDS.
    """
    if not isinstance(value, dict):
        return [f"{path}: expected an object, found {json_type(value)}"]
    spec = TABLES[table]
    problems = [
        f"{key_path(path, name)}: required field missing"
        for name in spec.required
        if name not in value
    ]
    for name, item in value.items():
        kind = spec.fields.get(name)
        if kind is not None:
            problems += _value_problems(item, kind, key_path(path, name))
    return problems
