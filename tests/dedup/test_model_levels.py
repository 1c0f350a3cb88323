"""The linkage model's levels on single pairs, and their plain words in the review queue."""

import logging

import pandas as pd
import pytest
from splink import DuckDBAPI, Linker

from amparo.dedup.evidence import LEVELS, describe
from amparo.dedup.linkage.model import comparisons, settings
from amparo.dedup.linkage.prepare import model_row, model_rows

OPTIONAL = ["address", "locality", "postcode"]

PERSON = {
    "id": "a",
    "given_name": "Harry",
    "surname": "Tippins",
    "second_surname": "",
    "sex": "m",
    "birth_date": "1949-07-06",
    "nationality": "HN",
    "document_number": "",
    "phone": "",
    "address": "86 North Arm",
    "locality": "Torquay",
    "postcode": "3084",
}


def test_every_level_of_every_comparison_has_its_words() -> None:
    """The queue names a level by its place from the bottom: a level added to the model
    without its words would shift every finding above it."""
    for comparison in comparisons(OPTIONAL):
        built = comparison.get_comparison("duckdb")
        levels = [level for level in built.comparison_levels if not level.is_null_level]
        assert len(levels) == len(LEVELS[built.output_column_name]), built.output_column_name


def _scored(**changes: str) -> dict[str, object]:
    """The other record, PERSON with `changes`, scored against PERSON by the untrained model
    (levels and blocking do not depend on training)."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    other = {**PERSON, "id": "b", **changes}
    db = DuckDBAPI()
    table = db.register(pd.DataFrame(model_rows([PERSON, other])))
    linker = Linker([table], settings(OPTIONAL))
    scored = linker.inference.score_pair(
        model_row(PERSON), model_row(other), include_found_by_blocking_rules=True
    ).as_pandas_dataframe()
    return {str(column): scored[column].iloc[0] for column in scored.columns}


def _finding(scored: dict[str, object], comparison: str) -> str:
    level = int(str(scored[f"gamma_{comparison}"]))
    (line,) = describe([{"comparison": comparison, "level": level, "weight": 0.0}])
    return str(line.finding)


@pytest.mark.parametrize(
    ("changes", "comparison", "finding"),
    [
        ({"postcode": "3085"}, "postcode", "one character different"),
        ({"postcode": "3048"}, "postcode", "one character different"),
        ({"postcode": "4108"}, "postcode", "different"),
        ({"locality": "Torfquay"}, "locality", "very similar"),
        ({"locality": "Kempsey"}, "locality", "different"),
    ],
)
def test_a_retyped_postcode_and_a_misspelt_locality(
    changes: dict[str, str], comparison: str, finding: str
) -> None:
    assert _finding(_scored(**changes), comparison) == finding


ELSEWHERE = {"address": "", "locality": "", "postcode": ""}  # no address to block on


@pytest.mark.parametrize(
    "names",
    [
        # Swapped, and the surname misspelt beyond its sound key (Hacry: akri, Harry: ari).
        {"given_name": "Tippins", "surname": "Hacry"},
        # Both names misspelt beyond their sound keys, the same birth date and initial.
        {"given_name": "Hacry", "surname": "Tipkins"},
    ],
)
def test_misspelt_names_of_the_same_birth_date_are_compared(names: dict[str, str]) -> None:
    assert _scored(**names, **ELSEWHERE)["found_by_blocking_rules"]
    assert not _scored(**names, **ELSEWHERE, birth_date="1950-07-06")["found_by_blocking_rules"]
