"""Case management endpoints: register, consent, lifecycle. Same domain calls as the pages."""

from django.core.exceptions import ValidationError
from ninja import Router, Status

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import Agency
from amparo.api.cases import summary_of
from amparo.api.schemas import CaseSummaryOut, ConsentIn, ConsentOut, ErrorOut, TransitionIn
from amparo.casework.domain import consent as consent_domain
from amparo.casework.domain import lifecycle
from amparo.casework.domain.reading import list_consents as read_consents
from amparo.casework.models import Consent
from amparo.people.domain.queries import get_case_for

router = Router(tags=["casework"])


def _consent_out(c: Consent) -> ConsentOut:
    return ConsentOut(
        id=c.pk,
        purpose=c.purpose,
        legal_basis=c.legal_basis,
        recipient=c.recipient.code if c.recipient else None,
        given_on=c.given_on,
        withdrawn_on=c.withdrawn_on,
    )


@router.get("/cases/{case_id}/consents", response=list[ConsentOut])
def list_consents(request: AuthenticatedHttpRequest, case_id: int) -> list[ConsentOut]:
    _case, consents = read_consents(request.user, case_id)
    return [_consent_out(c) for c in consents]


@router.post("/cases/{case_id}/consents", response={201: ConsentOut, 404: ErrorOut, 422: ErrorOut})
def record_consent(
    request: AuthenticatedHttpRequest, case_id: int, data: ConsentIn
) -> Status[ConsentOut]:
    user = request.user
    case = get_case_for(user, case_id)
    recipient = None
    if data.recipient:
        recipient = Agency.objects.filter(
            code=data.recipient, active=True, enforcement=False
        ).first()
        if recipient is None:
            raise ValidationError({"recipient": f"unknown agency code {data.recipient!r}"})
    values = data.dict(exclude={"recipient"})
    consent = consent_domain.record_consent(
        case, consent_domain.ConsentInput(**values, recipient=recipient), actor=user
    )
    return Status(201, _consent_out(consent))


@router.post(
    "/cases/{case_id}/transitions", response={200: CaseSummaryOut, 404: ErrorOut, 409: ErrorOut}
)
def transition(
    request: AuthenticatedHttpRequest, case_id: int, data: TransitionIn
) -> CaseSummaryOut:
    user = request.user
    case = get_case_for(user, case_id)
    lifecycle.transition_case(case, actor=user, to=data.to, expected_version=data.version)
    return summary_of(case)
