"""Assessment pages: the form, its refusals, the detail page and chart, the list, the gate."""

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amparo.accounts.models import User
from amparo.assessment.catalogue import current_catalogue
from amparo.assessment.domain.assessments import FindingInput
from amparo.assessment.models import Assessment
from amparo.casework.models import Task
from amparo.people.models import Case
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuditEvent
from tests.assessment.conftest import EVIDENCE, JUSTIFICATION, record
from tests.assessment.test_svg import parse
from tests.conftest import make_case

type LoginIn = Callable[[User, str], Client]


def _urls(case_id: int, assessment_id: int) -> dict[str, str]:
    ids = {"case_id": case_id, "assessment_id": assessment_id}
    return {
        "list": reverse("web:assessment_list", kwargs={"case_id": case_id}),
        "new": reverse("web:assessment_new", kwargs={"case_id": case_id}),
        "detail": reverse("web:assessment_detail", kwargs=ids),
        "svg": reverse("web:assessment_svg", kwargs=ids),
    }


def _form(**changes: str) -> dict[str, str]:
    data = {
        "kind": "individual",
        "household_references": "",
        "concern_level": "high",
        "justification": JUSTIFICATION,
        "past_violence_or_abuse__mark": "risk",
        "past_violence_or_abuse__evidence": EVIDENCE,
        "past_violence_or_abuse__source": "self_report",
        "social_networks__mark": "protective",
    }
    data.update(changes)
    return data


def test_the_url_names_take_the_case_first() -> None:
    assert _urls(7, 9) == {
        "list": "/cases/7/assessments/",
        "new": "/cases/7/assessments/new/",
        "detail": "/cases/7/assessments/9/",
        "svg": "/cases/7/assessments/9/summary.svg",
    }


def test_the_form_offers_every_factor_grouped_by_level(
    login_in: LoginIn, mx_caseworker: User, mx_case: Case
) -> None:
    response = login_in(mx_caseworker, "en").get(_urls(mx_case.pk, 0)["new"])
    html = response.content.decode()
    marks = re.findall(r'<select name="([a-z_]+)__mark"', html)
    levels = re.findall(r'<fieldset class="card" id="level-([a-z]+)">', html)
    assert (response.status_code, marks, levels) == (
        200,
        list(current_catalogue().factors),
        ["individual", "household", "community", "structural"],
    )


def test_factor_wording_follows_the_interface_language(
    login_in: LoginIn, mx_caseworker: User, mx_case: Case
) -> None:
    html = login_in(mx_caseworker, "fr").get(_urls(mx_case.pk, 0)["new"]).content.decode()
    assert ("Besoin médical urgent" in html, "Urgent medical need" in html) == (True, False)


def test_recording_through_the_form_saves_and_shows_the_assessment(
    login_in: LoginIn, mx_caseworker: User, mx_case: Case
) -> None:
    client = login_in(mx_caseworker, "en")
    response = client.post(_urls(mx_case.pk, 0)["new"], _form())
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _urls(mx_case.pk, assessment.pk)["detail"]
    assert (
        assessment.concern_level,
        assessment.justification,
        list(assessment.findings.values_list("factor_code", "mark", "evidence", "source")),
    ) == (
        "high",
        JUSTIFICATION,
        [
            ("past_violence_or_abuse", "risk", EVIDENCE, "self_report"),
            ("social_networks", "protective", "", ""),
        ],
    )
    page = client.get(response["Location"]).content.decode()
    assert ("The assessment was saved." in page, EVIDENCE in page) == (True, True)


def test_an_immediate_danger_through_the_form_opens_a_task_and_warns(
    login_in: LoginIn, mx_caseworker: User, mx_case: Case
) -> None:
    client = login_in(mx_caseworker, "en")
    response = client.post(
        _urls(mx_case.pk, 0)["new"], _form(unaccompanied_child_without_care__mark="risk")
    )
    page = client.get(response["Location"]).content.decode()
    assert Task.objects.filter(case=mx_case, priority="urgent").count() == 1
    assert "Immediate danger was recorded." in page


def test_bad_input_is_refused_naming_the_fields_keeping_the_text_and_saving_nothing(
    login_in: LoginIn, mx_caseworker: User, mx_case: Case
) -> None:
    data = _form(justification="", isolation__evidence="Typedfake note without a mark")
    response = login_in(mx_caseworker, "en").post(_urls(mx_case.pk, 0)["new"], data)
    html = response.content.decode()
    assert response.status_code == 400
    assert (Assessment.objects.count(), Task.objects.count()) == (0, 0)
    assert re.findall(r'<li><a href="#([a-z_]+)">', html) == [
        "id_isolation__mark",
        "id_justification",
    ]
    assert EVIDENCE in html
    assert "Typedfake note without a mark" in html
    assert '<option value="risk" selected>' in html
    assert '<option value="self_report" selected>' in html
    assert re.findall(
        r'<input type="radio" name="concern_level" value="(\w+)"[^>]*checked', html
    ) == ["high"]


def test_an_unknown_household_reference_reads_the_same_as_one_outside_scope(
    login_in: LoginIn, mx_caseworker: User, mx_case: Case, gt_case: Case
) -> None:
    client = login_in(mx_caseworker, "en")
    url = _urls(mx_case.pk, 0)["new"]
    outside = client.post(url, _form(kind="household", household_references=gt_case.reference))
    absent = client.post(url, _form(kind="household", household_references="MX-1999-999999"))
    assert (outside.status_code, absent.status_code, Assessment.objects.count()) == (400, 400, 0)
    assert (
        f"No case you may open has the reference {gt_case.reference}." in outside.content.decode(),
        "No case you may open has the reference MX-1999-999999." in absent.content.decode(),
    ) == (True, True)


