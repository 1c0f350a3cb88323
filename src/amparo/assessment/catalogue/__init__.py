"""The DoMV factor catalogue: the data-file format, its loader and the cached registry.

A catalogue is a versioned YAML file in this folder (`domv.yaml`). It lists, for each of the
four levels, the factors a case manager looks at: a stable code, the usual polarity, wording
and guidance in every interface language, and whether a risk on it demands immediate action.
Loading turns the file into frozen dataclasses and refuses a bad file with a `DataFileError`
naming the file, the key path and the problem. There is no weight or score in the format, on
purpose: the overall concern level is the case manager's judgement (DOMAIN.md 1.5).
"""

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.utils.translation import get_language

from amparo.assessment.enums import TEXT_LANGUAGES, Level, Polarity
from amparo.lib.datafiles import (
    DataFileError,
    file_sha256,
    latest_version,
    read_data_file,
    read_id,
    read_texts,
    read_version,
    require_keys,
    versioned_registry,
)

CATALOGUE_DIR = Path(__file__).resolve().parent
DEFAULT_CATALOGUE = "domv"

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION = re.compile(r"^\d+(\.\d+)*$")


def text_language() -> str:
    """The active interface language reduced to one the catalogue carries (English otherwise)."""
    language = (get_language() or "en").split("-")[0].lower()
    return language if language in TEXT_LANGUAGES else "en"


@dataclass(frozen=True, slots=True)
class Text:
    """One piece of wording in every language the catalogue carries."""

    es: str
    en: str
    fr: str

    def get(self, lang: str | None = None) -> str:
        return str(getattr(self, lang or text_language()))


@dataclass(frozen=True, slots=True)
class Factor:
    code: str
    level: Level
    polarity: Polarity
    label: Text
    guidance: Text
    immediate_danger: bool


@dataclass(frozen=True, slots=True)
class LevelEntry:
    code: Level
    title: Text
    description: Text | None
    factors: tuple[Factor, ...]


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A loaded catalogue. Treat it as read-only: loaded catalogues are cached and shared."""

    id: str
    version: str
    sha256: str
    path: Path
    title: Text
    levels: tuple[LevelEntry, ...]  # always the four levels, in Level order
    factors: Mapping[str, Factor]  # by code, in file order

    def level(self, code: str) -> LevelEntry:
        return next(entry for entry in self.levels if entry.code == code)


class CatalogueNotFoundError(LookupError):
    """No catalogue file carries the requested id (and version)."""


def load_catalogue_file(path: Path) -> Catalogue:
    """Load and validate one catalogue file (not cached); raise `DataFileError` if it is bad."""
    return _Loader(path).catalogue(read_data_file(path), file_sha256(path))


@functools.cache
def catalogue_registry(directory: Path = CATALOGUE_DIR) -> Mapping[tuple[str, str], Catalogue]:
    """Every catalogue file in the directory, loaded and validated once, by (id, version).

    A change of wording or factors is a new file with the same id and a higher version, so an
    assessment saved under an older version is still shown with the factors it was made with.
    """
    return versioned_registry(sorted(directory.glob("*.yaml")), load_catalogue_file)


def current_catalogue(catalogue_id: str = DEFAULT_CATALOGUE) -> Catalogue:
    """The highest version of the catalogue with this id: what new assessments use."""
    latest = latest_version(catalogue_registry(), catalogue_id)
    if latest is None:
        raise CatalogueNotFoundError(f"no DoMV catalogue {catalogue_id!r}")
    return catalogue_registry()[(catalogue_id, latest)]


def find_catalogue(catalogue_id: str, version: str) -> Catalogue | None:
    """The catalogue an assessment was recorded with, or None if its file is gone."""
    return catalogue_registry().get((catalogue_id, version))


class _Loader:
    """Parses one catalogue file, remembering where each factor code was first declared."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: dict[str, str] = {}  # factor code -> key path of its first declaration

    def fail(self, where: str, problem: str) -> DataFileError:
        return DataFileError(self.path, where, problem)

    def catalogue(self, data: object, digest: str) -> Catalogue:
        top = require_keys(self.path, "", data, {"id", "version", "title", "levels"}, {"source"})
        levels = self._levels(top["levels"])
        return Catalogue(
            id=self._id(top["id"]),
            version=self._version(top["version"]),
            sha256=digest,
            path=self.path,
            title=self.text("title", top["title"]),
            levels=levels,
            factors=MappingProxyType(
                {factor.code: factor for entry in levels for factor in entry.factors}
            ),
        )

    def _id(self, value: object) -> str:
        return read_id(self.path, value)

    def _version(self, value: object) -> str:
        return read_version(self.path, value)

    def text(self, where: str, value: object) -> Text:
        texts = read_texts(self.path, where, value, TEXT_LANGUAGES)
        return Text(**{lang: " ".join(words.split()) for lang, words in texts.items()})

    def _levels(self, value: object) -> tuple[LevelEntry, ...]:
        if not isinstance(value, dict):
            raise self.fail("levels", "must be a mapping of level codes to levels")
        for code in value:
            if code not in Level.values:
                raise self.fail(
                    f"levels.{code}", f"unknown level (use one of: {', '.join(Level.values)})"
                )
        missing = [code for code in Level.values if code not in value]
        if missing:
            raise self.fail("levels", f"missing level(s): {', '.join(missing)}")
        return tuple(self._level(Level(code), value[code]) for code in Level.values)

    def _level(self, code: Level, value: object) -> LevelEntry:
        where = f"levels.{code.value}"
        row = require_keys(self.path, where, value, {"title", "factors"}, {"description"})
        items = row["factors"]
        if not isinstance(items, list) or not items:
            raise self.fail(f"{where}.factors", "must be a non-empty list of factors")
        return LevelEntry(
            code=code,
            title=self.text(f"{where}.title", row["title"]),
            description=(
                self.text(f"{where}.description", row["description"])
                if "description" in row
                else None
            ),
            factors=tuple(
                self._factor(code, f"{where}.factors[{index}]", item)
                for index, item in enumerate(items)
            ),
        )

    def _factor(self, level: Level, where: str, value: object) -> Factor:
        row = require_keys(
            self.path, where, value, {"code", "polarity", "label", "guidance"}, {"immediate_danger"}
        )
        code = self._code(f"{where}.code", row["code"])
        polarity = self._polarity(f"{where}.polarity", row["polarity"])
        return Factor(
            code=code,
            level=level,
            polarity=polarity,
            label=self.text(f"{where}.label", row["label"]),
            guidance=self.text(f"{where}.guidance", row["guidance"]),
            immediate_danger=self._danger(f"{where}.immediate_danger", row, polarity),
        )

    def _code(self, where: str, value: object) -> str:
        if not isinstance(value, str) or not _CODE.match(value):
            raise self.fail(where, "must be lower-case letters, digits and underscores")
        if value in self.seen:
            raise self.fail(where, f"duplicate factor code {value!r} (first at {self.seen[value]})")
        self.seen[value] = where
        return value

    def _polarity(self, where: str, value: object) -> Polarity:
        if value not in Polarity.values:
            raise self.fail(
                where, f"unknown polarity {value!r} (use one of: {', '.join(Polarity.values)})"
            )
        return Polarity(str(value))

    def _danger(self, where: str, row: dict[str, Any], polarity: Polarity) -> bool:
        value = row.get("immediate_danger", False)
        if not isinstance(value, bool):
            raise self.fail(where, "must be true or false")
        if value and polarity != Polarity.RISK:
            raise self.fail(where, "only a factor whose usual polarity is risk can demand action")
        return value
