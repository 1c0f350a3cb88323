"""Reference data: the RCM member countries and their competent institutions (agencies)."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from amparo.accounts.enums import AgencyKind
from amparo.accounts.models import Agency, Country
from amparo.lib.datafiles import DataFileError, read_data_file, require_keys

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
COUNTRIES_FILE = REFERENCE_DIR / "countries.yaml"
AGENCIES_FILE = REFERENCE_DIR / "agencies.yaml"

_AGENCY_REQUIRED = {"code", "name", "kind", "confidence"}
_AGENCY_OPTIONAL = {
    "acronym",
    "name_en",
    "parent",
    "represents",
    "enforcement",
    "purposes",  # read by referrals/domain/safety.py: kinds an enforcement body may receive
    "referral_target",  # read by referrals/domain/safety.py: false for tribunals and the like
    "active",
    "valid_to",
}


@dataclass(frozen=True)
class ReferenceCounts:
    countries: int
    agencies: int


def parse_countries(path: Path) -> list[Country]:
    data = read_data_file(path)
    if not isinstance(data, list):
        raise DataFileError(path, "", "expected a list of countries")
    countries = []
    for index, item in enumerate(data):
        row = require_keys(path, f"[{index}]", item, {"code", "es", "en", "fr"})
        code = str(row["code"])
        if len(code) != 2 or not code.isupper():
            raise DataFileError(path, f"[{index}].code", f"{code!r} is not an ISO alpha-2 code")
        countries.append(
            Country(code=code, name_es=row["es"], name_en=row["en"], name_fr=row["fr"])
        )
    return countries


def parse_agencies(path: Path, country_codes: set[str]) -> list[Agency]:
    data = read_data_file(path)
    if not isinstance(data, dict):
        raise DataFileError(path, "", "expected a mapping of country code to a list of agencies")
    agencies: list[Agency] = []
    seen: set[str] = set()
    for country, items in data.items():
        if country not in country_codes:
            raise DataFileError(path, str(country), "is not a known country code")
        for index, item in enumerate(items or []):
            where = f"{country}[{index}]"
            agencies.append(_parse_agency(path, where, country, item, country_codes))
            if agencies[-1].code in seen:
                raise DataFileError(path, f"{where}.code", f"duplicate code {agencies[-1].code!r}")
            seen.add(agencies[-1].code)
    return agencies


def _parse_agency(
    path: Path, where: str, country: str, item: object, countries: set[str]
) -> Agency:
    row = require_keys(path, where, item, _AGENCY_REQUIRED, _AGENCY_OPTIONAL)
    if row["kind"] not in AgencyKind.values:
        raise DataFileError(path, f"{where}.kind", f"unknown agency kind {row['kind']!r}")
    represents = row.get("represents")
    if represents is not None and represents not in countries:
        raise DataFileError(path, f"{where}.represents", f"unknown country {represents!r}")
    if row["confidence"] not in {"V", "K"}:
        raise DataFileError(path, f"{where}.confidence", "must be V or K")
    valid_to = row.get("valid_to")
    if valid_to is not None and not isinstance(valid_to, dt.date):
        raise DataFileError(path, f"{where}.valid_to", "must be a date (YYYY-MM-DD)")
    return Agency(
        code=row["code"],
        name=row["name"],
        name_en=row.get("name_en", ""),
        acronym=row.get("acronym", ""),
        country_id=country,
        kind=row["kind"],
        represents_id=represents,
        parent=row.get("parent", ""),
        enforcement=bool(row.get("enforcement", False)),
        confidence=row["confidence"],
        active=bool(row.get("active", True)),
        valid_to=valid_to,
    )


def load_reference_data(
    countries_file: Path = COUNTRIES_FILE, agencies_file: Path = AGENCIES_FILE
) -> ReferenceCounts:
    """Create or update countries and agencies from the data files, all or nothing.

    Existing rows are updated in place (by code), so memberships and cases keep their links.
    """
    countries = parse_countries(countries_file)
    agencies = parse_agencies(agencies_file, {c.code for c in countries})
    with transaction.atomic():
        for country in countries:
            country.save()
        for agency in agencies:
            existing_id = (
                Agency.objects.filter(code=agency.code).values_list("id", flat=True).first()
            )
            agency.id = existing_id
            agency.save()
    return ReferenceCounts(countries=len(countries), agencies=len(agencies))
