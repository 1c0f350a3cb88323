"""`amparo dedup generate` and `amparo dedup link`, as a user runs them (no database)."""

import csv
import math
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from amparo.dedup.linkage.model import LinkResult
from amparo.dedup.linkage.reading import REQUIRED

HEADER = ",".join(REQUIRED)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _assert_same_pairs(result: LinkResult, expected: LinkResult) -> None:
    def found(linked: LinkResult) -> dict[tuple[str, str], float]:
        pairs = linked.pairs
        return dict(zip(zip(pairs.id_l, pairs.id_r, strict=True), pairs.probability, strict=True))

    got, wanted = found(result), found(expected)
    assert got.keys() == wanted.keys()
    assert all(abs(got[pair] - wanted[pair]) < 1e-6 for pair in wanted)


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("population")
    people, truth = folder / "people.csv", folder / "truth.csv"
    call_command("dedup", "generate", "1500", "--out", str(people), "--truth", str(truth),
                 "--seed", "7")  # fmt: skip
    return people, truth


def test_generate_writes_the_columns_and_the_truth(population: tuple[Path, Path]) -> None:
    people, truth = population
    rows, answers = _read(people), _read(truth)
    assert list(rows[0]) == [*REQUIRED, "address", "locality", "postcode"]
    assert len(rows) == len(answers) == 1500
    assert [r["id"] for r in rows] == [a["id"] for a in answers]
    assert len({a["person"] for a in answers}) < 1500  # some persons have duplicates


def test_generate_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    for name in ("a", "b"):
        call_command("dedup", "generate", "50", "--out", str(tmp_path / f"{name}.csv"),
                     "--truth", str(tmp_path / f"{name}-t.csv"), "--seed", "3")  # fmt: skip
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


def test_link_finds_the_known_duplicates(population: tuple[Path, Path], tmp_path: Path) -> None:
    people, truth = population
    pairs_csv, clusters_csv = tmp_path / "pairs.csv", tmp_path / "clusters.csv"
    call_command("dedup", "link", str(people), "--out", str(pairs_csv),
                 "--clusters", str(clusters_csv), "--threshold", "0.9")  # fmt: skip
    pairs = _read(pairs_csv)
    person = {a["id"]: a["person"] for a in _read(truth)}
    assert list(pairs[0]) == ["id_l", "id_r", "probability"]
    assert all(p["id_l"] < p["id_r"] and float(p["probability"]) >= 0.9 for p in pairs)
    right = sum(person[p["id_l"]] == person[p["id_r"]] for p in pairs)
    assert right / len(pairs) > 0.95  # precision on a small sample, a sanity floor only
    clusters = _read(clusters_csv)
    assert list(clusters[0]) == ["id", "cluster"]
    assert {c["id"] for c in clusters} == set(person)


def _refusal(tmp_path: Path, content: bytes) -> str:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        call_command("dedup", "link", str(source), "--out", str(out))
    assert not out.exists()
    return str(refused.value)


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    message = _refusal(tmp_path, b"id,given_name,surname\nr1,Ana,Lopez\n")
    assert message == (
        "in.csv, line 1: missing column(s) second_surname, sex, birth_date, nationality, "
        "document_number, phone."
    )


def test_an_unparsable_date_is_named_with_its_line_and_column(tmp_path: Path) -> None:
    content = f"{HEADER}\nr1,Ana,Lopez,,f,1990-05-17,HN,,\nr2,Eva,Paz,,f,17/13/1990,HN,,\n"
    message = _refusal(tmp_path, content.encode())
    assert message.startswith("in.csv, line 3, column birth_date: ")