def test_a_household_assessment_through_the_form_links_the_references(
    login_in: LoginIn, mx_caseworker: User, mx_case: Case
) -> None:
    sister = make_case(
        actor=mx_caseworker, agency_code="mx-oim", given="Hermanafake", surname="Synth"
    )
    client = login_in(mx_caseworker, "en")
    data = _form(kind="household", household_references=f" {sister.reference.lower()}, ")
    response = client.post(_urls(mx_case.pk, 0)["new"], data)
    assessment = Assessment.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert (list(assessment.household_cases.all()), sister.reference in page) == ([sister], True)


def test_the_detail_page_shows_the_summary_table_and_the_chart(
    login_in: LoginIn, mx_supervisor: User, mx_assessment: Assessment
) -> None:
    urls = _urls(mx_assessment.case_id, mx_assessment.pk)
    html = login_in(mx_supervisor, "en").get(urls["detail"]).content.decode()
    cells = r"<td>(\d+)</td>" * 4
    rows = re.findall(rf'<tr><th scope="row">([^<]+)</th>{cells}</tr>', html)
    assert rows == [
        ("Individual", "1", "0", "0", "0"),
        ("Household and family", "0", "0", "0", "0"),
        ("Community", "0", "1", "1", "0"),
        ("Structural", "0", "0", "0", "0"),
    ]
    assert f'<img src="{urls["svg"]}" alt="Individual: 1 risk factor, 0 protective factors.' in html
    assert (EVIDENCE in html, JUSTIFICATION in html) == (True, True)


def test_the_detail_page_is_audited(
    login_in: LoginIn, mx_supervisor: User, mx_assessment: Assessment
) -> None:
    login_in(mx_supervisor, "en").get(_urls(mx_assessment.case_id, mx_assessment.pk)["detail"])
    payloads = list(
        AuditEvent.objects.filter(action=AuditAction.CASE_VIEWED).values_list("payload", flat=True)
    )
    assert payloads == [{"assessment": mx_assessment.pk}]


def test_the_chart_is_served_as_svg_with_the_counts(
    login_in: LoginIn, mx_caseworker: User, mx_assessment: Assessment
) -> None:
    response = login_in(mx_caseworker, "en").get(
        _urls(mx_assessment.case_id, mx_assessment.pk)["svg"]
    )
    root = parse(response.content)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert (response["Content-Type"], "no-store" in response["Cache-Control"]) == (
        "image/svg+xml; charset=utf-8",
        True,
    )
    assert texts[3:6] == ["Individual", "1 risk factor", "0 protective factors"]


def test_the_list_shows_each_assessment_with_the_concern_level_as_chosen(
    login_in: LoginIn, mx_caseworker: User, mx_case: Case
) -> None:
    record(mx_case, mx_caseworker, [FindingInput("isolation", "risk")], concern_level="low")
    html = login_in(mx_caseworker, "en").get(_urls(mx_case.pk, 0)["list"]).content.decode()
    cells = re.findall(r"<td>([^<]*)</td>", html)
    assert cells == ["Individual assessment", "Low", "1", "0", "ana.mx"]


def test_the_list_costs_the_same_at_one_and_three_assessments(
    login_in: LoginIn, mx_caseworker: User, mx_case: Case
) -> None:
    client = login_in(mx_caseworker, "en")
    url = _urls(mx_case.pk, 0)["list"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    record(mx_case, mx_caseworker, [FindingInput("isolation", "risk")])
    one = queries()
    record(mx_case, mx_caseworker, [FindingInput("disability", "risk")])
    record(mx_case, mx_caseworker, [FindingInput("social_networks", "protective")])
    assert queries() == one


def test_the_detail_page_costs_the_same_with_one_or_many_findings(
    login_in: LoginIn, mx_caseworker: User, mx_case: Case
) -> None:
    client = login_in(mx_caseworker, "en")
    few = record(mx_case, mx_caseworker, [FindingInput("isolation", "risk")])
    many = record(
        mx_case,
        mx_caseworker,
        [FindingInput(code, "unknown") for code in list(current_catalogue().factors)[10:30]],
    )

    def queries(assessment: Assessment) -> int:
        with CaptureQueriesContext(connection) as context:
            client.get(_urls(mx_case.pk, assessment.pk)["detail"])
        return len(context.captured_queries)

    assert queries(few) == queries(many)


# --- The gate: nothing Mexican for the Guatemalan caseworker --------------------------------


@pytest.mark.parametrize("page", ["list", "new", "detail", "svg"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_guatemalan_caseworker_gets_404_on_every_mexican_assessment_url(
    login_in: LoginIn,
    gt_caseworker: User,
    mx_assessment: Assessment,
    page: str,
    method: str,
) -> None:
    client = login_in(gt_caseworker, "en")
    url = _urls(mx_assessment.case_id, mx_assessment.pk)[page]
    response = getattr(client, method)(url, _form() if method == "post" else None)
    body = response.content.decode(errors="replace")
    expected = {404} if method == "get" or page == "new" else {404, 405}
    assert response.status_code in expected
    for secret in [
        "Evidencefake",
        "Justificationfake",
        "Xiomarafake",
        mx_assessment.case.reference,
    ]:
        assert secret not in body
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize("page", ["detail", "svg"])
def test_a_mexican_assessment_under_a_guatemalan_case_is_still_a_404(
    login_in: LoginIn, gt_caseworker: User, gt_case: Case, mx_assessment: Assessment, page: str
) -> None:
    response = login_in(gt_caseworker, "en").get(_urls(gt_case.pk, mx_assessment.pk)[page])
    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(mx_assessment: Assessment) -> None:
    for url in _urls(mx_assessment.case_id, mx_assessment.pk).values():
        response = Client().get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/login/")
