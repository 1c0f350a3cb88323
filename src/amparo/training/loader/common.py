"""Shared checks of the content loader: texts in every language, codes, versions, hashes."""

import hashlib
import re
from pathlib import Path
from typing import Any

from amparo.lib.datafiles import DataFileError, require_keys
from amparo.training.enums import CONTENT_LANGUAGES

CODE = re.compile(r"^[a-z0-9_-]+$")
_VERSION = re.compile(r"^\d+(\.\d+)*$")

type Texts = dict[str, str]


def text(path: Path, where: str, value: object) -> Texts:
    """A mapping {es, en, fr} of non-empty strings, stripped."""
    row = require_keys(path, where, value, set(CONTENT_LANGUAGES))
    for lang in CONTENT_LANGUAGES:
        if not isinstance(row[lang], str) or not row[lang].strip():
            raise DataFileError(path, f"{where}.{lang}", "must be non-empty text")
    return {lang: row[lang].strip() for lang in CONTENT_LANGUAGES}


def code(path: Path, where: str, value: object) -> str:
    if not isinstance(value, str) or not CODE.match(value):
        raise DataFileError(path, where, "must be lower-case letters, digits, '_' and '-'")
    return value


def version(path: Path, value: object) -> str:
    # YAML reads 1.10 as the float 1.1; a quoted string keeps the version exact.
    if not isinstance(value, str) or not _VERSION.match(value):
        raise DataFileError(path, "version", 'must be a quoted string such as "1.0"')
    return value


def items(path: Path, where: str, value: object) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise DataFileError(path, where, "must be a non-empty list")
    return value


def hash_files(paths: list[Path], root: Path) -> str:
    """SHA-256 over the files' relative names and bytes: any change gives a new hash."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
