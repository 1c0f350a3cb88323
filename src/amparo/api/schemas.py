import datetime as dt

from ninja import Schema


class MembershipOut(Schema):
    agency: str
    country: str
    role: str


class MeOut(Schema):
    username: str
    language: str
    memberships: list[MembershipOut]


class CaseSummaryOut(Schema):
    id: int
    reference: str
    status: str
    agency: str
    country: str
    assigned_to: str | None
    opened_at: dt.datetime
    is_synthetic: bool


class PersonOut(Schema):
    given_names: str
    first_surname: str
    second_surname: str
    sex: str
    birth_date: str
    birth_date_is_approximate: bool
    nationalities: list[str]
    languages: list[str]


class CaseOut(CaseSummaryOut):
    person: PersonOut
