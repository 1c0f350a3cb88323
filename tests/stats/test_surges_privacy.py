"""Surge flags of the node's own counts under differential privacy: read from the monthly
totals of the published noisy release (the flag's value is the published figure, never the
exact count), in the JSON, on the focal point's dashboard, in the API and in the e-mails; and
exactly as before when privacy is off.

The counts come from a synthetic extract (the analytics path), large enough that a surge
stands out of a small epsilon's noise: 20,000 a month through 2025, then 200,000 and 300,000.
"""

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings

from amparo.accounts.models import User
from amparo.stats.domain import analytics
from amparo.stats.domain.scope import COUNTRY, Scope
from amparo.stats.domain.surges import METHOD
from amparo.stats.domain.tables import DASHBOARD, Filters, build_release
from amparo.stats.models import PrivacyLedger, PrivateRelease

EPSILON = "0.01"  # small: every figure carries visible noise
DP_ON = {"AMPARO_STATS_DP_EPSILON": EPSILON, "AMPARO_STATS_DP_BUDGET": "1"}
MONTHLY = {f"2025-{m:02d}": 20_000 for m in range(1, 13)} | {
    "2026-01": 200_000,
    "2026-02": 300_000,
}
SURGES = ["2026-01", "2026-02"]
NOISE_NOTE = f"published with differential privacy (epsilon {EPSILON})"


def _write_extract(path: Path) -> Path:
    """Mexican screenings and referrals, `MONTHLY` of each, as de-identified facts."""
    con = duckdb.connect(str(path))
    try:
        analytics.create_schema(con)
        for month, count in MONTHLY.items():
            con.execute(
                "INSERT INTO facts_screenings SELECT 'MX', '1', ?, 'female', '12-17', "
                "['none'], 'normal' FROM range(?)",
                [month, count],
            )
            con.execute(
                "INSERT INTO facts_referrals SELECT 'MX', '1', ?, 'female', '12-17', ['none'], "
                "'health', 'accepted', '0-2', 'no', 'no' FROM range(?)",
                [month, count],
            )
        analytics.write_meta(con, format=analytics.FORMAT, written_at="2026-12-01T00:00:00+00:00")
    finally:
        con.close()
    return path


@pytest.fixture
def extract(reference: None, tmp_path: Path) -> Iterator[Path]:
    path = _write_extract(tmp_path / "facts.duckdb")
    with override_settings(AMPARO_STATS_EXTRACT=str(path)):
        yield path


