"""The engine's directory of agencies, read from the database (`accounts.Agency`)."""

from django.utils import timezone

from amparo.accounts.models import Agency
from amparo.screening.engine import AgencyRef, StaticDirectory


def _ref(agency: Agency) -> AgencyRef:
    today = timezone.localdate()
    expired = agency.valid_to is not None and agency.valid_to < today
    return AgencyRef(
        code=agency.code,
        name=agency.name,
        country=agency.country_id,
        kind=agency.kind,
        acronym=agency.acronym,
        name_en=agency.name_en,
        represents=agency.represents_id,
        enforcement=agency.enforcement,
        active=agency.active and not expired,
    )


def directory_for(country: str | None) -> StaticDirectory:
    """The agencies of the country of identification, in one query.

    The engine only asks for agencies and consulates in that country, so nothing else is
    read. With no country of identification the directory is empty, and the result names
    kinds of agency without naming any.
    """
    if not country:
        return StaticDirectory(())
    # In the order the reference data lists them, the same on every database.
    agencies = Agency.objects.filter(country_id=country).order_by("id")
    return StaticDirectory(_ref(agency) for agency in agencies)