@pytest.mark.parametrize(
    ("language", "date", "expected"),
    [
        ("en", "1990-02-30", "line 3, column birth_date: month 2 of 1990 has no day 30"),
        ("es", "30-02-1990", "línea 3, columna birth_date: el mes 2 de 1990 no tiene día 30"),
        ("fr", "1990-02-30", "ligne 3, colonne birth_date : le mois 2 de 1990 n'a pas de jour 30"),
        ("en", "1990-13-01", "line 3, column birth_date: month 13 is not 1 to 12"),
        ("es", "0000-05-17", "línea 3, columna birth_date: 0 no es un año"),
    ],
)
def test_a_date_the_calendar_lacks_is_named_in_the_readers_language(
    tmp_path: Path, language: str, date: str, expected: str
) -> None:
    content = f"{HEADER}\nr1,Ana,Lopez,,f,1990-05-17,HN,,\nr2,Eva,Paz,,f,{date},HN,,\n"
    with translation.override(language):
        assert _refusal(tmp_path, content.encode()) == f"in.csv, {expected}"


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    content = f"{HEADER}\nr1,Ana,Lopez,,f,1990-05-17,HN,,\nr2,Jos\xe9,Paz,,m,,HN,,\n"
    message = _refusal(tmp_path, content.encode("latin-1"))
    assert message.startswith("in.csv, line 3: not UTF-8 text")


def test_a_repeated_id_is_refused(tmp_path: Path) -> None:
    content = f"{HEADER}\nr1,Ana,Lopez,,f,,HN,,\nr1,Eva,Paz,,f,,HN,,\n"
    assert _refusal(tmp_path, content.encode()) == (
        "in.csv, line 3, column id: id 'r1' appears twice."
    )


def test_link_reports_the_time_of_each_stage(population: tuple[Path, Path]) -> None:
    """What `bench/dedup_population_bench.py` prints per stage, to plan larger registries."""
    import pandas as pd

    from amparo.dedup.linkage.model import link
    from amparo.dedup.linkage.prepare import model_rows
    from amparo.dedup.linkage.reading import read_registry

    optional, rows = read_registry(str(population[0]))
    result = link([pd.DataFrame(model_rows(rows))], optional, clusters=True)
    assert list(result.seconds) == [
        "registering",
        "choosing blocking rules",
        "estimating parameters (EM)",
        "predicting pairs",
        "clustering",
    ]
    assert all(seconds > 0 for seconds in result.seconds.values())


def test_link_in_chunks_finds_the_same_pairs(population: tuple[Path, Path], tmp_path: Path) -> None:
    whole, parts = tmp_path / "whole.csv", tmp_path / "parts.csv"
    call_command("dedup", "link", str(population[0]), "--out", str(whole))
    call_command("dedup", "link", str(population[0]), "--out", str(parts), "--chunks", "3")
    key = ("id_l", "id_r")
    found = {tuple(p[k] for k in key): float(p["probability"]) for p in _read(parts)}
    expected = {tuple(p[k] for k in key): float(p["probability"]) for p in _read(whole)}
    assert found.keys() == expected.keys()
    assert all(abs(found[pair] - expected[pair]) < 1e-6 for pair in expected)


def test_chunks_must_be_a_positive_whole_number(population: tuple[Path, Path]) -> None:
    with pytest.raises(CommandError, match="chunks"):
        call_command("dedup", "link", str(population[0]), "--out", "x.csv", "--chunks", "0")


