"""Statistics pages per role: scoped, suppressed, with CSV, HXL CSV and PDF; 404 outside."""

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from pypdf import PdfReader

from amparo.accounts.models import User
from amparo.people.models import Case

K = 11


def _csv(client: Client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_analyst_sees_the_region_with_charts_and_nothing_small(
    login: Callable[[User], Client], analyst: User, cases: list[Case]
) -> None:
    client = login(analyst)
    page = client.get("/stats/")
    body = page.content.decode()

    assert page.status_code == 200
    assert body.count("<svg") == 11
    assert "Mxfake" not in body
    assert "Gtfake" not in body
    assert "<script" not in body.split("<main")[1]
    assert " style=" not in body
    rows = _csv(client, "/stats/cases_by_stage_and_age.csv")
    assert rows[0] == ["stage", "age_band", "value", "suppressed"]
    assert ["total", "total", "15", "false"] in rows
    values = [int(r[2]) for r in rows[1:] if r[2]]
    assert [v for v in values if 0 < v < K] == []


def test_the_hxl_download_carries_the_tags_under_the_header(
    login: Callable[[User], Client], analyst: User, cases: list[Case]
) -> None:
    hxl = _csv(login(analyst), "/stats/screenings_by_month-hxl.csv")
    assert hxl[0] == ["month", "country", "value", "suppressed"]
    assert hxl[1] == ["#date+month", "#country+code", "#indicator+num", "#meta+suppressed"]


def test_cases_by_country_hide_the_small_country_and_its_complement(
    login: Callable[[User], Client], analyst: User, cases: list[Case]
) -> None:
    from amparo.stats.domain.scope import REGION, Scope
    from amparo.stats.domain.tables import Filters, TableSpec, build_release

    spec = TableSpec("cases_by_country", "cases", "country")
    table = build_release(Scope(REGION), Filters(), [spec]).tables[0]
    # 12 in Mexico, 3 in Guatemala: Guatemala is hidden, and so is Mexico (15 - 12 = 3)
    assert table.row_totals["GT"].value is None
    assert table.row_totals["MX"].value is None
    assert table.total.value == 15


def test_the_supervisor_sees_only_her_agency(
    login: Callable[[User], Client], mx_supervisor: User, cases: list[Case]
) -> None:
    rows = _csv(login(mx_supervisor), "/stats/cases_by_stage_and_age.csv")
    assert ["total", "total", "12", "false"] in rows


def test_the_focal_point_sees_her_country_and_the_pdf_report(
    login: Callable[[User], Client], mx_focal: User, cases: list[Case]
) -> None:
    client = login(mx_focal)
    client.cookies["django_language"] = "en"
    rows = _csv(client, "/stats/cases_by_stage_and_age.csv")
    assert ["total", "total", "12", "false"] in rows
    pdf = client.get("/stats/report.pdf")
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Cases by stage and age band" in text
    assert "Mxfake" not in text


@pytest.mark.parametrize(
    "url", ["/stats/", "/stats/report.pdf", "/stats/cases_by_stage_and_age.csv"]
)
def test_a_caseworker_and_a_trainer_get_404(
    login: Callable[[User], Client], gt_caseworker: User, trainer: User, cases: list[Case], url: str
) -> None:
    assert login(gt_caseworker).get(url).status_code == 404
    assert login(trainer).get(url).status_code == 404


def test_a_bad_filter_is_refused_naming_the_field(
    login: Callable[[User], Client], analyst: User
) -> None:
    response = login(analyst).get("/stats/cases_by_stage_and_age.csv?start=2026-13")
    assert response.status_code == 400
    assert "start" in response.content.decode()


@pytest.mark.parametrize("language", ["es", "en", "fr"])
def test_the_filter_form_gives_the_same_figures_in_every_language(
    login: Callable[[User], Client], analyst: User, cases: list[Case], language: str
) -> None:
    client = login(analyst)
    client.cookies["django_language"] = language
    query = "scope=region&start=2020-01&end=2099-12&country=&profile=&sex=&age_band="
    page = client.get(f"/stats/?{query}")
    assert page.status_code == 200
    assert 'value="2020-01"' in page.content.decode()
    assert _csv(client, f"/stats/cases_by_stage_and_age.csv?{query}") == _csv(
        client, "/stats/cases_by_stage_and_age.csv"
    )
