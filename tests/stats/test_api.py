"""The statistics API: the dashboard's published tables and surge flags, scoped by role like
the pages; 404 for anyone without statistics; bad filters are a 422 naming the field."""

import json
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from amparo.accounts.models import User
from amparo.people.models import Case

K = 11


def _every_value(body: dict) -> list[int]:
    parts = [*body["cells"], *body["row_totals"], *body["column_totals"], body["total"]]
    return [p["value"] for p in parts if p["value"] is not None]


def test_a_table_is_the_shape_the_command_prints_and_the_page_shows(
    login: Callable[[User], Client], analyst: User, cases: list[Case]
) -> None:
    response = login(analyst).get("/api/stats/tables/screenings_by_profile")
    printed = StringIO()
    call_command("stats", "table", "--by", "country,profile", "--format", "json", stdout=printed)

    assert response.status_code == 200
    assert response.json() == json.loads(printed.getvalue())
    cases_table = login(analyst).get("/api/stats/tables/cases_by_stage_and_age").json()
    assert set(cases_table) == {"k", "cells", "row_totals", "column_totals", "total"}
    assert cases_table["k"] == K
    assert cases_table["total"] == {"value": 15, "suppressed": False}
    assert [v for v in _every_value(cases_table) if 0 < v < K] == []


def test_the_release_holds_every_dashboard_table_with_nothing_small(
    login: Callable[[User], Client], analyst: User, cases: list[Case]
) -> None:
    body = login(analyst).get("/api/stats/tables").json()

    assert body["k"] == K
    assert body["scope"] == "region"
    assert len(body["tables"]) == 11
    by_id = {t["id"]: t for t in body["tables"]}
    assert by_id["cases_by_stage_and_age"]["by"] == ["stage", "age_band"]
    assert [v for t in body["tables"] for v in _every_value(t) if 0 < v < K] == []
    assert "Mxfake" not in json.dumps(body)


def test_the_supervisor_reads_her_agency_and_the_focal_point_his_country(
    login: Callable[[User], Client],
    mx_supervisor: User,
    mx_focal: User,
    gt_focal: User,
    cases: list[Case],
) -> None:
    url = "/api/stats/tables/cases_by_stage_and_age"
    assert login(mx_supervisor).get(url).json()["total"]["value"] == 12
    assert login(mx_focal).get(url).json()["total"]["value"] == 12
    # Guatemala's 3 cases are a small cell: the Guatemalan focal point sees them suppressed.
    assert login(gt_focal).get(url).json()["total"] == {"value": None, "suppressed": True}


def test_an_outsider_from_another_country_never_reaches_mexican_figures(
    login: Callable[[User], Client], gt_supervisor: User, cases: list[Case]
) -> None:
    client = login(gt_supervisor)
    mexican = client.get("/api/stats/tables/cases_by_stage_and_age?country=MX").json()
    region = client.get("/api/stats/tables/cases_by_stage_and_age?scope=region")

    assert mexican["total"] == {"value": 0, "suppressed": False}
    assert mexican["cells"] == []
    assert region.status_code == 422
    assert [e["field"] for e in region.json()["errors"]] == ["scope"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/stats/tables",
        "/api/stats/tables/cases_by_stage_and_age",
        "/api/stats/surges/node-screenings",
    ],
)
def test_roles_without_statistics_get_404_like_a_missing_table(
    login: Callable[[User], Client],
    gt_caseworker: User,
    trainer: User,
    analyst: User,
    cases: list[Case],
    url: str,
) -> None:
    assert login(gt_caseworker).get(url).status_code == 404
    assert login(trainer).get(url).status_code == 404
    assert login(analyst).get("/api/stats/tables/no_such_table").status_code == 404
    assert login(analyst).get("/api/stats/surges/no-such-series").status_code == 404


def test_a_supervisor_has_no_surge_flags_as_on_her_dashboard(
    login: Callable[[User], Client], mx_supervisor: User
) -> None:
    assert login(mx_supervisor).get("/api/stats/surges/node-screenings").status_code == 404


def test_a_bad_filter_is_a_422_naming_the_field(
    login: Callable[[User], Client], analyst: User
) -> None:
    response = login(analyst).get("/api/stats/tables/cases_by_stage_and_age?start=2026-13&sex=x")

    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == ["sex", "start"]


def test_signed_out_is_401(client: Client) -> None:
    assert client.get("/api/stats/tables").status_code == 401
