from amparo.accounts.enums import AgencyKind
from amparo.accounts.models import Agency
from amparo.referrals.domain.seed import (
    CATEGORY_BY_KIND,
    PROFILES_BY_KIND,
    SeedCounts,
    seed_directory_from_agencies,
    service_id_for,
)
from amparo.referrals.enums import ServiceCategory
from amparo.referrals.models import Organization, Service
from tests.referrals.conftest import directory_counts


def _service_of(agency_code: str) -> Service:
    return Service.objects.select_related("organization").get(
        organization__agency__code=agency_code
    )


def test_every_agency_kind_has_a_category_and_profiles() -> None:
    assert set(CATEGORY_BY_KIND) == set(AgencyKind.values)
    assert set(PROFILES_BY_KIND) == set(AgencyKind.values)


def test_each_active_agency_gets_an_organization_and_a_service(reference: None) -> None:
    counts = seed_directory_from_agencies()
    not_targets = {"cr-tam", "us-eoir", "gt-minex", "sv-mrree", "gt-conamigua"}
    expected = (
        Agency.objects.filter(active=True, enforcement=False).exclude(code__in=not_targets).count()
    )
    assert counts == SeedCounts(organizations_created=expected, services_created=expected)
    comar = _service_of("mx-comar")
    assert (comar.name, comar.description) == (
        "Comisión Mexicana de Ayuda a Refugiados",
        "Mexican Commission for Refugee Assistance",
    )
    assert (comar.organization.alternate_name, comar.organization.country_id) == ("COMAR", "MX")
    assert (comar.category, comar.status) == ("asylum", "active")
    assert comar.profiles == ["international_protection", "stateless"]


def test_seeding_twice_changes_nothing(reference: None) -> None:
    seed_directory_from_agencies()
    before = directory_counts()
    ids = set(Service.objects.values_list("id", flat=True))
    assert seed_directory_from_agencies() == SeedCounts(0, 0)
    assert directory_counts() == before
    assert set(Service.objects.values_list("id", flat=True)) == ids


def test_seeding_again_keeps_edits_made_in_the_directory(reference: None) -> None:
    seed_directory_from_agencies()
    Service.objects.filter(organization__agency__code="cr-pani").update(capacity=30, hours="24 h")
    seed_directory_from_agencies()
    pani = _service_of("cr-pani")
    assert (pani.capacity, pani.hours) == (30, "24 h")


def test_ids_derive_from_the_agency_code_and_never_change(reference: None) -> None:
    seed_directory_from_agencies()
    svet = _service_of("gt-svet")
    assert str(svet.id) == "3443b0db-c167-5a49-9934-3c0e4fc302b7"
    assert str(svet.organization_id) == "d51cea28-007c-57e5-bfc8-a3d0b41b41e5"
    assert svet.id == service_id_for(Agency.objects.get(code="gt-svet"))


def test_enforcement_bodies_get_no_organization_and_no_service(reference: None) -> None:
    seed_directory_from_agencies()
    enforcement = {
        "us-ice", "us-cbp", "ca-cbsa", "mx-inm", "mx-upmrip", "gt-igm", "hn-inm", "sv-dgme",
        "cr-dgme", "ni-dgme", "pa-snm", "do-dgm", "bz-immigration", "pa-senafront",
    }  # fmt: skip
    assert set(Agency.objects.filter(enforcement=True).values_list("code", flat=True)) == (
        enforcement
    )
    seeded = set(Organization.objects.values_list("agency__code", flat=True))
    assert seeded & enforcement == set()


def test_inactive_agencies_are_not_seeded(reference: None) -> None:
    seed_directory_from_agencies()
    seeded = set(Organization.objects.values_list("agency__code", flat=True))
    assert {"sv-isna", "sv-conna"} & seeded == set()


def test_categories_follow_the_agency_kind(reference: None) -> None:
    seed_directory_from_agencies()
    assert _service_of("cr-pani").category == ServiceCategory.CHILD_PROTECTION
    assert _service_of("mx-consulado-hn").category == ServiceCategory.DOCUMENTATION
    assert _service_of("cr-inamu").category == ServiceCategory.GBV
    assert _service_of("mx-fevimtra").category == ServiceCategory.LEGAL
    assert _service_of("mx-oim").category == ServiceCategory.RETURN_REINTEGRATION
    assert _service_of("mx-cruz-roja").category == ServiceCategory.FAMILY_TRACING


def test_unhcr_offices_offer_asylum_not_return(reference: None) -> None:
    seed_directory_from_agencies()
    unhcr = _service_of("mx-acnur")
    assert unhcr.category == ServiceCategory.ASYLUM
    assert "international_protection" in unhcr.profiles


def test_a_return_service_is_never_for_someone_who_may_need_protection(
    reference: None,
) -> None:
    seed_directory_from_agencies()
    for service in Service.objects.filter(category=ServiceCategory.RETURN_REINTEGRATION):
        assert "international_protection" not in service.profiles, service.name
        assert "stateless" not in service.profiles, service.name


def test_tribunals_and_foreign_ministries_are_no_referral_target(reference: None) -> None:
    seed_directory_from_agencies()
    seeded = set(Organization.objects.values_list("agency__code", flat=True))
    assert {"cr-tam", "us-eoir", "gt-minex", "sv-mrree", "gt-conamigua"} & seeded == set()


def test_consulates_police_tracing_and_return_serve_no_child_or_lgbti_profile(
    reference: None,
) -> None:
    seed_directory_from_agencies()
    assert _service_of("mx-consulado-hn").profiles == []
    assert _service_of("ca-rcmp-htncc").profiles == []
    assert _service_of("mx-cruz-roja").profiles == []
    assert _service_of("mx-oim").profiles == ["smuggled_vulnerable", "extra_continental"]
    assert _service_of("mx-acnur").profiles == [
        "international_protection",
        "unaccompanied_child",
        "separated_child",
        "lgbti",
        "stateless",
    ]


def test_the_refugee_authorities_of_guatemala_and_honduras_serve_asylum_seekers(
    reference: None,
) -> None:
    """Issue 16 item 7: a refugee authority for the international-protection profile in every
    country, Guatemala and Honduras included."""
    seed_directory_from_agencies()
    for code in ("gt-conare", "gt-igm-refugio", "hn-inm-refugio"):
        service = _service_of(code)
        assert service.category == ServiceCategory.ASYLUM, code
        assert "international_protection" in service.profiles, code


def test_legal_aid_and_the_prosecutor_of_el_salvador_offer_legal_services(
    reference: None,
) -> None:
    seed_directory_from_agencies()
    assert _service_of("sv-pgr").category == ServiceCategory.LEGAL
    assert _service_of("sv-pgr").profiles == [
        "international_protection",
        "trafficking",
        "crime_victim_in_transit",
    ]
    assert _service_of("sv-fgr").category == ServiceCategory.LEGAL
    seeded = set(Organization.objects.values_list("agency__code", flat=True))
    assert {"gt-minex", "sv-mrree"} & seeded == set()
