from django.db import transaction
from django.http import Http404
from ninja import Router, Status

from amparo.accounts.enums import CASEWORK_ROLES
from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.api.schemas import (
    CaseOut,
    CaseSummaryOut,
    ErrorOut,
    MembershipOut,
    MeOut,
    PersonOut,
    RegisterIn,
)
from amparo.people.domain import cases as case_domain
from amparo.people.models import Case

router = Router()


def summary_of(case: Case) -> CaseSummaryOut:
    return CaseSummaryOut(
        id=case.pk,
        reference=case.reference,
        status=case.status,
        agency=case.agency.code,
        country=case.country_id,
        assigned_to=case.assigned_to.username if case.assigned_to else None,
        opened_at=case.opened_at,
        is_synthetic=case.is_synthetic,
    )


@router.get("/me", response=MeOut, tags=["accounts"])
def me(request: AuthenticatedHttpRequest) -> MeOut:
    user = request.user
    memberships = [
        MembershipOut(agency=m.agency.code, country=m.agency.country_id, role=m.role)
        for m in user.memberships.filter(active=True).select_related("agency")
    ]
    return MeOut(username=user.username, language=user.language, memberships=memberships)


@router.get("/cases", response=list[CaseSummaryOut], tags=["cases"])
def list_cases(
    request: AuthenticatedHttpRequest, limit: int = 50, offset: int = 0
) -> list[CaseSummaryOut]:
    user = request.user
    cases = case_domain.list_cases(user, limit=max(1, min(limit, 200)), offset=max(0, offset))
    return [summary_of(c) for c in cases]


@router.get("/cases/{case_id}", response=CaseOut, tags=["cases"])
def get_case(request: AuthenticatedHttpRequest, case_id: int) -> CaseOut:
    user = request.user
    case = case_domain.read_case(user, case_id)
    person = case.person
    return CaseOut(
        **summary_of(case).dict(),
        person=PersonOut(
            given_names=person.given_names,
            first_surname=person.first_surname,
            second_surname=person.second_surname,
            sex=person.sex,
            birth_date=person.birth_date,
            birth_date_is_approximate=person.birth_date_is_approximate,
            nationalities=person.nationalities,
            languages=person.languages,
        ),
    )


@router.post("/cases", response={201: CaseSummaryOut, 404: ErrorOut, 422: ErrorOut}, tags=["cases"])
def register_case(request: AuthenticatedHttpRequest, data: RegisterIn) -> Status[CaseSummaryOut]:
    """Register a person and open a case at the caller's agency (search first: /register/)."""
    user = request.user
    membership = (
        user.memberships.filter(active=True, role__in=CASEWORK_ROLES)
        .select_related("agency")
        .first()
    )
    if membership is None:
        raise Http404
    person_data = case_domain.PersonData(
        **data.dict(exclude={"documents"}), documents=[d.dict() for d in data.documents]
    )
    with transaction.atomic():
        person = case_domain.register_person(person_data, actor=user)
        case = case_domain.open_case(person, actor=user, agency=membership.agency, assigned_to=user)
    return Status(201, summary_of(case))
