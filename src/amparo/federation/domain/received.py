"""Cross-border referrals on the receiving node: the focal point routes each to an
institution of this country, which makes it an in-country referral (issue 5's lifecycle) of a
case opened here from the minimum data set; accepting, declining and completing that referral,
from any page, API or command, goes back to the sending country as a signed envelope. Data of
a withdrawn referral is hidden at once and erased when its retention ends."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.casework.domain.consent import ConsentInput, record_consent
from amparo.casework.enums import ConsentPurpose, LegalBasis
from amparo.casework.errors import CaseworkError
from amparo.federation.domain.crossborder import PURPOSE_OF_KIND
from amparo.federation.domain.identity import this_node
from amparo.federation.domain.sending import queue_envelope
from amparo.federation.enums import CrossBorderKind, EnvelopeType, FederationAudit, InboundStatus
from amparo.federation.models import ReceivedReferral
from amparo.federation.rules import works_at
from amparo.people.domain.cases import PersonData, open_case_for_new_person
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.retention.apply import anonymise_locked_case
from amparo.referrals.domain import referrals as in_country
from amparo.referrals.enums import ReferralStatus
from amparo.referrals.models import Referral

# The in-country referral's steps that the sending country hears of, and what it is told.
ENVELOPE_OF_STEP = {
    ReferralStatus.ACCEPTED: (EnvelopeType.ACCEPTED, InboundStatus.ACCEPTED),
    ReferralStatus.DECLINED: (EnvelopeType.DECLINED, InboundStatus.DECLINED),
    ReferralStatus.COMPLETED: (EnvelopeType.OUTCOME, InboundStatus.COMPLETED),
    ReferralStatus.CLOSED: (EnvelopeType.DECLINED, InboundStatus.DECLINED),
    ReferralStatus.REVOKED: (EnvelopeType.DECLINED, InboundStatus.DECLINED),
}
# Said to the sending country when the referral was closed here without a decision.
CLOSED_NOTE = "Closed in the receiving country without being completed."
# Who recorded the consent in the sending country, as the receiving case's consent says.
INTERPRETER_ELSEWHERE = "Recorded by the sending country"
RETENTION_RULE = "federation-withdrawal"


def _check(received: ReceivedReferral, expected: set[str], version: int | None) -> None:
    if received.status not in expected:
        raise ValidationError({"status": _("This step is not possible at this stage.")})
    if version is not None and version != received.version:
        raise ValidationError({"version": _("The referral changed since you read it.")})


def _reply(received: ReceivedReferral, kind: str, note: str = "") -> None:
    body = received.envelope.body or {}
    queue_envelope(
        received.peer,
        kind,
        in_reply_to=str(received.envelope.envelope_id),
        case_ref=str(body.get("case_ref", "")),
        note=note,
    )


def focal_point_agency(user: User, country: str) -> Agency | None:
    """The institution where the user is this country's national focal point."""
    return next(
        (
            m.agency
            for m in user.memberships.all()
            if m.active and m.role == Role.FOCAL_POINT and m.agency.country_id == country
        ),
        None,
    )


def _birth(data: dict[str, Any]) -> tuple[dt.date | None, bool]:
    """The birth date sent, or with only a year the youngest date of that year (approximate),
    so that a child is never taken for an adult (the rule of `Person.age_on`)."""
    if data.get("birth_date"):
        return dt.date.fromisoformat(str(data["birth_date"])), False
    if isinstance(data.get("birth_year"), int):
        return min(dt.date(data["birth_year"], 12, 31), timezone.localdate()), True
    return None, False


def person_data_of(data: dict[str, Any]) -> PersonData:
    """The minimum data set received, as this node's person record (nothing added)."""
    birth, approximate = _birth(data)
    return PersonData(
        given_names=str(data.get("given_names") or ""),
        first_surname=str(data.get("first_surname") or ""),
        second_surname=str(data.get("second_surname") or ""),
        sex=str(data.get("sex") or "unknown"),
        birth_date=birth,
        birth_date_is_approximate=approximate,
        nationalities=list(data.get("nationalities") or []),
        languages=list(data.get("languages") or []),
        documents=list(data.get("documents") or []),
        phone=str(data.get("phone") or ""),
    )


def consent_of(proof: dict[str, Any], agency: Agency, *, sender: str) -> ConsentInput:
    """The consent proof received, as this case's consent to share with the institution it
    names. Without consent (a legal basis), the justification says where it was recorded."""
    basis = str(proof.get("legal_basis") or "")
    interpreter = bool(proof.get("interpreter"))
    return ConsentInput(
        purpose=ConsentPurpose.SHARING,
        legal_basis=basis,
        method=str(proof.get("method") or ""),
        language=str(proof.get("language") or ""),
        given_on=dt.date.fromisoformat(str(proof["date"])) if proof.get("date") else None,
        expires_on=dt.date.fromisoformat(str(proof["expires"])) if proof.get("expires") else None,
        recipient=agency,
        interpreter_used=interpreter,
        interpreter_name=INTERPRETER_ELSEWHERE if interpreter else "",
        justification=""
        if basis == LegalBasis.CONSENT
        else f"Legal basis ({basis}) recorded by the sending country ({sender}).",
    )


