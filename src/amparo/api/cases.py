from django.http import HttpRequest
from ninja import Router

from amparo.accounts.models import User
from amparo.api.schemas import CaseOut, CaseSummaryOut, MembershipOut, MeOut, PersonOut
from amparo.people.domain import cases as case_domain
from amparo.people.models import Case

router = Router()


def _summary(case: Case) -> CaseSummaryOut:
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
def me(request: HttpRequest) -> MeOut:
    user: User = request.user  # type: ignore[assignment]
    memberships = [
        MembershipOut(agency=m.agency.code, country=m.agency.country_id, role=m.role)
        for m in user.memberships.filter(active=True).select_related("agency")
    ]
    return MeOut(username=user.username, language=user.language, memberships=memberships)


@router.get("/cases", response=list[CaseSummaryOut], tags=["cases"])
def list_cases(request: HttpRequest, limit: int = 50, offset: int = 0) -> list[CaseSummaryOut]:
    user: User = request.user  # type: ignore[assignment]
    cases = case_domain.list_cases(user, limit=max(1, min(limit, 200)), offset=max(0, offset))
    return [_summary(c) for c in cases]


@router.get("/cases/{case_id}", response=CaseOut, tags=["cases"])
def get_case(request: HttpRequest, case_id: int) -> CaseOut:
    user: User = request.user  # type: ignore[assignment]
    case = case_domain.read_case(user, case_id)
    person = case.person
    return CaseOut(
        **_summary(case).dict(),
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
