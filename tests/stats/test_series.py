"""Public series with vintages, derived months and surge detection on COMAR's figures."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from amparo.stats.domain.queries import series_view, surges_for
from amparo.stats.domain.series import import_series
from amparo.stats.domain.surges import year_to_date
from amparo.stats.models import ExternalSeries, SeriesPoint

DATA = Path(__file__).resolve().parent / "data"  # public series, shipped with the tests
COMAR = DATA / "comar_asylum_applications_monthly.csv"
COMAR_ANNUAL = DATA / "comar_asylum_applications_annual.csv"
CBP = DATA / "cbp_southwest_border_encounters_monthly.csv"


@pytest.fixture
def comar(db: None) -> ExternalSeries:
    import_series(COMAR, name="comar-monthly", actor=None)
    return ExternalSeries.objects.get(name="comar-monthly")


def test_comar_flags_2021_by_may_and_may_as_the_highest_month(comar: ExternalSeries) -> None:
    out = StringIO()
    call_command("stats", "surges", "--series", "comar-monthly", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())

    assert report["series"] == "comar-monthly"
    assert "EARS C2" in report["method"]
    ytd = [f for f in report["flags"] if f["kind"] == "ytd_passed_previous_year"]
    assert ytd == [
        {
            "period": "2021-05",
            "kind": "ytd_passed_previous_year",
            "value": 41142,  # January-March 22,606 + April 9,209 + May 9,327
            "baseline": 41004,  # the whole of 2020
            "explanation": "January to May 2021 (41,142) already passed the whole of 2020 "
            "(41,004).",
        }
    ]
    records = {f["period"]: f for f in report["flags"] if f["kind"] == "record_month"}
    assert records["2021-05"]["value"] == 9327
    assert records["2021-05"]["baseline"] == 9209
    # EARS C2 saw the rise begin in March 2021 (9,095 against a 2020 baseline of a few thousand)
    assert "2021-03" in {f["period"] for f in report["flags"] if f["kind"] == "ears_c2"}


def test_missing_months_are_derived_from_cumulative_rows_and_marked(comar: ExternalSeries) -> None:
    derived = {
        p.period_start.strftime("%Y-%m"): p.value for p in SeriesPoint.objects.filter(derived=True)
    }
    # 2021-07 = Jan-Jul 64,378 - Jan-Jun 51,654; 2021-09 = Jan-Oct - Jan-Jul - Aug - Oct;
    # 2021-11 = Jan-Nov - Jan-Oct; 2020-10 = Jan-Oct - Jan-Sep
    assert derived == {"2020-10": 4329, "2021-07": 12724, "2021-09": 12718, "2021-11": 14992}
    view = series_view(comar)
    assert year_to_date(view, (2021, 4)) == 31815


def test_vintages_of_one_period_stay_side_by_side_and_reimport_changes_nothing(db: None) -> None:
    import_series(COMAR_ANNUAL, name="comar-annual", actor=None)
    report = import_series(COMAR_ANNUAL, name="comar-annual", actor=None)

    assert (report.added, report.kept) == (0, 14)
    values_2020 = SeriesPoint.objects.filter(period_start__year=2020).order_by("vintage")
    assert [(p.vintage, p.value) for p in values_2020] == [("2021-06", 41004), ("2024-07", 40733)]


def test_a_file_without_vintage_needs_the_publication_month(db: None) -> None:
    with pytest.raises(ValidationError, match="vintage"):
        import_series(CBP, name="cbp", actor=None)
    report = import_series(CBP, name="cbp", actor=None, vintage="2021-10")
    assert report.added == 21


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("month,encounters,vintage\n2021-01,100,2021-02\n2021-13,5,2021-02\n",
         "bad.csv, line 3, column month: expected a month YYYY-MM"),
        ("month,encounters,vintage\n2021-01,1O0,2021-02\n",
         "bad.csv, line 2, column encounters: expected a whole number of 0 or more"),
        ("period_start,period_end,applications,vintage\n2021-02-01,2021-01-31,5,2021-03\n",
         "bad.csv, line 2, column period_end: the period ends before it starts"),
        ("month,encounters,vintage\n2021-01,100,March\n",
         "bad.csv, line 2, column vintage: expected a publication month YYYY-MM"),
    ],
)  # fmt: skip
def test_a_bad_series_file_is_refused_naming_the_line_and_nothing_is_saved(
    db: None, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        call_command("stats", "import-series", str(path), "--name", "bad")
    assert not SeriesPoint.objects.exists()
    assert not ExternalSeries.objects.exists()


def test_another_value_for_a_stored_period_and_vintage_is_refused(
    comar: ExternalSeries, tmp_path: Path
) -> None:
    path = tmp_path / "revised.csv"
    path.write_text(
        "period_start,period_end,applications,vintage\n2021-05-01,2021-05-31,9400,2021-06\n"
    )
    with pytest.raises(ValidationError, match="line 2"):
        import_series(path, name="comar-monthly", actor=None)
    assert SeriesPoint.objects.get(period_start="2021-05-01", vintage="2021-06").value == 9327


def test_an_unknown_series_is_an_error(db: None) -> None:
    with pytest.raises(CommandError, match="no such series"):
        call_command("stats", "surges", "--series", "nothing")


def test_surges_of_the_node_own_counts_never_show_a_small_month(db: None) -> None:
    assert surges_for("node-screenings")["flags"] == []
