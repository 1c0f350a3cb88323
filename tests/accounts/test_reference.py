from pathlib import Path

import pytest

from amparo.accounts.domain.reference import AGENCIES_FILE, COUNTRIES_FILE, load_reference_data
from amparo.accounts.enums import AgencyKind
from amparo.accounts.models import Agency, Country
from amparo.lib.datafiles import DataFileError

RCM_MEMBERS = {"BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"}


def test_the_eleven_member_countries_load_with_three_names(db: None) -> None:
    load_reference_data()
    assert set(Country.objects.values_list("code", flat=True)) == RCM_MEMBERS
    mexico = Country.objects.get(code="MX")
    assert (mexico.name_es, mexico.name_en, mexico.name_fr) == ("México", "Mexico", "Mexique")


def test_every_country_has_agencies_of_known_kinds(db: None) -> None:
    load_reference_data()
    for code in RCM_MEMBERS:
        assert Agency.objects.filter(country_id=code).exists(), code
    assert set(Agency.objects.values_list("kind", flat=True)) <= set(AgencyKind.values)
    assert Agency.objects.get(code="mx-comar").kind == "refugee_commission"
    assert Agency.objects.get(code="cr-pani").kind == "child_protection"


def test_enforcement_bodies_are_marked(db: None) -> None:
    """Every body with powers to detain or remove migrants (issue 16 item 3)."""
    load_reference_data()
    assert set(Agency.objects.filter(enforcement=True).values_list("code", flat=True)) == {
        "mx-inm",
        "mx-upmrip",
        "gt-igm",
        "hn-inm",
        "sv-dgme",
        "cr-dgme",
        "ni-dgme",
        "pa-snm",
        "pa-senafront",
        "do-dgm",
        "bz-immigration",
        "ca-cbsa",
        "us-cbp",
        "us-ice",
    }


def test_loading_twice_updates_in_place(db: None) -> None:
    load_reference_data()
    first_id = Agency.objects.get(code="mx-inm").id
    counts = load_reference_data()
    assert Agency.objects.count() == counts.agencies
    assert Agency.objects.get(code="mx-inm").id == first_id


def test_a_bad_agency_kind_is_refused_naming_file_and_key(db: None, tmp_path: Path) -> None:
    bad = tmp_path / "agencies.yaml"
    bad.write_text(
        "MX:\n  - {code: mx-x, name: X, kind: spaceship, confidence: V}\n", encoding="utf-8"
    )
    with pytest.raises(DataFileError) as error:
        load_reference_data(COUNTRIES_FILE, bad)
    assert str(error.value) == f"{bad}: MX[0].kind: unknown agency kind 'spaceship'"
    assert Agency.objects.count() == 0


def test_a_yaml_syntax_error_names_the_line(db: None, tmp_path: Path) -> None:
    bad = tmp_path / "agencies.yaml"
    bad.write_text("MX:\n  - {code: mx-x, name: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"line \d+: invalid YAML"):
        load_reference_data(COUNTRIES_FILE, bad)


def test_the_shipped_files_exist() -> None:
    assert COUNTRIES_FILE.exists()
    assert AGENCIES_FILE.exists()
