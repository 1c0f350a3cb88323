"""Federation endpoints: the inbox a peer node posts sealed envelopes to (authenticated by
the envelope's signature against the pinned key, not by a session), and the cross-border
referral endpoints for staff, scoped exactly like the pages (same gates, same domain)."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema, Status

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import Agency
from amparo.api.schemas import ErrorOut, Limit
from amparo.federation.domain import crossborder, received
from amparo.federation.domain.envelope import MAX_ENVELOPE_BYTES, EnvelopeRefused
from amparo.federation.domain.identity import NodeNotInitialised
from amparo.federation.domain.inbox import RATE_WINDOW, receive_envelope
from amparo.federation.domain.queries import (
    get_cross_border_referral_for,
    get_received_referral_for,
    read_received_data,
    read_sent_data,
    received_visible_to,
)
from amparo.federation.enums import RefusalCode, Transport
from amparo.federation.models import CrossBorderReferral, ReceivedReferral
from amparo.people.domain.queries import get_case_for

router = Router(tags=["federation"])

HTTP_STATUS_OF_REFUSAL = {
    RefusalCode.MALFORMED: 400,
    RefusalCode.BAD_SIGNATURE: 403,
    RefusalCode.UNKNOWN_SENDER: 403,
    RefusalCode.NOT_FOR_THIS_NODE: 421,
    RefusalCode.EXPIRED: 410,
    RefusalCode.RATE_LIMITED: 429,
}


@router.post("/federation/inbox", auth=None, include_in_schema=True)
def inbox(request: HttpRequest) -> HttpResponse:
    """A peer delivers one sealed envelope (the compact JWE as the body). Answers 200 with
    `accepted` or `duplicate` and the signed receipt, or an error status with `refused` and
    one of the codes bad_signature, unknown_sender, not_for_this_node, expired, malformed,
    rate_limited (429, with Retry-After: too many new envelopes from that peer this minute)."""
    if len(request.body) > MAX_ENVELOPE_BYTES:
        return JsonResponse({"refused": RefusalCode.MALFORMED, "detail": "too large"}, status=400)
    try:
        token = request.body.decode("ascii")
    except UnicodeDecodeError:
        return JsonResponse({"refused": RefusalCode.MALFORMED, "detail": "not ASCII"}, status=400)
    try:
        arrival = receive_envelope(token, transport=Transport.HTTP)
    except NodeNotInitialised:
        return JsonResponse({"detail": "this node has no identity yet"}, status=503)
    except EnvelopeRefused as refusal:
        body = {"refused": str(refusal.code), "detail": refusal.detail}
        response = JsonResponse(body, status=HTTP_STATUS_OF_REFUSAL[refusal.code])
        if refusal.code == RefusalCode.RATE_LIMITED:
            response["Retry-After"] = str(int(RATE_WINDOW.total_seconds()))
        return response
    answer = {
        "result": arrival.result,
        "envelope": str(arrival.envelope.envelope_id),
        "receipt": arrival.receipt,
    }
    return JsonResponse(answer, status=200)


class CrossBorderIn(Schema):
    recipient_agency: str  # agency code, e.g. gt-pgn
    kind: str
    urgency: str = "normal"
    narrative: str = ""


class StepOut(Schema):
    kind: str
    at: dt.datetime


class CrossBorderOut(Schema):
    id: int
    reference: str
    case: int
    status: str
    kind: str
    urgency: str
    recipient_agency: str
    recipient_country: str
    envelope: str | None
    steps: list[StepOut]
    shared: dict[str, Any] | None


def _out(referral: CrossBorderReferral, shared: dict[str, Any] | None) -> CrossBorderOut:
    return CrossBorderOut(
        id=referral.pk,
        reference=referral.reference,
        case=referral.case_id,
        status=referral.status,
        kind=referral.kind,
        urgency=referral.urgency,
        recipient_agency=referral.recipient_agency.code,
        recipient_country=referral.recipient_agency.country_id,
        envelope=str(referral.envelope_id) if referral.envelope_id else None,
        steps=[StepOut(kind=s.kind, at=s.at) for s in referral.steps.all()],
        shared=shared,
    )


@router.post(
    "/cases/{case_id}/cross-border-referrals",
    response={201: CrossBorderOut, 404: ErrorOut, 422: ErrorOut},
)
def draft_cross_border(
    request: AuthenticatedHttpRequest, case_id: int, data: CrossBorderIn
) -> Status[CrossBorderOut]:
    case = get_case_for(request.user, case_id)
    agency = Agency.objects.filter(code=data.recipient_agency).first()
    if agency is None:
        raise ValidationError({"recipient_agency": "unknown institution code"})
    referral = crossborder.draft_cross_border_referral(
        case,
        actor=request.user,
        recipient_agency=agency,
        kind=data.kind,
        urgency=data.urgency,
        narrative=data.narrative,
    )
    return Status(201, _out(referral, None))


@router.get(
    "/cross-border-referrals/{cross_border_id}", response={200: CrossBorderOut, 404: ErrorOut}
)
def get_cross_border(request: AuthenticatedHttpRequest, cross_border_id: int) -> CrossBorderOut:
    referral = get_cross_border_referral_for(request.user, cross_border_id)
    return _out(referral, read_sent_data(referral, actor=request.user))


@router.post(
    "/cross-border-referrals/{cross_border_id}/approve",
    response={200: CrossBorderOut, 404: ErrorOut, 422: ErrorOut},
)
def approve_cross_border(request: AuthenticatedHttpRequest, cross_border_id: int) -> CrossBorderOut:
    referral = get_cross_border_referral_for(request.user, cross_border_id)
    crossborder.approve_cross_border_referral(referral, actor=request.user)
    return _out(referral, None)


class ReceivedOut(Schema):
    id: int
    reference: str
    status: str
    kind: str
    urgency: str
    from_country: str
    addressed_to: str | None
    routed_to: str | None
    received_at: dt.datetime
    shared: dict[str, Any] | None


class ReceivedActionIn(Schema):
    agency: str = ""
    reason: str = ""
    outcome: str = ""


def _received_out(row: ReceivedReferral, shared: dict[str, Any] | None) -> ReceivedOut:
    return ReceivedOut(
        id=row.pk,
        reference=row.reference,
        status=row.status,
        kind=row.kind,
        urgency=row.urgency,
        from_country=row.peer.country_id,
        addressed_to=row.addressed_to.code if row.addressed_to else None,
        routed_to=row.routed_to.code if row.routed_to else None,
        received_at=row.received_at,
        shared=shared,
    )


@router.get("/federation/received", response=list[ReceivedOut])
def list_received(request: AuthenticatedHttpRequest, limit: Limit = 50) -> list[ReceivedOut]:
    rows = received_visible_to(request.user)[: max(1, min(limit, 200))]
    return [_received_out(row, None) for row in rows]


@router.get("/federation/received/{received_id}", response={200: ReceivedOut, 404: ErrorOut})
def get_received(request: AuthenticatedHttpRequest, received_id: int) -> ReceivedOut:
    row = get_received_referral_for(request.user, received_id)
    return _received_out(row, read_received_data(row, actor=request.user))


@router.post(
    "/federation/received/{received_id}/{action}",
    response={200: ReceivedOut, 404: ErrorOut, 422: ErrorOut},
)
def act_on_received(
    request: AuthenticatedHttpRequest, received_id: int, action: str, data: ReceivedActionIn
) -> ReceivedOut:
    """route (agency), accept, decline (reason), outcome (outcome)."""
    user = request.user
    row = get_received_referral_for(user, received_id)
    if action == "route":
        agency = Agency.objects.filter(code=data.agency).first()
        if agency is None:
            raise ValidationError({"agency": "unknown institution code"})
        received.route_received_referral(row, actor=user, agency=agency)
    elif action in {"accept", "decline"}:
        received.decide_received_referral(
            row, actor=user, accept=action == "accept", reason=data.reason
        )
    elif action == "outcome":
        received.report_received_outcome(row, actor=user, outcome=data.outcome)
    else:
        raise ValidationError({"action": "one of route, accept, decline, outcome"})
    return _received_out(row, None)
