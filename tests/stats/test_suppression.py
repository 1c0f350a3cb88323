"""Small cells are suppressed, with complements, so that no suppressed value can be recovered."""

import itertools
import random

import pytest

from amparo.stats.domain import tables
from amparo.stats.domain.suppression import Grid, feasible_ranges, suppress
from amparo.stats.domain.tables import Filters, TableSpec, release_from_facts

K = 11
BY_PROFILE = TableSpec("t", "screenings", "country", "profile")


def _facts(counts: dict[tuple[str, str], int]) -> list[dict]:
    return [
        {"country": c, "profile": (p,), "month": "2026-11"}
        for (c, p), n in counts.items()
        for _ in range(n)
    ]


def _recover(table_json: dict, rows: str, columns: str) -> dict[tuple[str, str], int]:
    """An attacker: fill each suppressed cell from a published row or column total when it is
    the only unknown, repeatedly (the attack secondary suppression must defeat)."""
    known = {(c[rows], c[columns]): c["value"] for c in table_json["cells"]}
    row_total = {r[rows]: r["value"] for r in table_json["row_totals"]}
    col_total = {c[columns]: c["value"] for c in table_json["column_totals"]}
    recovered: dict[tuple[str, str], int] = {}
    changed = True
    while changed:
        changed = False
        for axis, totals in ((0, row_total), (1, col_total)):
            for label, total in totals.items():
                line = [key for key in known if key[axis] == label]
                unknown = [key for key in line if known[key] is None]
                if total is not None and len(unknown) == 1:
                    value = total - sum(known[key] for key in line if known[key] is not None)
                    known[unknown[0]] = recovered[unknown[0]] = value
                    changed = True
    return recovered


def test_a_single_small_cell_gets_complements_and_cannot_be_recovered_from_the_margins() -> None:
    counts = {("MX", "trafficking"): 3, ("MX", "disability"): 40, ("GT", "trafficking"): 25,
              ("GT", "disability"): 30}  # fmt: skip
    release = release_from_facts({"screenings": _facts(counts)}, Filters(), [BY_PROFILE], k=K)
    table = release.tables[0].to_json()

    cells = {(c["country"], c["profile"]): c for c in table["cells"]}
    assert cells[("MX", "trafficking")] == {
        "country": "MX", "profile": "trafficking", "value": None, "suppressed": True
    }  # fmt: skip
    assert sum(1 for c in table["cells"] if c["suppressed"]) == 4
    assert table["total"] == {"value": 98, "suppressed": False}
    assert _recover(table, "country", "profile") == {}


def test_no_published_value_is_between_one_and_k_minus_one() -> None:
    rng = random.Random(11)  # noqa: S311  (reproducible test tables, not secrets)
    countries, profiles = ["MX", "GT", "HN", "SV", "CR"], ["a", "b", "c", "d", "e", "f"]
    for _trial in range(5):
        counts = {
            key: rng.choice([0, 1, 2, 5, 9, 12, 30, 80])
            for key in itertools.product(countries, profiles)
        }
        release = release_from_facts({"screenings": _facts(counts)}, Filters(), [BY_PROFILE], k=K)
        values = release.tables[0].published_values()
        assert [v for v in values if v is not None and 0 < v < K] == []
        assert _recover(release.tables[0].to_json(), "country", "profile") == {}


def test_every_suppressed_cell_keeps_a_range_an_attacker_cannot_narrow_to_one_value() -> None:
    rng = random.Random(5)  # noqa: S311  (reproducible test tables, not secrets)
    grid, keys = Grid(), list(itertools.product(range(4), range(5)))
    values = {key: rng.choice([0, 2, 4, 15, 40]) for key in keys}
    for key, value in values.items():
        grid.add(key, value)
    for r in range(4):
        grid.add(("row", r), sum(values[(r, c)] for c in range(5)))
        grid.relate(("row", r), [(r, c) for c in range(5)])
    for c in range(5):
        grid.add(("col", c), sum(values[(r, c)] for r in range(4)))
        grid.relate(("col", c), [(r, c) for r in range(4)])
    grid.add("total", sum(values.values()))
    grid.relate("total", [("row", r) for r in range(4)])
    grid.relate("total", [("col", c) for c in range(5)])

    hidden = suppress(grid, K)

    for key, (low, high) in feasible_ranges(grid, hidden).items():
        assert high - low >= 1, key
        assert low <= grid.values[key] <= high
        if 0 < grid.values[key] < K:
            assert high >= K, key


def test_a_margin_shared_by_two_tables_is_suppressed_in_both() -> None:
    facts = [
        {"country": "MX", "urgency": "urgent", "month": "2026-11", "profile": ("x",)}
        for _ in range(4)
    ] + [
        {"country": "GT", "urgency": "normal", "month": "2026-10", "profile": ("x",)}
        for _ in range(30)
    ]
    specs = [
        TableSpec("a", "screenings", "urgency", "country"),
        TableSpec("b", "screenings", "month", "country"),
    ]
    release = release_from_facts({"screenings": facts}, Filters(), specs, k=K)
    for table in release.tables:
        assert table.column_totals["MX"].value is None
        assert [v for v in table.published_values() if v is not None and 0 < v < K] == []
    # the total (34) minus GT (30) would give MX: so GT's margin is hidden too
    assert release.tables[0].column_totals["GT"].value is None
    assert release.tables[1].column_totals["GT"].value is None


@pytest.mark.parametrize("k", [5, 11, 20])
def test_k_is_the_threshold(k: int) -> None:
    counts = {("MX", "a"): k - 1, ("MX", "b"): k, ("GT", "a"): k, ("GT", "b"): k + 5}
    release = release_from_facts({"screenings": _facts(counts)}, Filters(), [BY_PROFILE], k=k)
    table = release.tables[0]
    assert table.cells[("MX", "a")].value is None
    assert table.k == k


def test_a_release_with_the_same_figures_is_not_suppressed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counts = {("MX", "a"): 3, ("MX", "b"): 40, ("GT", "a"): 25, ("GT", "b"): 31}
    first = release_from_facts({"screenings": _facts(counts)}, Filters(), [BY_PROFILE], k=K)
    calls: list[int] = []

    def counting(grid: Grid, k: int) -> set:
        calls.append(k)
        return suppress(grid, k)

    monkeypatch.setattr(tables, "suppress", counting)
    again = release_from_facts({"screenings": _facts(counts)}, Filters(), [BY_PROFILE], k=K)
    changed = release_from_facts(
        {"screenings": _facts({**counts, ("GT", "b"): 32})}, Filters(), [BY_PROFILE], k=K
    )

    assert again.tables[0].to_json() == first.tables[0].to_json()
    assert calls == [K]  # only the changed figures were suppressed again
    assert changed.tables[0].total.value == 100
    assert changed.tables[0].cells[("MX", "a")].value is None