def test_the_file_path_stages_the_registry_in_batches_and_finds_the_same_pairs(
    population: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`dedup link` reads, checks and normalises a batch at a time into DuckDB; the pairs
    are those of the same registry handed over whole as one table."""
    import pandas as pd

    from amparo.dedup.linkage import reading
    from amparo.dedup.linkage.model import link, link_file
    from amparo.dedup.linkage.prepare import model_rows

    optional, rows = reading.read_registry(str(population[0]))
    whole = link([pd.DataFrame(model_rows(rows))], optional)
    monkeypatch.setattr(reading, "BATCH_ROWS", 128)  # 12 batches, the last one short
    staged = link_file(str(population[0]))
    assert next(iter(staged.seconds)) == "reading and normalising"
    assert len(whole.pairs) > 100
    _assert_same_pairs(staged, whole)


def test_a_bad_row_in_a_later_batch_is_named_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amparo.dedup.linkage import reading

    monkeypatch.setattr(reading, "BATCH_ROWS", 2)
    good = [f"r{i},Ana,Lopez,,f,1990-05-17,HN,,," for i in range(1, 6)]
    content = "\n".join([HEADER, *good, "r6,Eva,Paz,,f,1990-13-01,HN,,"]) + "\n"
    assert _refusal(tmp_path, content.encode()).startswith("in.csv, line 7, column birth_date: ")
    late = "\n".join([HEADER, *good]).encode() + b"\nr6,Jos\xe9,Paz,,m,,HN,,\n"
    assert _refusal(tmp_path, late) == (
        f"in.csv, line 7: not UTF-8 text (byte {late.index(b'\xe9')}); save the file as UTF-8."
    )
    again = "\n".join([HEADER, *good, "r2,Eva,Paz,,f,,HN,,"]) + "\n"
    assert _refusal(tmp_path, again.encode()) == "in.csv, line 7, column id: id 'r2' appears twice."


def test_a_rule_too_wide_for_the_registry_is_replaced_by_its_narrower_rules(
    population: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rules on names or a birth date alone grow as the square of the registry; above
    COMPARISONS_PER_RECORD per record each is split into narrower rules (the names and the
    birth year, or the names and the second surname, ...). On 1,500 records every rule stays
    whole."""
    from amparo.dedup.linkage import model

    names = "l.given1_key = r.given1_key AND l.surname_key = r.surname_key"
    assert model.link_file(str(population[0])).blocking == model.Blocking(
        [rule.condition for rule in model.RULES]
    )
    monkeypatch.setattr(model, "COMPARISONS_PER_RECORD", 0)
    narrowed = model.link_file(str(population[0])).blocking
    assert narrowed is not None
    assert narrowed.narrowed == [rule.condition for rule in model.RULES if rule.narrower]
    assert names not in narrowed.rules
    assert f"{names} AND l.birth_year = r.birth_year" in narrowed.rules
    assert f"{names} AND l.second_key = r.second_key" in narrowed.rules
    assert f"{names} AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day" in (
        narrowed.rules
    )
    assert "l.document_n = r.document_n" in narrowed.rules  # linear rules stay whole


def test_link_says_which_rules_it_narrowed(
    population: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from io import StringIO

    from amparo.dedup.linkage import model

    monkeypatch.setattr(model, "COMPARISONS_PER_RECORD", 0)
    monkeypatch.setattr("amparo.dedup.management.commands.dedup.COMPARISONS_PER_RECORD", 0)
    err = StringIO()
    call_command("dedup", "link", str(population[0]), "--out", str(tmp_path / "p.csv"), stderr=err)
    assert "more than 0 comparisons per record, used narrowed: l.given1_key" in err.getvalue()


def test_a_large_registry_is_predicted_in_as_many_chunks_as_it_needs(
    population: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above EXACT_COUNT_UP_TO records every rule is counted, and prediction is split into
    chunks x chunks parts of at most COMPARISONS_PER_PART; the pairs stay the same."""
    from amparo.dedup.linkage import model

    whole = model.link_file(str(population[0]))
    assert whole.blocking is not None
    assert (whole.blocking.comparisons, whole.blocking.chunks) == (None, 1)
    monkeypatch.setattr(model, "EXACT_COUNT_UP_TO", 0)
    monkeypatch.setattr(model, "COMPARISONS_PER_PART", 500)
    parts = model.link_file(str(population[0]))
    assert parts.blocking is not None
    assert parts.blocking.comparisons
    assert parts.blocking.chunks == math.ceil(math.sqrt(parts.blocking.comparisons / 500)) > 1
    _assert_same_pairs(parts, whole)


def test_link_prints_its_progress_not_splinks_every_step(
    population: tuple[Path, Path], tmp_path: Path
) -> None:
    """As a user runs it, in its own process: pytest's log capture would hide Splink's
    own handler."""
    done = subprocess.run(  # noqa: S603  (our own command, fixed arguments)
        [sys.executable, "-m", "amparo", "dedup", "link", str(population[0]),
         "--out", str(tmp_path / "p.csv")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "pairs above 0.99." in done.stdout
    assert "predicting pairs" in done.stderr  # the progress bar
    assert "Estimating u" not in done.stderr
    assert "Probability two random records match" not in done.stderr
