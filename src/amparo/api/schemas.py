import datetime as dt
from typing import Annotated

from ninja import Field, Query, Schema

# Paging bounds of every list endpoint: a value outside them is a 422 naming the parameter,
# never a 500 (a huge offset overflowed the database's integer).
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Rows to return, 1 to {MAX_LIMIT}.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"Rows to skip, 0 to {MAX_OFFSET}.")]


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
    """The person as the caller's role may see them (their sensitivity labels): a field the
    role may not see is null, whatever is stored."""

    given_names: str | None = None
    first_surname: str | None = None
    second_surname: str | None = None
    sex: str | None = None
    birth_year: int | None = None
    birth_date: str | None = None
    birth_date_is_approximate: bool | None = None
    nationalities: list[str] | None = None
    languages: list[str] | None = None


class CaseOut(CaseSummaryOut):
    person: PersonOut


class DocumentIn(Schema):
    type: str = "document"
    number: str
    country: str = ""


class RegisterIn(Schema):
    given_names: str = Field(
        min_length=1, pattern=r"\S", description="At least one given name (not only spaces)."
    )
    first_surname: str = ""
    second_surname: str = ""
    sex: str = "unknown"
    birth_date: dt.date | None = None
    birth_date_is_approximate: bool = False
    nationalities: list[str] = []
    languages: list[str] = []
    documents: list[DocumentIn] = []
    phone: str = ""


class ConsentIn(Schema):
    purpose: str
    legal_basis: str = "consent"
    method: str = ""
    language: str = "es"
    given_on: dt.date | None = None
    expires_on: dt.date | None = None
    recipient: str | None = None  # agency code
    interpreter_used: bool = False
    interpreter_name: str = ""
    justification: str = ""


class ConsentOut(Schema):
    id: int
    purpose: str
    legal_basis: str
    recipient: str | None
    given_on: dt.date
    withdrawn_on: dt.date | None


class TransitionIn(Schema):
    to: str
    version: int


class FieldError(Schema):
    field: str = Field(description="Where: the field, or body/query/path and the field.")
    message: str
    code: str = Field(default="", description="A stable error code, such as out_of_range.")


class ErrorOut(Schema):
    """The one error shape of the API: 401, 403, 404, 409 and 422 alike."""

    detail: str
    errors: list[FieldError] = []
    current_version: int | None = None
