"""The engine's directory of agencies, read from the database (`accounts.Agency`)."""

from django.utils import timezone

from amparo.accounts.models import Agency
from amparo.screening.engine import AgencyRef, StaticDirectory
from amparo.screening.engine.directory import agency_ref


def _ref(agency: Agency) -> AgencyRef:
    return agency_ref(agency, timezone.localdate())


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
