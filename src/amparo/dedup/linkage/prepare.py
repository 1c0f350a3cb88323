"""The columns the linkage model compares, derived once from raw registry rows.

Each distinct raw value is normalised once (registries repeat names a lot), so a million
rows take seconds, not minutes.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

import pyarrow as pa

from amparo.dedup.linkage.reading import parse_birth_date
from amparo.lib.names import given_words, normalise_person_name, sound_key
from amparo.lib.text import normalise_phone

MODEL_COLUMNS = [
    "unique_id",
    "given_n",
    "given1",
    "given1_key",
    "surname_n",
    "surname_key",
    "second_n",
    "second_key",
    "married_n",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "dob",
    "nationality",
    "document_n",
    "phone_n",
    "address",
    "locality",
    "postcode",
]


# The birth date's parts are integers (or null); every other column is text. DuckDB's
# staging table and the Spark engine's Parquet input both take these types.
MODEL_SCHEMA = pa.schema(
    [
        (name, pa.int32() if name in ("birth_year", "birth_month", "birth_day") else pa.string())
        for name in MODEL_COLUMNS
    ]
)


def _blank(value: str) -> str | None:
    return value or None


@lru_cache(maxsize=200_000)
def _given(text: str) -> tuple[str | None, str | None, str | None]:
    words = given_words(text)
    first = words[0] if words else ""
    return _blank(" ".join(words)), _blank(first), _blank(sound_key(first))


def _surnames(surname: str, second: str) -> tuple[str | None, ...]:
    name = normalise_person_name("", surname, second)
    first_of_second = name.second_surname.split(" ")[0]
    return (
        _blank(name.surname),
        _blank(sound_key(name.surname)),
        _blank(name.second_surname),
        _blank(sound_key(first_of_second) if first_of_second else ""),
        _blank(name.married_surname),
    )


@lru_cache(maxsize=200_000)
def _birth(text: str) -> tuple[int | None, int | None, int | None, str | None]:
    date = parse_birth_date(text)
    full = None
    if date.year and date.month and date.day:
        full = f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
    return date.year, date.month, date.day, full


_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def _code(text: str) -> str | None:
    """Upper-case ASCII letters and digits, as lib.text.normalise_document, but faster."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _blank(_NOT_ALNUM.sub("", folded.upper()))


def _phone(text: str) -> str | None:
    digits = normalise_phone(text)
    return digits[-8:] if len(digits) >= 7 else None  # the number without its country code


def _sex(text: str) -> str | None:
    return _blank(text.lower()[:1])


def _nationality(text: str) -> str | None:
    return _blank(text.upper())


# Input column -> (how each value is reduced, the model column it fills)
_SIMPLE: list[tuple[str, Callable[[str], str | None], str]] = [
    ("sex", _sex, "sex"),
    ("nationality", _nationality, "nationality"),
    ("document_number", _code, "document_n"),
    ("phone", _phone, "phone_n"),
    ("address", _code, "address"),
    ("locality", _code, "locality"),
    ("postcode", _code, "postcode"),
]


def model_rows(rows: Iterable[dict[str, str]]) -> dict[str, list[object]]:
    """Raw rows ('id', 'given_name', ...) as the model's columns, column by column (each
    distinct value is reduced once)."""
    rows = list(rows)

    def raw(name: str) -> list[str]:
        return [(row.get(name) or "").strip() for row in rows]

    columns: dict[str, list[object]] = {"unique_id": list(raw("id"))}
    given = [_given(v) for v in raw("given_name")]
    surnames = [_surnames(a, b) for a, b in zip(raw("surname"), raw("second_surname"), strict=True)]
    birth = [_birth(v) for v in raw("birth_date")]
    for at, name in enumerate(["given_n", "given1", "given1_key"]):
        columns[name] = [g[at] for g in given]
    for at, name in enumerate(["surname_n", "surname_key", "second_n", "second_key", "married_n"]):
        columns[name] = [s[at] for s in surnames]
    for at, name in enumerate(["birth_year", "birth_month", "birth_day", "dob"]):
        columns[name] = [b[at] for b in birth]
    for source, reduce, name in _SIMPLE:
        columns[name] = [reduce(v) for v in raw(source)]
    return {name: columns[name] for name in MODEL_COLUMNS}


def model_row(row: dict[str, str]) -> dict[str, object]:
    """One raw row as the model's columns."""
    return {name: values[0] for name, values in model_rows([row]).items()}
