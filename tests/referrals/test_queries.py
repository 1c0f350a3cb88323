import uuid
from typing import Any

import pytest

from amparo.referrals.domain.queries import services_matching
from amparo.referrals.models import Location, Organization, Service, ServiceAtLocation


def _service(name: str, *, country: str | None = None, **fields: Any) -> Service:
    organization = Organization.objects.create(
        id=uuid.uuid4(), name=f"Organisation of {name}", country_id=country
    )
    description = fields.pop("description", "")
    return Service.objects.create(
        id=uuid.uuid4(),
        organization=organization,
        name=name,
        description=description,
        **fields,
    )


def names(**filters: Any) -> list[str]:
    return [service.name for service in services_matching(**filters)]


@pytest.fixture
def directory(reference: None) -> None:
    """Services that differ in one respect each, in Mexico and Guatemala."""
    _service(
        "Albergue Belén",
        country="MX",
        description="Refugio para mujeres migrantes y sus hijos",
        category="shelter",
        profiles=["woman_at_risk", "pregnant_or_lactating"],
        languages=["es"],
        sex="female",
    )
    _service(
        "Asesoría jurídica",
        country="GT",
        description="Información sobre asilo y regularización migratoria",
        category="legal",
        profiles=["international_protection"],
        languages=["es", "en"],
        minimum_age=18,
    )
    _service(
        "Casa del niño migrante",
        country="GT",
        category="child_protection",
        profiles=["unaccompanied_child", "separated_child"],
        maximum_age=17,
    )
    _service("Old clinic", country="MX", category="health", status="defunct")


def test_without_filters_every_active_service_matches(directory: None) -> None:
    assert names() == ["Albergue Belén", "Asesoría jurídica", "Casa del niño migrante"]


def test_text_ignores_accents_and_case(directory: None) -> None:
    assert names(text="BELEN") == ["Albergue Belén"]
    assert names(text="juridica") == ["Asesoría jurídica"]
    assert names(text="nino") == ["Casa del niño migrante"]


def test_text_searches_the_description_and_needs_every_word(directory: None) -> None:
    assert names(text="asilo migratoria") == ["Asesoría jurídica"]
    assert names(text="asilo albergue") == []


def test_country_filters_by_the_organisation(directory: None) -> None:
    assert names(country="gt") == ["Asesoría jurídica", "Casa del niño migrante"]


def test_country_also_matches_a_location_in_that_country(directory: None) -> None:
    service = _service("Línea de ayuda", category="legal")
    location = Location.objects.create(id=uuid.uuid4(), name="Oficina", country_code="MX")
    ServiceAtLocation.objects.create(id=uuid.uuid4(), service=service, location=location)
    assert names(country="MX") == ["Albergue Belén", "Línea de ayuda"]


def test_category_filters(directory: None) -> None:
    assert names(category="shelter") == ["Albergue Belén"]
    assert names(category="health") == []


def test_profile_matches_services_that_list_it(directory: None) -> None:
    assert names(profile="separated_child") == ["Casa del niño migrante"]
    assert names(profile="pregnant_or_lactating") == ["Albergue Belén"]
    assert names(profile="trafficking") == []


def test_language_matches_whole_codes(directory: None) -> None:
    assert names(language="en") == ["Asesoría jurídica"]
    assert names(language="ES") == ["Albergue Belén", "Asesoría jurídica"]
    assert names(language="e") == []


def test_age_keeps_services_whose_limits_admit_it(directory: None) -> None:
    assert names(age=15) == ["Albergue Belén", "Casa del niño migrante"]
    assert names(age=30) == ["Albergue Belén", "Asesoría jurídica"]


def test_sex_keeps_services_open_to_it(directory: None) -> None:
    assert names(sex="male") == ["Asesoría jurídica", "Casa del niño migrante"]
    assert names(sex="female") == ["Albergue Belén", "Asesoría jurídica", "Casa del niño migrante"]


def test_saving_a_service_keeps_its_search_text_current(directory: None) -> None:
    service = Service.objects.get(name="Albergue Belén")
    service.description = "Atención psicológica"
    service.save(update_fields=["description"])
    assert names(text="psicologica") == ["Albergue Belén"]


def test_filters_combine(directory: None) -> None:
    assert names(country="GT", age=10, text="migrante") == ["Casa del niño migrante"]


def test_the_search_loads_organisations_and_locations_up_front(
    directory: None, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        for service in services_matching():
            assert service.organization.country is not None
            assert list(service.service_at_locations.all()) == []
