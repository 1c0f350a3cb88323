"""Optional differential privacy of published counts (OpenDP): noise really added, drawn once per
release content and kept, a budget per scope that refuses new releases once spent, nothing
between 1 and k-1, and nothing changed while it is off (the default)."""

import functools
import json
import math
import re
import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.protection.models import AuditEvent
from amparo.stats.domain import privacy
from amparo.stats.domain.privacy import (
    MAX_PROFILES_PER_RECORD,
    PrivacyConfig,
    privacy_config,
    published_value,
)
from amparo.stats.domain.scope import REGION, Scope
from amparo.stats.domain.suppression import Grid
from amparo.stats.domain.tables import (
    DASHBOARD,
    Filters,
    PublishedTable,
    TableSpec,
    _add_table,
    build_release,
    live_counts,
    private_release,
    release_from_counts,
)
from amparo.stats.enums import StatsAuditAction
from amparo.stats.models import PrivacyLedger, PrivateRelease
from tests.conftest import make_case

K = 11
DP_ON = {"AMPARO_STATS_DP_EPSILON": "1", "AMPARO_STATS_DP_BUDGET": "10"}
CONTRACT_KEYS = {"k", "cells", "row_totals", "column_totals", "total"}
BY_MONTH = TableSpec("screenings_by_month_and_country", "screenings", "month", "country")


def _page(response: object) -> str:
    """The page without what changes on every request (the CSP nonce, the CSRF token)."""
    body = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r'(nonce|name="csrfmiddlewaretoken" value)="[^"]*"', "", body)


def _values(table: PublishedTable) -> list[int | None]:
    return table.published_values()


def _big_counts() -> Counter[tuple[str, str]]:
    """36 months x 6 countries of synthetic counts between 100 and 480."""
    countries = ["CR", "GT", "HN", "MX", "PA", "SV"]
    months = [f"{2024 + i // 12}-{i % 12 + 1:02d}" for i in range(36)]
    return Counter(
        {
            (m, c): 100 + (i * 37 + j * 91) % 381
            for i, m in enumerate(months)
            for j, c in enumerate(countries)
        }
    )


def _private(
    counts: Counter[tuple[str, str]],
    epsilon: str = "1",
    budget: str = "100",
    edition: str = "day:2026-12-01",
) -> PublishedTable:
    config = PrivacyConfig(Decimal(epsilon), Decimal(budget))
    release = private_release(
        Scope(REGION),
        {BY_MONTH.id: counts},
        Filters(),
        [BY_MONTH],
        k=K,
        config=config,
        actor=None,
        edition=edition,
    )
    return release.tables[0]


# Off by default ---------------------------------------------------------------------------


def test_privacy_is_off_by_default_and_the_release_is_the_suppressed_one(
    analyst: User, cases: list[Case]
) -> None:
    assert privacy_config() is None
    release = build_release(Scope(REGION), Filters())
    exact = release_from_counts(
        live_counts(Scope(REGION), Filters(), DASHBOARD), Filters(), DASHBOARD, k=K
    )

    assert release.privacy is None
    assert [t.to_json() for t in release.tables] == [t.to_json() for t in exact.tables]
    assert all(set(t.to_json()) == CONTRACT_KEYS for t in release.tables)
    assert release.table("cases_by_stage_and_age").total.value == 15  # the exact count
    assert not PrivateRelease.objects.exists()
    assert not PrivacyLedger.objects.exists()


def test_the_command_prints_the_contract_without_privacy_when_it_is_off(
    analyst: User, cases: list[Case]
) -> None:
    printed = StringIO()
    call_command("stats", "table", "--by", "stage,age_band", "--measure", "cases", stdout=printed)
    table = json.loads(printed.getvalue())
    assert set(table) == CONTRACT_KEYS
    assert table["total"] == {"value": 15, "suppressed": False}


# Settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("epsilon", "budget", "named"),
    [
        ("abc", "1", "AMPARO_STATS_DP_EPSILON"),
        ("0", "1", "AMPARO_STATS_DP_EPSILON"),
        ("-0.5", "1", "AMPARO_STATS_DP_EPSILON"),
        ("nan", "1", "AMPARO_STATS_DP_EPSILON"),
        ("inf", "1", "AMPARO_STATS_DP_EPSILON"),
        ("0.0000001", "1", "AMPARO_STATS_DP_EPSILON"),
        ("1", "-3", "AMPARO_STATS_DP_BUDGET"),
        ("1", "", "AMPARO_STATS_DP_BUDGET"),
        ("", "5", "AMPARO_STATS_DP_EPSILON"),
        ("2", "1", "AMPARO_STATS_DP_BUDGET"),
    ],
)
def test_bad_privacy_settings_are_refused_naming_the_variable(
    epsilon: str, budget: str, named: str
) -> None:
    settings = override_settings(AMPARO_STATS_DP_EPSILON=epsilon, AMPARO_STATS_DP_BUDGET=budget)
    with settings, pytest.raises(ImproperlyConfigured, match=named):
        privacy_config()


def test_good_privacy_settings_are_read_as_decimals() -> None:
    with override_settings(AMPARO_STATS_DP_EPSILON=" 0.25 ", AMPARO_STATS_DP_BUDGET="3"):
        assert privacy_config() == PrivacyConfig(Decimal("0.25"), Decimal(3))


# The noise --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_noise_is_really_added_and_totals_stay_within_a_plausible_bound() -> None:
    counts = _big_counts()
    table = _private(counts)
    true_total = sum(counts.values())
    # cells, months, countries and the total: 4 queries of 1 / 4 each, sensitivity 1
    scale = 4 / 1
    differing = [
        key
        for key, cell in table.cells.items()
        if cell.value is not None and cell.value != counts[key]
    ]
    assert len(differing) > len(counts) // 2
    assert table.total.value is not None
    # P(|discrete Laplace| > 25 x scale) < 2 e^-25: a failure here is a bug, not bad luck.
    assert abs(table.total.value - true_total) <= 25 * scale
    for key, cell in table.cells.items():
        assert cell.value is not None
        assert abs(cell.value - counts[key]) <= 25 * scale
    assert table.privacy is not None
    assert table.privacy.epsilon == Decimal(1)


@pytest.mark.django_db
def test_no_noisy_value_between_one_and_k_minus_one_is_ever_published() -> None:
    small = Counter(
        {
            (f"2025-{m:02d}", c): (m * 3 + len(c)) % 14
            for m in range(1, 13)
            for c in ("GT", "MX", "SV")
        }
    )
    for attempt in range(5):
        table = _private(small, edition=f"day:2026-12-0{attempt + 1}")
        values = _values(table)
        assert [v for v in values if v is not None and 0 < v < K] == []
        assert [v for v in values if v is not None and v < 0] == []
    assert [published_value(v, K) for v in (-7, 0, 1, 10, 11, 500)] == [0, 0, None, None, 11, 500]


@pytest.mark.django_db
def test_the_release_is_split_across_its_queries_with_the_profile_sensitivity() -> None:
    grid = Grid()
    by_profile = TableSpec("screenings_by_profile", "screenings", "country", "profile")
    _add_table(grid, BY_MONTH, Counter({("2025-01", "MX"): 30, ("2025-02", "GT"): 12}))
    _add_table(grid, by_profile, Counter({("MX", "trafficking"): 30, ("MX", "none"): 5}))
    urgency = TableSpec("u", "screenings", "urgency", "country")
    _add_table(grid, urgency, Counter({("normal", "MX"): 30, ("urgent", "GT"): 12}))
    found = privacy.queries(grid)
    # month x country: cells, months, countries, total; urgency x country shares the
    # countries and the total; the profile table counts pairs: its own four queries
    assert len(found) == 4 + 2 + 4
    pairs = [q for q in found if q[1] == privacy.PAIRS]
    assert len(pairs) == 4
    assert {privacy.sensitivity(q) for q in pairs} == {MAX_PROFILES_PER_RECORD}
    assert MAX_PROFILES_PER_RECORD > 1
    assert {privacy.sensitivity(q) for q in found if q[1] == privacy.RECORDS} == {1}
    share = 0.5 / len(found)
    spent = sum(
        privacy._laplace(privacy.sensitivity(q), share).map(privacy.sensitivity(q)) for q in found
    )
    assert spent <= 0.5 + 1e-12


