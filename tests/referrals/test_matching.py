from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.referrals.domain.matching import Candidate, Needs, match_services, score
from amparo.referrals.domain.seed import seed_directory_from_agencies


def _candidate(**overrides: object) -> Candidate:
    values: dict[str, object] = {
        "pk": "1", "category": "asylum", "profiles": '["international_protection"]',
        "languages": '["es"]',
        "minimum_age": None, "maximum_age": None, "sex": "", "available": True, "capacity": None,
    }  # fmt: skip
    return Candidate(**{**values, **overrides})  # type: ignore[arg-type]


def test_a_service_for_the_profile_and_language_fits_with_reasons() -> None:
    result = score(_candidate(), Needs(profiles=("international_protection",), languages=("es",)))
    assert result.score == 55
    assert [str(m) % {"values": ", ".join(v)} for m, v in result.fits] == [
        "Serves: international_protection.",
        "Speaks es.",
    ]


def test_what_does_not_fit_is_said() -> None:
    needs = Needs(profiles=("international_protection",), languages=("ht",), age=15, sex="male")
    result = score(_candidate(minimum_age=18, sex="female", available=False), needs)
    assert [str(m) for m, _v in result.misfits] == [
        "Does not list the person's languages: an interpreter is needed.",
        "Outside the service's age range.",
        "Serves another sex only.",
        "Marked as not available now.",
    ]


def test_matching_ranks_services_of_the_case_country(
    reference: None, mx_case: Case, mx_caseworker: User
) -> None:
    seed_directory_from_agencies()
    matches = match_services(mx_case, Needs(profiles=("international_protection",)))
    agencies = [m.service.organization.agency.code for m in matches]
    assert "mx-comar" in agencies
    assert all(code.startswith("mx-") for code in agencies)
    assert all(m.fits for m in matches)
