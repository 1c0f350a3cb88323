"""Screening endpoints, mounted at /api/screenings: submit answers, read and list screenings.

Scoped exactly like the pages, through the same gate and domain functions: a screening outside
the caller's scope answers 404, and so does submitting for a caller with no casework role.
"""

import datetime as dt
from typing import Any, Literal

from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import User
from amparo.api.schemas import ErrorOut, FieldError, Limit, Offset
from amparo.screening.domain.queries import screening_agency_for
from amparo.screening.domain.results import localised_result
from amparo.screening.domain.screenings import (
    DEFAULT_PROTOCOL,
    list_screenings,
    read_screening,
    submit_screening,
)
from amparo.screening.enums import TEXT_LANGUAGES
from amparo.screening.models import Screening
from amparo.screening.protocol import AnswerProblem, AnswersError, ProtocolNotFoundError
from amparo.training.domain.gate import may_submit_live_screenings

router = Router(tags=["screening"])

Lang = Literal["es", "en", "fr"]


# --- Schemas ----------------------------------------------------------------------------------


class ScreeningIn(Schema):
    answers: dict[str, Any] = Field(
        min_length=1,
        description="Question code to value (see the protocol); null or absent means unknown. "
        "At least one answer: an empty screening is refused.",
    )
    protocol: str = Field(DEFAULT_PROTOCOL, description="Protocol id.")
    protocol_version: str | None = Field(None, description="Protocol version; default latest.")
    lang: Lang = Field("es", description="Language of the texts in the result.")


class ProtocolRefOut(Schema):
    id: str
    version: str
    hash: str


class AgencyOut(Schema):
    code: str
    name: str
    country: str
    acronym: str


class SuggestedProfileOut(Schema):
    code: str
    label: str
    indicators: list[str]
    explanation: str


class UrgencyOut(Schema):
    level: str
    reasons: list[str]
    reason_codes: list[str]


class SuggestedReferralOut(Schema):
    kind: str
    label: str
    profiles: list[str]
    immediate: bool
    agencies: list[AgencyOut]


class ConsularOut(Schema):
    appropriate: bool
    reason: str
    reason_code: str
    requires_consent: bool
    agencies: list[AgencyOut]


class ResultOut(Schema):
    """The preliminary identification as evaluated when the screening was submitted."""

    protocol: ProtocolRefOut
    lang: str
    preliminary: bool
    protocol_changed: bool = Field(
        description="The recorded protocol file is gone or differs: its wording is as stored."
    )
    notes: list[str]
    profiles: list[SuggestedProfileOut]
    urgency: UrgencyOut
    immediate_actions: list[str]
    immediate_action_codes: list[str]
    referrals: list[SuggestedReferralOut]
    consular_notification: ConsularOut


class DecisionOut(Schema):
    code: str
    confirmed: bool | None
    reason: str
    decided_by: str | None
    decided_at: dt.datetime | None


class ScreeningSummaryOut(Schema):
    id: int
    status: str
    urgency: str
    created_at: dt.datetime
    protocol: ProtocolRefOut
    agency: str
    country: str
    screened_by: str
    case: int | None
    case_reference: str | None
    suggested: int
    confirmed: int


class ScreeningOut(ScreeningSummaryOut):
    answers: dict[str, Any]
    decisions: list[DecisionOut]
    result: ResultOut


class MessageOut(Schema):
    detail: str


# --- Building responses -----------------------------------------------------------------------


def _lang(user: User, lang: str | None) -> str:
    chosen = lang or user.language
    return chosen if chosen in TEXT_LANGUAGES else "es"


def _summary(screening: Screening, suggested: int, confirmed: int) -> ScreeningSummaryOut:
    return ScreeningSummaryOut(
        id=screening.pk,
        status=screening.status,
        urgency=screening.urgency,
        created_at=screening.created_at,
        protocol=ProtocolRefOut(
            id=screening.protocol_id,
            version=screening.protocol_version,
            hash=screening.protocol_hash,
        ),
        agency=screening.agency.code,
        country=screening.country_id,
        screened_by=screening.screened_by.username,
        case=screening.case_id,
        case_reference=screening.case.reference if screening.case else None,
        suggested=suggested,
        confirmed=confirmed,
    )


def _full(screening: Screening, lang: str) -> ScreeningOut:
    decisions = list(screening.decisions.all())
    confirmed = sum(1 for decision in decisions if decision.confirmed)
    return ScreeningOut(
        **_summary(screening, len(decisions), confirmed).dict(),
        answers=screening.answers,
        decisions=[
            DecisionOut(
                code=d.code,
                confirmed=d.confirmed,
                reason=d.reason,
                decided_by=d.decided_by.username if d.decided_by else None,
                decided_at=d.decided_at,
            )
            for d in decisions
        ],
        result=ResultOut(**localised_result(screening, lang)),
    )


def _problems(problems: list[FieldError]) -> Status[ErrorOut]:
    """Bad answers in the API's one error shape: each names `answers.<question code>`."""
    return Status(422, ErrorOut(detail="invalid answers", errors=problems))


def _problem_out(problem: AnswerProblem) -> FieldError:
    field = f"answers.{problem.code}" if problem.code else "answers"
    return FieldError(field=field, code=problem.error, message=problem.message)


# --- Endpoints --------------------------------------------------------------------------------


@router.post("", response={201: ScreeningOut, 403: MessageOut, 422: ErrorOut})
def create_screening(request: AuthenticatedHttpRequest, data: ScreeningIn) -> Status[Any]:
    """Submit a person's answers: 201 with the saved screening and its result, or 422 listing
    every bad answer by question code. Saved for the caller's agency (404 without one); 403
    when the deployment requires training the caller has not passed yet."""
    user = request.user
    agency = screening_agency_for(user)
    if agency is None:
        raise Http404
    with translation.override(data.lang):
        if not may_submit_live_screenings(user):
            message = gettext("Pass the identification module of the training programme first.")
            return Status(403, MessageOut(detail=message))
        try:
            screening = submit_screening(
                actor=user,
                agency=agency,
                answers=data.answers,
                protocol_id=data.protocol,
                protocol_version=data.protocol_version,
                lang=data.lang,
            )
        except AnswersError as error:
            return _problems([_problem_out(problem) for problem in error.problems])
        except ProtocolNotFoundError:
            message = gettext("There is no screening protocol with this id and version.")
            return _problems(
                [FieldError(field="protocol", code="unknown_protocol", message=message)]
            )
    return Status(201, _full(screening, data.lang))  # the actor's own: no gate to pass again


@router.get("", response=list[ScreeningSummaryOut])
def list_screenings_endpoint(
    request: AuthenticatedHttpRequest, limit: Limit = 50, offset: Offset = 0
) -> list[ScreeningSummaryOut]:
    """The screenings the caller may see, newest first: no answers, counts of profiles only."""
    screenings = list_screenings(request.user, limit=max(1, min(limit, 200)), offset=max(0, offset))
    return [_summary(s, s.suggested, s.confirmed_count) for s in screenings]  # type: ignore[attr-defined]


@router.get("/{screening_id}", response=ScreeningOut)
def get_screening(
    request: AuthenticatedHttpRequest, screening_id: int, lang: Lang | None = None
) -> ScreeningOut:
    """One screening through the gate (404 outside scope), with its result in `lang` (default:
    the caller's language). Reading one attached to a case is recorded as a reading of it."""
    user = request.user
    screening = read_screening(user, screening_id)
    return _full(screening, _lang(user, lang))
