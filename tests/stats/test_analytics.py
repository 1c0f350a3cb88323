"""The analytics path (DuckDB over an extract) publishes exactly what the live path publishes."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from amparo.accounts.models import User
from amparo.demo import seed
from amparo.referrals.domain.seed import seed_directory_from_agencies
from amparo.stats.domain import analytics
from amparo.stats.domain.facts import facts_for
from amparo.stats.domain.scope import AGENCY, COUNTRY, REGION, Scope
from amparo.stats.domain.tables import DASHBOARD, Filters, build_release, release_from_facts
from amparo.stats.enums import Measure

FILTERS = [
    Filters(),
    Filters(country="MX"),
    Filters(start="2020-01", end="2099-12", sex="female"),
    Filters(profile="trafficking"),
    Filters(age_band="12-17"),
    Filters(start="2999-01"),
]


@pytest.fixture
def demo(reference: None) -> None:
    seed_directory_from_agencies()
    seed.create_demo_accounts()
    seed.seed_demo_cases(total=11 * 4)


def _scopes() -> list[Scope]:
    from amparo.accounts.models import Agency

    mx = Agency.objects.filter(country_id="MX").values_list("pk", flat=True)
    return [
        Scope(REGION),
        Scope(COUNTRY, countries=frozenset({"MX", "GT"})),
        Scope(AGENCY, agencies=frozenset(mx)),
    ]


def _published(release: object) -> list[dict]:
    return [t.to_json() for t in release.tables]  # type: ignore[attr-defined]


def test_the_extract_gives_the_live_release_for_every_scope_and_filter(
    demo: None, tmp_path: Path
) -> None:
    path = tmp_path / "facts.duckdb"
    call_command("stats", "extract", "--out", str(path))
    with analytics.open_extract(path) as con:
        stored = con.execute("SELECT count(*) FROM facts_screenings")
        assert stored.fetchone() == (len(facts_for(Measure.SCREENINGS, Scope(REGION))),)
    compared = 0
    for scope in _scopes():
        for filters in FILTERS:
            live = build_release(scope, filters)
            with override_settings(AMPARO_STATS_EXTRACT=str(path)):
                extracted = build_release(scope, filters)
            assert extracted.as_of
            assert _published(extracted) == _published(live), (scope, filters)
            compared += sum(len(t.cells) for t in live.tables)
    assert compared > 100  # the demo's facts fill the tables: the comparison is not empty


def test_the_extract_counts_each_table_as_the_live_counting_does(
    demo: None, tmp_path: Path
) -> None:
    """The raw counts (before suppression) of every table agree, profile pairs included."""
    from amparo.stats.domain.tables import _count

    path = tmp_path / "facts.duckdb"
    analytics.write_extract(path)
    facts = {m: facts_for(m, Scope(REGION)) for m in Measure.values}
    assert any(len(f["profile"]) > 1 for f in facts[Measure.SCREENINGS])  # multi-valued
    with analytics.open_extract(path) as con:
        for filters in FILTERS:
            counted = analytics.count_tables(con, DASHBOARD, Scope(REGION), filters)
            for spec in DASHBOARD:
                kept = [f for f in facts[spec.measure] if filters.keep(f)]
                assert counted[spec.id] == _count(kept, spec), (spec.id, filters)
    release = release_from_facts(
        {m: [f for f in facts[m] if Filters().keep(f)] for m in facts}, Filters(), DASHBOARD, k=11
    )
    assert release.tables


def test_the_extract_holds_codes_only_and_is_replaced_whole(demo: None, tmp_path: Path) -> None:
    path = tmp_path / "facts.duckdb"
    path.write_text("an old extract")
    report = analytics.write_extract(path)
    assert report.rows[Measure.CASES] == 44
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.duckdb"]  # no leftovers
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns = {
            name
            for (name,) in con.execute(
                "SELECT DISTINCT column_name FROM information_schema.columns"
            ).fetchall()
        }
        text = " ".join(
            str(value)
            for measure in Measure.values
            for row in con.execute(f"SELECT * FROM facts_{measure}").fetchall()  # noqa: S608
            for value in row
        )
    finally:
        con.close()
    allowed = {c for cs in analytics.COLUMNS.values() for c in cs} | {"key", "value"}
    assert columns <= allowed
    from amparo.people.models import Person

    for person in Person.objects.all()[:20]:
        assert person.given_names not in text
        assert person.first_surname not in text


def test_the_dashboard_reads_the_extract_and_says_when_it_was_written(
    login: Callable[[User], Client], analyst: User, demo: None, tmp_path: Path
) -> None:
    path = tmp_path / "facts.duckdb"
    report = analytics.write_extract(path)
    client = login(analyst)
    with override_settings(AMPARO_STATS_EXTRACT=str(path)):
        body = client.get("/stats/").content.decode()
        table = client.get("/api/stats/tables/cases_by_stage_and_age").json()
    assert body.count("<svg") == 11
    assert report.written_at[:10] in body
    assert table["total"] == {"value": 44, "suppressed": False}


def test_a_new_extract_is_read_at_once_and_an_unchanged_one_from_the_cache(
    demo: None, mx_caseworker: User, tmp_path: Path
) -> None:
    from tests.conftest import make_case

    path = tmp_path / "facts.duckdb"
    analytics.write_extract(path)
    spec = [s for s in DASHBOARD if s.id == "cases_by_stage_and_age"]
    with override_settings(AMPARO_STATS_EXTRACT=str(path)):
        assert build_release(Scope(REGION), Filters(), spec).tables[0].total.value == 44
        make_case(actor=mx_caseworker, agency_code="mx-oim", given="Nuevafake", surname="Synth")
        assert build_release(Scope(REGION), Filters(), spec).tables[0].total.value == 44
        analytics.write_extract(path)  # the refresh replaces the file: a new extract
        assert build_release(Scope(REGION), Filters(), spec).tables[0].total.value == 45


def test_a_regional_node_has_no_facts_to_extract(
    settings: Any, tmp_path: Path, reference: None
) -> None:
    settings.AMPARO_NODE_KIND = "regional"
    with pytest.raises(CommandError, match="regional node"):
        call_command("stats", "extract", "--out", str(tmp_path / "facts.duckdb"))
    assert not (tmp_path / "facts.duckdb").exists()
