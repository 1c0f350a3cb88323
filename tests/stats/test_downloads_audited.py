"""Every download of a published table (CSV, HXL CSV, PDF, JSON) is one audit event, with
codes only: who, which tables, the format, the scope and the filters; never a figure or a name."""

from collections.abc import Callable

import pytest
from django.test import Client

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.protection.models import AuditEvent
from amparo.stats.enums import StatsAuditAction

DOWNLOADS = [
    ("/stats/cases_by_stage_and_age.csv?country=MX", "csv", ["cases_by_stage_and_age"]),
    ("/stats/screenings_by_month-hxl.csv?country=MX", "hxl", ["screenings_by_month"]),
    ("/api/stats/tables/cases_by_stage_and_age?country=MX", "json", ["cases_by_stage_and_age"]),
    ("/api/stats/tables?country=MX", "json", None),
    ("/stats/report.pdf?country=MX", "pdf", None),
]


@pytest.mark.parametrize(("url", "fmt", "tables"), DOWNLOADS)
def test_each_download_is_audited_with_codes_only(
    login: Callable[[User], Client],
    analyst: User,
    cases: list[Case],
    url: str,
    fmt: str,
    tables: list[str] | None,
) -> None:
    before = AuditEvent.objects.count()
    response = login(analyst).get(url)
    assert response.status_code == 200
    events = list(AuditEvent.objects.filter(action=StatsAuditAction.DASHBOARD_DOWNLOADED))
    assert len(events) == 1
    event = events[0]
    assert event.actor_id == analyst.pk
    assert event.payload["format"] == fmt
    assert event.payload["scope"] == "region"
    assert event.payload["country"] == "MX"
    if tables is not None:
        assert event.payload["tables"] == tables
    else:
        assert len(event.payload["tables"]) == 11
    text = str(event.payload)
    assert "Mxfake" not in text
    assert "Synth" not in text
    assert set(event.payload) <= {"format", "scope", "tables", "start", "end", "country",
                                  "profile", "sex", "age_band"}  # fmt: skip
    assert AuditEvent.objects.count() > before


def test_the_dashboard_page_itself_is_not_a_download(
    login: Callable[[User], Client], analyst: User, cases: list[Case]
) -> None:
    assert login(analyst).get("/stats/").status_code == 200
    assert not AuditEvent.objects.filter(action=StatsAuditAction.DASHBOARD_DOWNLOADED).exists()


def test_a_refused_download_writes_no_event(
    login: Callable[[User], Client], mx_caseworker: User, cases: list[Case]
) -> None:
    assert login(mx_caseworker).get("/stats/cases_by_stage_and_age.csv").status_code == 404
    assert not AuditEvent.objects.filter(action=StatsAuditAction.DASHBOARD_DOWNLOADED).exists()
