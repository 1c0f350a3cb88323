from django.http import Http404
from ninja import Router, Status

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.api.schemas import (
    CaseOut,
    CaseSummaryOut,
    ErrorOut,
    Limit,
    MembershipOut,
    MeOut,
    Offset,
    PersonOut,
    RegisterIn,
)
from amparo.people.domain import cases as case_domain
from amparo.people.domain.queries import person_fields_for, registering_agency_of
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
    request: AuthenticatedHttpRequest, limit: Limit = 50, offset: Offset = 0
) -> list[CaseSummaryOut]:
    user = request.user
    cases = case_domain.list_cases(user, limit=max(1, min(limit, 200)), offset=max(0, offset))
    return [summary_of(c) for c in cases]


@router.get("/cases/{case_id}", response=CaseOut, tags=["cases"])
def get_case(request: AuthenticatedHttpRequest, case_id: int) -> CaseOut:
    user = request.user
    case = case_domain.read_case(user, case_id)
    visible = person_fields_for(user, case).values
    person = PersonOut(**{name: visible.get(name) for name in PersonOut.model_fields})
    return CaseOut(**summary_of(case).dict(), person=person)


@router.post("/cases", response={201: CaseSummaryOut, 404: ErrorOut, 422: ErrorOut}, tags=["cases"])
def register_case(request: AuthenticatedHttpRequest, data: RegisterIn) -> Status[CaseSummaryOut]:
    """Register a person and open a case at the caller's agency (search first: /register/)."""
    user = request.user
    agency = registering_agency_of(user)
    if agency is None:
        raise Http404
    person_data = case_domain.PersonData(
        **data.dict(exclude={"documents"}), documents=[d.dict() for d in data.documents]
    )
    case = case_domain.open_case_for_new_person(person_data, actor=user, agency=agency)
    return Status(201, summary_of(case))