def _command(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("stats", *args, stdout=out)
    return json.loads(out.getvalue())


def _month_margins(table: dict[str, Any]) -> dict[str, int | None]:
    return {str(part["month"]): part["value"] for part in table["row_totals"]}


def _surge_flags(body: dict[str, Any]) -> dict[str, Any]:
    """The record-month flags of the two surge months, by period."""
    found = {f["period"]: f for f in body["flags"] if f["kind"] == "record_month"}
    assert set(SURGES) <= set(found), body["flags"]
    return {period: found[period] for period in SURGES}


@pytest.mark.parametrize(
    ("series", "table_args"),
    [
        ("node-screenings", ["--by", "month,country", "--measure", "screenings"]),
        ("node-referrals", ["--by", "month", "--measure", "referrals"]),
    ],
)
def test_with_privacy_on_a_flag_is_the_published_noisy_monthly_total(
    extract: Path, series: str, table_args: list[str]
) -> None:
    with override_settings(**DP_ON):
        surges = _command("surges", "--series", series)
        published = _month_margins(_command("table", *table_args))

    flags = _surge_flags(surges)
    assert all(flag["value"] == published[period] for period, flag in flags.items())
    # Every flag, not only the surges, is read from the published figures.
    assert all(flag["value"] == published[flag["period"]] for flag in surges["flags"])
    # The noise is visible: the published figures are not the exact counts (an exact match
    # at both months has a chance of a few in a million at this epsilon).
    assert [published[p] for p in SURGES] != [MONTHLY[p] for p in SURGES]
    assert "differential privacy" in surges["method"]
    assert "not on exact counts" in surges["method"]
    assert all(NOISE_NOTE in flag["explanation"] for flag in surges["flags"])
    # The flags and the table are one release: spent once, not once more for the flags.
    assert PrivateRelease.objects.count() == 1
    assert PrivacyLedger.objects.get(name="region").spent == Decimal(EPSILON)


def test_with_privacy_off_the_flags_are_the_exact_counts_as_before(extract: Path) -> None:
    for series in ("node-screenings", "node-referrals"):
        surges = _command("surges", "--series", series)
        flags = _surge_flags(surges)
        assert surges["method"] == METHOD
        assert [flags[p]["value"] for p in SURGES] == [MONTHLY[p] for p in SURGES]
        assert flags["2026-01"]["explanation"] == (
            "200,000 is the highest month on record, above 20,000 in January 2025."
        )
    assert not PrivateRelease.objects.exists()
    assert not PrivacyLedger.objects.exists()


def test_the_focal_points_dashboard_and_api_flag_the_noisy_figures_of_its_own_release(
    login: Callable[[User], Client], extract: Path, mx_focal: User
) -> None:
    client = login(mx_focal)
    client.cookies["django_language"] = "en"
    with override_settings(**DP_ON):
        page = client.get("/stats/").content.decode()
        body = client.get("/api/stats/surges/node-screenings").json()
        mexico = Scope(COUNTRY, countries=frozenset({"MX"}))
        release = build_release(mexico, Filters(), DASHBOARD)

    margins = release.table("screenings_by_month").row_totals
    flags = _surge_flags(body)
    assert [flags[p]["value"] for p in SURGES] == [margins[p].value for p in SURGES]
    assert [margins[p].value for p in SURGES] != [MONTHLY[p] for p in SURGES]
    assert "screenings_by_month" in body["method"]
    # The page shows the same flags, its explanation naming the noisy value and the noise.
    assert "Surges in our own screenings" in page
    assert f"{margins['2026-02'].value:,} is the highest month on record" in page
    assert NOISE_NOTE in page
    # The page, the API and this read share the country's one release: spent once.
    assert PrivateRelease.objects.count() == 1
    assert PrivacyLedger.objects.get(name="country:MX").spent == Decimal(EPSILON)


def test_the_surge_email_gives_the_noisy_figures_and_says_so(extract: Path, mx_focal: User) -> None:
    mx_focal.email = "fausto.focal@example.org"
    mx_focal.language = "en"
    mx_focal.save(update_fields=["email", "language"])
    with override_settings(**DP_ON):
        call_command("stats", "notify-surges", stdout=StringIO())
        mexico = Scope(COUNTRY, countries=frozenset({"MX"}))
        screenings = build_release(mexico, Filters(), DASHBOARD).table("screenings_by_month")

    noisy = screenings.row_totals["2026-02"].value
    assert noisy is not None
    bodies = [m.body for m in mail.outbox if "screenings" in m.subject]
    record = f"{noisy:,} is the highest month on record"
    assert [b for b in bodies if b.startswith(record)], bodies
    assert mail.outbox
    assert all(NOISE_NOTE in message.body for message in mail.outbox)


def test_when_the_budget_cannot_pay_for_the_flags_release_nothing_is_flagged_from_exact_counts(
    login: Callable[[User], Client], extract: Path, mx_focal: User
) -> None:
    mx_focal.email = "fausto.focal@example.org"
    mx_focal.save(update_fields=["email"])
    client = login(mx_focal)
    client.cookies["django_language"] = "en"
    # The budget pays for one release: the filtered page's. The flags read the unfiltered one.
    with override_settings(AMPARO_STATS_DP_EPSILON=EPSILON, AMPARO_STATS_DP_BUDGET=EPSILON):
        page = client.get("/stats/", {"start": "2025-01"})
        api = client.get("/api/stats/surges/node-screenings")
        call_command("stats", "notify-surges", stdout=StringIO())

    assert page.status_code == 200  # its own figures, already paid for
    assert "<svg" in page.content.decode()
    assert "Surges in our own screenings" not in page.content.decode()
    # Said, not left to look like a month without surges.
    assert "Surge flags of our own screenings are not shown" in page.content.decode()
    assert api.status_code == 422
    assert "privacy budget" in json.dumps(api.json())
    assert mail.outbox == []
    assert PrivateRelease.objects.count() == 1