# Drawn once, kept, a budget per scope -----------------------------------------------------


@pytest.mark.django_db
def test_the_same_release_gives_the_same_figures_spends_once_and_hides_new_data() -> None:
    counts = _big_counts()
    first, second = _private(counts), _private(counts)
    assert _values(first) == _values(second)
    assert PrivateRelease.objects.count() == 1
    assert PrivacyLedger.objects.get(name="region").spent == Decimal(1)
    # The data moved within the same edition: the published release, nothing new (a new
    # release would tell, without noise, that someone joined the group).
    moved = _private(counts + Counter({("2024-01", "MX"): 1}))
    assert _values(moved) == _values(first)
    assert PrivateRelease.objects.count() == 1
    # The next day (or the next extract) is a new release: new noise, spent again.
    changed = _private(counts, edition="day:2026-12-02")
    assert _values(changed) != _values(first)
    assert PrivacyLedger.objects.get(name="region").spent == Decimal(2)
    assert AuditEvent.objects.filter(action=StatsAuditAction.PRIVATE_RELEASE_PUBLISHED).count() == 2


def test_the_dashboard_twice_shows_identical_figures_spends_once_and_shows_the_budget(
    login: Callable[[User], Client], analyst: User, cases: list[Case], mx_caseworker: User
) -> None:
    client = login(analyst)
    with override_settings(**DP_ON):
        first = client.get("/stats/")
        make_case(actor=mx_caseworker, agency_code="mx-oim", given="Mxlate", surname="Synth")
        second = client.get("/stats/")
        csv_one = client.get("/stats/cases_by_stage_and_age.csv").content
        csv_two = client.get("/stats/cases_by_stage_and_age.csv").content
        pdf = client.get("/stats/report.pdf")

    assert first.status_code == second.status_code == 200
    assert pdf.status_code == 200
    assert _page(first) == _page(second)
    assert csv_one == csv_two
    body = first.content.decode()
    assert "Differential privacy" in body or "Privacidad diferencial" in body
    assert "1 de 10" in body or "1 of 10" in body
    assert " style=" not in body
    assert "<script" not in body.split("<main")[1]
    assert PrivateRelease.objects.count() == 1
    assert PrivacyLedger.objects.get(name="region").spent == Decimal(1)
    event = AuditEvent.objects.get(action=StatsAuditAction.PRIVATE_RELEASE_PUBLISHED)
    assert event.actor_id == analyst.pk
    assert event.payload["epsilon"] == "1"
    assert event.payload["scope"] == REGION


def test_the_supervisor_and_the_focal_point_spend_their_own_ledgers(
    login: Callable[[User], Client], mx_supervisor: User, mx_focal: User, cases: list[Case]
) -> None:
    with override_settings(**DP_ON):
        assert login(mx_supervisor).get("/stats/").status_code == 200
        assert login(mx_focal).get("/stats/").status_code == 200
    names = set(PrivacyLedger.objects.values_list("name", flat=True))
    assert names == {f"agency:{mx_supervisor.memberships.get().agency_id}", "country:MX"}


