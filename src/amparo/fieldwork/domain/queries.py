"""Named reads of field collection: where a user may import submissions, which forms there
are to download, and whether the user may export HTCDS rows."""

from django.db.models import QuerySet

from amparo.accounts.enums import CASEWORK_ROLES
from amparo.accounts.models import Agency, User
from amparo.fieldwork.domain.htcds import EXPORTER_ROLES
from amparo.screening.protocol import Protocol, load_protocol, protocol_registry


def importing_agencies(user: User) -> QuerySet[Agency]:
    """The agencies where the user works cases, so may import screenings: by code."""
    return (
        Agency.objects.filter(
            memberships__user=user,
            memberships__active=True,
            memberships__role__in=CASEWORK_ROLES,
        )
        .distinct()
        .order_by("code")
    )


def may_export_htcds(user: User) -> bool:
    """Whether the user holds a role that exports HTCDS rows (the export checks it again)."""
    return user.memberships.filter(active=True, role__in=EXPORTER_ROLES).exists()


def current_protocols() -> list[Protocol]:
    """The latest version of every protocol: the only version a new form is made from,
    because submissions made with an older one are refused."""
    ids = sorted({protocol_id for protocol_id, _version in protocol_registry()})
    return [load_protocol(protocol_id) for protocol_id in ids]
