from pathlib import Path

import pytest

from amparo.accounts.domain.reference import AGENCIES_FILE, COUNTRIES_FILE, load_reference_data
from amparo.accounts.enums import AgencyKind
from amparo.accounts.models import Agency, Country
from amparo.lib.datafiles import DataFileError
from amparo.referrals.domain.safety import policy_of

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


def test_every_member_country_has_a_refugee_authority_and_a_health_body(db: None) -> None:
    """Issue 16 item 7: a person who may need international protection is referred to the
    national refugee authority (Guatemala and Honduras had none), and every profile that needs
    health care has a health body to go to (only some countries had one)."""
    load_reference_data()
    active = Agency.objects.filter(active=True, enforcement=False)
    for kind in (AgencyKind.REFUGEE_COMMISSION, AgencyKind.HEALTH):
        countries = set(active.filter(kind=kind).values_list("country_id", flat=True))
        assert countries == RCM_MEMBERS, (kind, sorted(RCM_MEMBERS - countries))
    assert Agency.objects.get(code="gt-conare").kind == AgencyKind.REFUGEE_COMMISSION
    assert Agency.objects.get(code="hn-inm-refugio").kind == AgencyKind.REFUGEE_COMMISSION
    assert Agency.objects.filter(country_id="DO", acronym="ACNUR").exists()


def test_el_salvador_files_its_prosecutor_and_its_legal_aid_office_apart(db: None) -> None:
    load_reference_data()
    assert Agency.objects.get(code="sv-fgr").kind == AgencyKind.PROSECUTOR
    assert Agency.objects.get(code="sv-pgr").kind == AgencyKind.LEGAL_AID


def test_foreign_ministries_are_no_consulates_and_no_referral_targets(db: None) -> None:
    """MINEX and MRREE serve their own nationals abroad: a consulate always represents another
    country than the one it is in."""
    load_reference_data()
    ministries = Agency.objects.filter(kind=AgencyKind.FOREIGN_MINISTRY)
    assert set(ministries.values_list("code", flat=True)) == {"gt-minex", "sv-mrree"}
    assert not any(policy_of(ministry).referral_target for ministry in ministries)
    for consulate in Agency.objects.filter(kind=AgencyKind.CONSULATE):
        assert consulate.represents_id not in (None, consulate.country_id), consulate.code


def test_the_new_agency_kinds_extend_the_codes_without_renaming_any() -> None:
    """Codes are a contract: the kinds partners already rely on are still there."""
    assert {"prosecutor", "legal_aid", "foreign_ministry"} <= set(AgencyKind.values)
    assert AgencyKind.CONSULATE.value == "consulate"
    assert AgencyKind.VICTIM_ASSISTANCE.value == "victim_assistance"