def test_the_command_adds_the_privacy_key_and_prints_the_same_figures_twice(
    analyst: User, cases: list[Case]
) -> None:
    printed = []
    with override_settings(**DP_ON):
        for _ in range(2):
            out = StringIO()
            call_command(
                "stats", "table", "--by", "stage,age_band", "--measure", "cases", stdout=out
            )
            printed.append(json.loads(out.getvalue()))
    assert printed[0] == printed[1]
    table = printed[0]
    assert set(table) == {*CONTRACT_KEYS, "privacy"}
    assert table["privacy"] == {
        "mechanism": "discrete_laplace",
        "epsilon": 1.0,
        "budget_spent": 1.0,
        "budget_total": 10.0,
    }
    values = [
        p["value"]
        for p in [*table["cells"], *table["row_totals"], *table["column_totals"], table["total"]]
    ]
    assert [v for v in values if v is not None and 0 < v < K] == []
    # every stage and every age band is a row or a column, counted or not
    assert len(table["row_totals"]) == 8
    assert len(table["column_totals"]) == 5


def test_once_the_budget_is_spent_new_releases_are_refused_everywhere_and_old_ones_shown(
    login: Callable[[User], Client], analyst: User, cases: list[Case]
) -> None:
    client = login(analyst)
    client.cookies["django_language"] = "en"  # the refusals are read in English below
    with override_settings(AMPARO_STATS_DP_EPSILON="1", AMPARO_STATS_DP_BUDGET="1.5"):
        shown = client.get("/stats/")
        refused = client.get("/stats/", {"country": "MX"})
        refused_csv = client.get("/stats/cases_by_stage_and_age.csv", {"country": "MX"})
        refused_api = client.get("/api/stats/tables", {"country": "GT"})
        with pytest.raises(CommandError, match="privacy budget"):
            call_command(
                "stats", "table", "--by", "country", "--measure", "cases", stdout=StringIO()
            )
        again = client.get("/stats/")

    assert shown.status_code == 200
    assert refused.status_code == 409
    assert "privacy budget" in refused.content.decode() or "privacidad" in refused.content.decode()
    assert 'role="alert"' in refused.content.decode()
    assert "<svg" not in refused.content.decode()  # no figure at all, not even an old one
    assert refused_csv.status_code == 409
    assert refused_api.status_code == 422
    assert "privacy budget" in json.dumps(refused_api.json())
    assert again.status_code == 200
    assert _page(again) == _page(shown)
    assert PrivateRelease.objects.count() == 1
    assert PrivacyLedger.objects.get(name="region").spent == Decimal(1)


@pytest.mark.django_db
def test_the_refusal_names_what_is_spent_and_spends_nothing() -> None:
    counts = _big_counts()
    _private(counts, epsilon="5", budget="10")
    _private(counts, epsilon="5", budget="10", edition="day:2026-12-02")
    with pytest.raises(privacy.PrivacyBudgetSpent, match=r"spent \(10 of 10\)"):
        _private(counts, epsilon="5", budget="10", edition="day:2026-12-03")
    assert PrivateRelease.objects.count() == 2
    assert _values(_private(counts, epsilon="5", budget="10"))  # old releases are still served
    assert math.isclose(float(PrivacyLedger.objects.get(name="region").spent), 10.0)


def _in_threads(work: list[Callable[[], object]]) -> list[object]:
    """Run each call in its own thread and database session; results or raised errors."""
    results: list[object] = [None] * len(work)

    def run(i: int) -> None:
        try:
            results[i] = work[i]()
        except Exception as error:  # reported to the test
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer")
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_draw_twice_nor_overspend() -> None:
    counts = _big_counts()
    same = _in_threads([lambda: _values(_private(counts, budget="2"))] * 4)
    assert all(result == same[0] for result in same)
    assert PrivateRelease.objects.count() == 1

    days = [f"day:2026-12-0{n}" for n in range(2, 6)]
    results = _in_threads(
        [functools.partial(_private, counts, budget="2", edition=d) for d in days]
    )
    refused = [r for r in results if isinstance(r, privacy.PrivacyBudgetSpent)]
    assert len(refused) == 3  # the ledger had 1 left: one new release, three refused
    assert PrivateRelease.objects.count() == 2
    assert PrivacyLedger.objects.get(name="region").spent == Decimal(2)
