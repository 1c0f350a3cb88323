"""Loading of data files (YAML or JSON) with errors that name the file, the key and the problem."""

import json
from pathlib import Path
from typing import Any

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