def _routing_errors(
    received: ReceivedReferral, agency: Agency, holder: Agency | None, country: str
) -> dict[str, str]:
    if holder is None:
        return {"actor": _("Only the national focal point routes this.")}
    if agency.country_id != country or not agency.active:
        return {"agency": _("Choose an active institution of this country.")}
    if agency.enforcement:
        return {"agency": _("Referrals to immigration-enforcement bodies are refused.")}
    if agency.pk == holder.pk:
        return {
            "agency": _(
                "Your institution holds the case opened here: route the referral to the "
                "institution that gives the service."
            )
        }
    proof = (received.envelope.body or {}).get("consent", {})
    named = str(proof.get("recipient_institution", ""))
    if named != agency.code:
        return {
            "agency": _(
                "The consent the person gave names %(code)s: route the referral there, or ask "
                "the sending country for a consent that covers this institution."
            )
            % {"code": named}
        }
    return {}


def _open_local_referral(
    received: ReceivedReferral, *, actor: User, agency: Agency, holder: Agency
) -> tuple[Case, Referral]:
    """The case, its consent and the in-country referral, sent: issue 5's functions."""
    body = received.envelope.body or {}
    content = body.get("referral", {})
    data = dict(content.get("data") or {})
    case = open_case_for_new_person(person_data_of(data), actor=actor, agency=holder)
    record_consent(
        case, consent_of(body.get("consent", {}), agency, sender=received.peer.country_id),
        actor=actor,
    )  # fmt: skip
    referral = in_country.draft_referral(
        case,
        actor=actor,
        receiving_agency=agency,
        kind=PURPOSE_OF_KIND[CrossBorderKind(received.kind)],
        urgency=received.urgency,
        narrative=str(content.get("narrative") or ""),
    )
    in_country.send_referral(referral, actor=actor, profiles=list(data.get("profiles") or []))
    return case, referral


def route_received_referral(
    received: ReceivedReferral, *, actor: User, agency: Agency, version: int | None = None
) -> ReceivedReferral:
    """The focal point gives a received referral to an institution of this country.

    Refused (ValidationError by field, nothing saved): anyone but the national focal point;
    an institution of another country, inactive or with enforcement powers; the focal point's
    own institution (it holds the case); an institution the person's consent does not name.
    Effects, in one transaction: a person and case opened at the focal point's institution from
    the minimum data set, the consent proof recorded as its consent to share with that
    institution, an in-country referral drafted and sent to it (issue 5: its gates, snapshot,
    deadline and notification), the link, the status and an audit event. Saved again to the
    same institution, nothing changes; once routed, the institution answers.
    """
    country = this_node().country_id
    holder = focal_point_agency(actor, country)
    if holder is None:
        raise ValidationError({"actor": _("Only the national focal point routes this.")})
    _check(received, {InboundStatus.RECEIVED, InboundStatus.ROUTED}, version)
    if received.status == InboundStatus.ROUTED:
        if received.routed_to_id == agency.pk:
            return received  # saved again unchanged: nothing to record
        raise ValidationError(
            {"agency": _("Already routed: the institution accepts or declines it.")}
        )
    errors = _routing_errors(received, agency, holder, country)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            case, referral = _open_local_referral(
                received, actor=actor, agency=agency, holder=holder
            )
            received.case, received.local_referral = case, referral
            received.routed_to, received.routed_at = agency, timezone.now()
            received.status = InboundStatus.ROUTED
            received.version += 1
            received.save(
                update_fields=[
                    "case", "local_referral", "routed_to", "routed_at", "status", "version"
                ]
            )  # fmt: skip
            record_event(
                FederationAudit.INBOUND_ROUTED,
                actor=actor,
                subject=received,
                payload={"agency": agency.code, "case": case.pk, "referral": referral.pk},
            )
    except CaseworkError as error:  # no consent that holds today: nothing was saved
        raise ValidationError({"agency": str(error)}) from None
    return received


