"""Shared checks of the content loader: texts in every language, codes, versions, hashes."""

import hashlib
import re
from pathlib import Path
from typing import Any

from amparo.lib.datafiles import DataFileError, read_texts, read_version
from amparo.training.enums import CONTENT_LANGUAGES

CODE = re.compile(r"^[a-z0-9_-]+$")
_VERSION = re.compile(r"^\d+(\.\d+)*$")

type Texts = dict[str, str]


def text(path: Path, where: str, value: object) -> Texts:
    """A mapping {es, en, fr} of non-empty strings, stripped."""
    return read_texts(path, where, value, tuple(CONTENT_LANGUAGES))


def code(path: Path, where: str, value: object) -> str:
    if not isinstance(value, str) or not CODE.match(value):
        raise DataFileError(path, where, "must be lower-case letters, digits, '_' and '-'")
    return value


def version(path: Path, value: object) -> str:
    return read_version(path, value)


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
