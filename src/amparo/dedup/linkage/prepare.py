"""The columns the linkage model compares, derived once from raw registry rows.

Each distinct raw value is normalised once (registries repeat names a lot), so a million
rows take seconds, not minutes.
"""

from collections.abc import Callable, Iterable
from functools import lru_cache

from amparo.dedup.linkage.reading import parse_birth_date
from amparo.lib.names import normalise_person_name, sound_key
from amparo.lib.text import normalise_document, normalise_phone

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
    "locality",
    "postcode",
]


def _blank(value: str) -> str | None:
    return value or None


@lru_cache(maxsize=500_000)
def _names(given: str, surname: str, second: str) -> tuple[str | None, ...]:
    name = normalise_person_name(given, surname, second)
    given1 = name.given[0] if name.given else ""
    return (
        _blank(" ".join(name.given)),
        _blank(given1),
        _blank(sound_key(given1)),
        _blank(name.surname),
        _blank(sound_key(name.surname)),
        _blank(name.second_surname),
        _blank(sound_key(name.second_surname.split(" ")[0]) if name.second_surname else ""),
        _blank(name.married_surname),
    )


@lru_cache(maxsize=200_000)
def _birth(text: str) -> tuple[int | None, int | None, int | None, str | None]:
    date = parse_birth_date(text)
    full = None
    if date.year and date.month and date.day:
        full = f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
    return date.year, date.month, date.day, full


def _phone(text: str) -> str | None:
    digits = normalise_phone(text)
    return digits[-8:] if len(digits) >= 7 else None  # the number without its country code


_SIMPLE: dict[str, Callable[[dict[str, str]], str | None]] = {
    "sex": lambda r: _blank((r.get("sex") or "").strip().lower()[:1]),
    "nationality": lambda r: _blank((r.get("nationality") or "").strip().upper()),
    "document_n": lambda r: _blank(normalise_document(r.get("document_number") or "")),
    "phone_n": lambda r: _phone(r.get("phone") or ""),
    "locality": lambda r: _blank(normalise_document(r.get("locality") or "")),
    "postcode": lambda r: _blank(normalise_document(r.get("postcode") or "")),
}


def model_row(row: dict[str, str]) -> dict[str, object]:
    """One raw row ('id', 'given_name', ...) as the model's columns."""
    names = _names(
        (row.get("given_name") or "").strip(),
        (row.get("surname") or "").strip(),
        (row.get("second_surname") or "").strip(),
    )
    year, month, day, full = _birth((row.get("birth_date") or "").strip())
    prepared: dict[str, object] = {"unique_id": row["id"].strip()}
    prepared.update(zip(MODEL_COLUMNS[1:9], names, strict=True))
    prepared.update(birth_year=year, birth_month=month, birth_day=day, dob=full)
    for column, derive in _SIMPLE.items():
        prepared[column] = derive(row)
    return prepared


def model_rows(rows: Iterable[dict[str, str]]) -> dict[str, list[object]]:
    """Rows as columns (what DuckDB and pandas take fastest)."""
    columns: dict[str, list[object]] = {c: [] for c in MODEL_COLUMNS}
    for row in rows:
        for column, value in model_row(row).items():
            columns[column].append(value)
    return columns
