"""Loading of data files (YAML or JSON) with errors that name the file, the key and the problem."""

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

import yaml


class DataFileError(ValueError):
    """A data file is unreadable or breaks its schema; the message names file, key and problem."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path = str(path)
        self.key = key
        self.problem = problem
        where = f"{self.path}: {key}" if key else self.path
        super().__init__(f"{where}: {problem}")


def read_data_file(path: Path) -> Any:
    """Parse a YAML or JSON file; a syntax error is reported with its line number."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(path, "", f"cannot be read ({exc.strerror})") from None
    try:
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(path, f"line {exc.lineno}", f"invalid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataFileError(path, line, f"invalid YAML: {problem}") from None


def require_keys(
    path: Path,
    where: str,
    item: Any,
    required: set[str],
    optional: set[str] = frozenset(),  # type: ignore[assignment]
) -> dict[str, Any]:
    """Check that `item` is a mapping with all required keys and no unknown ones."""
    if not isinstance(item, dict):
        raise DataFileError(path, where, f"expected a mapping, found {type(item).__name__}")
    missing = sorted(required - item.keys())
    if missing:
        raise DataFileError(path, where, f"missing required key(s): {', '.join(missing)}")
    unknown = sorted(item.keys() - required - optional)
    if unknown:
        raise DataFileError(path, where, f"unknown key(s): {', '.join(unknown)}")
    return item


# Shared checks of the identity and wording of versioned data files (protocols, catalogues,
# course content): one definition, so every loader refuses the same mistakes the same way.
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VERSION = re.compile(r"^\d+(\.\d+)*$")
STAFF_LANGUAGES = ("es", "en", "fr")


def read_id(path: Path, value: object) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise DataFileError(path, "id", "must be lower-case letters, digits and hyphens")
    return value


def read_version(path: Path, value: object) -> str:
    # YAML reads 1.10 as the float 1.1; a quoted string keeps the version exact.
    if not isinstance(value, str) or not _VERSION.match(value):
        raise DataFileError(
            path, "version", 'must be a quoted string of dot-separated numbers, e.g. "1.0"'
        )
    return value


def read_texts(
    path: Path, where: str, value: object, languages: tuple[str, ...] = STAFF_LANGUAGES
) -> dict[str, str]:
    """A mapping with non-empty text in every language, stripped."""
    row = require_keys(path, where, value, set(languages))
    for lang in languages:
        if not isinstance(row[lang], str) or not row[lang].strip():
            raise DataFileError(path, f"{where}.{lang}", "must be non-empty text")
    return {lang: row[lang].strip() for lang in languages}


class Versioned(Protocol):
    """A loaded data file that names itself: an id, a version, where it came from."""

    @property
    def id(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def path(self) -> Path: ...


def file_sha256(path: Path) -> str:
    """The content hash a saved record keeps, so it can tell which file it was made with."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise DataFileError(path, "", f"cannot be read ({exc.strerror})") from None


def version_key(version: str) -> tuple[int, ...]:
    """Versions sort by their numbers: "1.10" comes after "1.9"."""
    return tuple(int(part) for part in version.split("."))


def versioned_registry[T: Versioned](
    paths: Iterable[Path], load: Callable[[Path], T]
) -> Mapping[tuple[str, str], T]:
    """Every file loaded and validated, by (id, version); two files with one id and version
    are refused, naming both."""
    found: dict[tuple[str, str], T] = {}
    for path in paths:
        item = load(path)
        key = (item.id, item.version)
        if key in found:
            raise DataFileError(
                path, "version", f"{key[0]} {key[1]} is also in {found[key].path.name}"
            )
        found[key] = item
    return MappingProxyType(found)


def latest_version(registry: Mapping[tuple[str, str], Versioned], item_id: str) -> str | None:
    versions = [version for key_id, version in registry if key_id == item_id]
    return max(versions, key=version_key) if versions else None