def decide_received_referral(
    received: ReceivedReferral,
    *,
    actor: User,
    accept: bool,
    reason: str = "",
    version: int | None = None,
) -> ReceivedReferral:
    """The institution accepts or declines (with a reason): issue 5's `accept_referral` or
    `decline_referral` on the in-country referral, whose hook sends the answer back signed.

    Effects: those of the in-country function, the status here and the envelope (`on_step`).
    """
    if not works_at(actor, received.routed_to_id):
        raise ValidationError({"actor": _("Only the institution it was routed to decides.")})
    _check(received, {InboundStatus.ROUTED}, version)
    referral = _local(received)
    try:
        if accept:
            in_country.accept_referral(referral, actor=actor)
        else:
            in_country.decline_referral(referral, actor=actor, reason=reason)
    except CaseworkError as error:
        raise ValidationError({"status": str(error)}) from None
    received.refresh_from_db()
    return received


def report_received_outcome(
    received: ReceivedReferral, *, actor: User, outcome: str, version: int | None = None
) -> ReceivedReferral:
    """The institution reports what was done: issue 5's `complete_referral`, whose hook sends
    the `outcome` envelope. Effects: those of the in-country function, status, envelope."""
    if not works_at(actor, received.routed_to_id):
        raise ValidationError({"actor": _("Only the institution it was routed to reports.")})
    _check(received, {InboundStatus.ACCEPTED}, version)
    try:
        in_country.complete_referral(_local(received), actor=actor, outcome=outcome)
    except CaseworkError as error:
        raise ValidationError({"status": str(error)}) from None
    received.refresh_from_db()
    return received


def _local(received: ReceivedReferral) -> Referral:
    if received.local_referral is None:
        raise ValidationError({"status": _("This step is not possible at this stage.")})
    return received.local_referral


def on_step(referral: Referral, to: str, actor: User | None) -> None:
    """The hook of every in-country referral transition (`referrals.signals`), inside its
    transaction: when the referral came from another country, mirror the step here and send it
    back (accepted, declined with the reason, outcome; a referral closed or revoked here is
    told as declined). Nothing for referrals of this country, or after a withdrawal."""
    if to not in ENVELOPE_OF_STEP:
        return
    received = (
        ReceivedReferral.objects.select_related("envelope", "peer")
        .filter(local_referral=referral)
        .first()
    )
    if received is None or received.status in {InboundStatus.WITHDRAWN, InboundStatus.ERASED}:
        return
    kind, status = ENVELOPE_OF_STEP[ReferralStatus(to)]
    note = {
        ReferralStatus.DECLINED: referral.decline_reason,
        ReferralStatus.COMPLETED: referral.outcome,
    }.get(ReferralStatus(to), "" if kind == EnvelopeType.ACCEPTED else CLOSED_NOTE)
    received.status, received.note = status, note
    if status != InboundStatus.COMPLETED:
        received.decided_at = timezone.now()
    received.version += 1
    received.save(update_fields=["status", "note", "decided_at", "version"])
    if received.peer.trusted:  # an untrusted peer hears nothing more; the step is kept here
        _reply(received, kind, note)
    record_event(
        FederationAudit.INBOUND_DECIDED,
        actor=actor,
        subject=received,
        payload={"decision": str(kind), "referral": referral.pk},
    )


def hide_local_copy(received: ReceivedReferral) -> None:
    """After a withdrawal, inside the caller's transaction: the in-country referral closed and
    the case opened here anonymised (the person's names, dates, documents and every encrypted
    field of the case emptied), so the data is hidden everywhere on this node at once; the
    envelope body stays hidden until its retention ends (`erase_withdrawn_referrals`)."""
    referral = received.local_referral
    if referral is not None and referral.status in {
        ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED,
        ReferralStatus.ACCEPTED,
    }:  # fmt: skip
        in_country.close_referral(referral, actor=None)  # type: ignore[arg-type]  # the peer's act
    if received.case_id is not None:
        case = Case.objects.select_for_update().get(pk=received.case_id)
        anonymise_locked_case(case, rule=RETENTION_RULE, actor=None)


def erase_withdrawn_referrals() -> int:
    """Erase the data of withdrawn referrals whose retention ended, and confirm each erasure
    to the sending country. Effects per referral: the stored envelope body and notes
    emptied, status, an `outcome` envelope marked erased, an audit event."""
    due = ReceivedReferral.objects.filter(
        status=InboundStatus.WITHDRAWN, erase_after__lte=timezone.now()
    ).select_related("envelope", "peer")
    count = 0
    for received in due:
        with transaction.atomic():
            case_ref = str((received.envelope.body or {}).get("case_ref", ""))
            received.envelope.body = None
            received.envelope.save(update_fields=["body"])
            received.note = ""
            received.status, received.erased_at = InboundStatus.ERASED, timezone.now()
            received.save(update_fields=["note", "status", "erased_at"])
            if received.peer.trusted:
                queue_envelope(
                    received.peer,
                    EnvelopeType.OUTCOME,
                    in_reply_to=str(received.envelope.envelope_id),
                    case_ref=case_ref,
                    erased=True,
                )
            record_event(FederationAudit.INBOUND_ERASED, actor=None, subject=received)
        count += 1
    return count
