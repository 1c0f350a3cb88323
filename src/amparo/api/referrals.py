"""Directory and referral endpoints, scoped exactly like the pages (same gate, same domain)."""

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import Agency
from amparo.api.schemas import ErrorOut, Limit, Offset
from amparo.people.domain.queries import get_case_for
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction
from amparo.referrals.domain import referrals as flow
from amparo.referrals.domain.actions import act_on_referral
from amparo.referrals.domain.queries import get_referral_for, services_matching
from amparo.referrals.domain.reading import list_inbox
from amparo.referrals.domain.reading import list_referrals as read_referrals
from amparo.referrals.models import Referral, Service
from amparo.referrals.rules import is_receiver

router = Router(tags=["referrals"])


class ServiceOut(Schema):
    id: uuid.UUID
    name: str
    organization: str
    agency: str | None
    country: str | None
    category: str
    profiles: list[str]
    languages: list[str]
    available: bool
    last_verified: dt.date | None


class ReferralIn(Schema):
    service: uuid.UUID
    kind: str
    urgency: str = "normal"
    narrative: str = ""


class ReferralOut(Schema):
    id: int
    reference: str
    status: str
    kind: str
    urgency: str
    sending_agency: str
    receiving_agency: str
    sent_at: dt.datetime | None
    acknowledge_due_at: dt.datetime | None
    basis: str | None
    shared_data: dict[str, Any] | None


class DecisionIn(Schema):
    reason: str = ""
    outcome: str = ""


def _service_out(s: Service) -> ServiceOut:
    org = s.organization
    return ServiceOut(
        id=s.id,
        name=s.name,
        organization=org.name,
        agency=org.agency.code if org.agency_id else None,  # type: ignore[union-attr]
        country=org.country_id,
        category=s.category,
        profiles=s.profiles,
        languages=s.languages,
        available=s.available,
        last_verified=s.last_verified,
    )


def _referral_out(r: Referral, *, receiver: bool) -> ReferralOut:
    visible = flow.shared_data_visible(r) if receiver else r.shared_data is not None
    return ReferralOut(
        id=r.pk,
        reference=r.reference,
        status=r.status,
        kind=r.kind,
        urgency=r.urgency,
        sending_agency=r.sending_agency.code,
        receiving_agency=r.receiving_agency.code,
        sent_at=r.sent_at,
        acknowledge_due_at=r.acknowledge_due_at,
        basis=f"{r.basis.purpose}:{r.basis.legal_basis}" if r.basis else None,
        shared_data=r.shared_data if visible else None,
    )


@router.get("/directory/services", response=list[ServiceOut])
def search_services(
    request: AuthenticatedHttpRequest,
    text: str | None = None,
    country: str | None = None,
    category: str | None = None,
    profile: str | None = None,
    language: str | None = None,
    limit: Limit = 50,
) -> list[ServiceOut]:
    rows = services_matching(
        text=text, country=country, category=category, profile=profile, language=language
    )
    return [
        _service_out(s)
        for s in rows.select_related("organization__agency")[: max(1, min(limit, 200))]
    ]


@router.get("/referrals", response=list[ReferralOut])
def list_referrals(
    request: AuthenticatedHttpRequest, limit: Limit = 50, offset: Offset = 0
) -> list[ReferralOut]:
    user = request.user
    rows = read_referrals(user, limit=max(1, min(limit, 200)), offset=max(0, offset))
    return [_referral_out(r, receiver=is_receiver(user, r)) for r in rows]


@router.get("/referrals/inbox", response=list[ReferralOut])
def inbox(request: AuthenticatedHttpRequest, limit: Limit = 50) -> list[ReferralOut]:
    rows = list_inbox(request.user, limit=max(1, min(limit, 200)))
    return [_referral_out(r, receiver=True) for r in rows]


@router.get("/referrals/{referral_id}", response=ReferralOut)
def get_referral(request: AuthenticatedHttpRequest, referral_id: int) -> ReferralOut:
    user = request.user
    referral = get_referral_for(user, referral_id)
    receiver = is_receiver(user, referral)
    record_event(
        AuditAction.REFERRAL_VIEWED,
        actor=user,
        subject=referral,
        payload={"as": "receiver" if receiver else "sender"},
    )
    return _referral_out(referral, receiver=receiver)


@router.post(
    "/cases/{case_id}/referrals", response={201: ReferralOut, 404: ErrorOut, 422: ErrorOut}
)
def draft(request: AuthenticatedHttpRequest, case_id: int, data: ReferralIn) -> Status[ReferralOut]:
    user = request.user
    case = get_case_for(user, case_id)
    service = Service.objects.select_related("organization__agency").filter(pk=data.service).first()
    agency: Agency | None = service.organization.agency if service else None
    if service is None or agency is None:
        raise ValidationError({"service": "unknown service, or not linked to an institution"})
    referral = flow.draft_referral(
        case,
        actor=user,
        receiving_agency=agency,
        kind=data.kind,
        urgency=data.urgency,
        service=service,
        narrative=data.narrative,
    )
    return Status(201, _referral_out(referral, receiver=False))


@router.post(
    "/referrals/{referral_id}/{action}",
    response={200: ReferralOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def act(
    request: AuthenticatedHttpRequest, referral_id: int, action: str, data: DecisionIn
) -> ReferralOut:
    """Sending side: send, close, revoke. Receiving side: acknowledge, accept, decline, complete."""
    user = request.user
    referral = get_referral_for(user, referral_id)
    act_on_referral(user, referral, action, reason=data.reason, outcome=data.outcome)
    receiver = is_receiver(user, referral)
    return _referral_out(referral, receiver=receiver)
