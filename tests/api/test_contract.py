"""The API contract (issue 15 items 8 and 9): bounded paging, unique schema names, documented
error answers in one shape, no empty screenings, given names as the schema says; caching and
the docs only for staff."""

from collections.abc import Callable

import pytest
from django.test import Client

from amparo.accounts.models import User
from amparo.people.models import Case, Person
from amparo.screening.models import Screening

HUGE = "9223372036854775808"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/referrals?offset={HUGE}", "query.offset"),
        ("/api/referrals?limit=0", "query.limit"),
        ("/api/referrals/inbox?limit=201", "query.limit"),
        (f"/api/cases?offset={HUGE}", "query.offset"),
        ("/api/cases?offset=-1", "query.offset"),
        (f"/api/screenings?offset={HUGE}", "query.offset"),
    ],
)
def test_paging_out_of_bounds_is_a_422_naming_the_parameter(
    login: Callable[[User], Client], mx_caseworker: User, url: str, field: str
) -> None:
    response = login(mx_caseworker).get(url)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "invalid input"
    assert [e["field"] for e in body["errors"]] == [field]


def test_paging_within_bounds_still_lists(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    response = login(mx_caseworker).get("/api/cases?limit=200&offset=0")
    assert [c["id"] for c in response.json()] == [mx_case.pk]


def _schema(client: Client) -> dict:  # type: ignore[type-arg]
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_schema_names_are_unique_so_the_docs_show_the_right_one(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    schema = _schema(login(mx_caseworker))
    components = schema["components"]["schemas"]
    assert "receiving_agency" in components["ReferralOut"]["properties"]
    suggested = components["ResultOut"]["properties"]["referrals"]["items"]["$ref"]
    assert suggested == "#/components/schemas/SuggestedReferralOut"
    assert set(components["ErrorOut"]["properties"]) == {"detail", "errors", "current_version"}
    assert components["ErrorOut"]["properties"]["detail"]["type"] == "string"


def test_every_operation_documents_401_404_and_422_as_error_out(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    schema = _schema(login(mx_caseworker))
    missing = [
        f"{method.upper()} {path} {status}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        for status in ("401", "404", "422")
        if operation["responses"].get(status, {}).get("content", {}).get("application/json") is None
    ]
    assert missing == []
    referral = schema["paths"]["/api/referrals/{referral_id}"]["get"]["responses"]["404"]
    assert referral["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }


def test_a_404_has_the_error_shape(login: Callable[[User], Client], mx_caseworker: User) -> None:
    response = login(mx_caseworker).get("/api/cases/987654321")
    assert (response.status_code, response.json()["detail"]) == (404, "Not Found")


def test_an_empty_screening_is_refused(
    login: Callable[[User], Client], mx_caseworker: User
) -> None:
    response = login(mx_caseworker).post(
        "/api/screenings", {"answers": {}}, content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["answers"]
    assert Screening.objects.count() == 0


@pytest.mark.parametrize("given_names", ["", "   "])
def test_given_names_are_refused_by_the_schema_as_documented(
    login: Callable[[User], Client], mx_caseworker: User, given_names: str
) -> None:
    client = login(mx_caseworker)
    declared = _schema(client)["components"]["schemas"]["RegisterIn"]["properties"]["given_names"]
    assert (declared["minLength"], declared["pattern"]) == (1, r"\S")
    response = client.post(
        "/api/cases", {"given_names": given_names}, content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["given_names"]
    assert Person.objects.count() == 0


# Caching and the public docs


@pytest.mark.parametrize("url", ["/api/docs", "/api/openapi.json"])
def test_the_api_docs_need_a_signed_in_user(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 401
    assert "Amparo API" not in response.content.decode()


def test_signed_in_pages_pdfs_and_api_answers_are_never_stored(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    client = login(mx_caseworker)
    for url in ["/", "/cases/", f"/cases/{mx_case.pk}/", f"/cases/{mx_case.pk}/summary.pdf"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    for url in ["/api/cases", f"/api/cases/{mx_case.pk}", "/api/cases/987654321"]:
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_an_api_answer_before_signing_in_is_not_stored_either(client: Client) -> None:
    assert "no-store" in client.get("/api/cases")["Cache-Control"]
