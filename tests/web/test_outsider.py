"""Walk every URL and every API endpoint as the Guatemalan case manager, with Mexican data
present, and check that nothing of it shows. A new URL with a new parameter fails here until
this test knows which Mexican object to aim it at."""

import re
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from amparo.accounts.models import Agency, User
from amparo.assessment.domain.assessments import FindingInput, record_assessment
from amparo.casework.domain.consent import ConsentInput, record_consent
from amparo.casework.domain.lifecycle import request_closure
from amparo.casework.domain.tasks import create_task
from amparo.people.models import Case
from amparo.referrals.domain.referrals import draft_referral, send_referral
from amparo.referrals.domain.seed import seed_directory_from_agencies
from amparo.screening.domain.screenings import attach_to_case, decide_profiles, submit_screening
from tests.dedup.builders import candidate_for, duplicate_of
from tests.screening.builders import child

_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        else:
            yield route


def all_routes() -> list[str]:
    return sorted(set(_walk(get_resolver().url_patterns)))


@pytest.fixture
def mexican_data(mx_case: Case, mx_caseworker: User, mx_supervisor: User) -> dict[str, str]:
    """Ids of Mexican objects, by URL parameter name."""
    consent = record_consent(
        mx_case, ConsentInput(purpose="assistance", method="written"), actor=mx_caseworker
    )
    task = create_task(mx_case, actor=mx_caseworker, title="Quetzalsynth task")
    approval = request_closure(
        mx_case, actor=mx_caseworker, reason="moved_away", expected_version=mx_case.version
    )
    assessment = record_assessment(
        mx_case,
        actor=mx_caseworker,
        kind="individual",
        findings=[
            FindingInput(
                "urgent_medical_need", "risk", evidence="Quetzalsynth injury", source="observation"
            )
        ],
        concern_level="high",
        justification="Quetzalsynth justification",
    )
    screening = submit_screening(
        actor=mx_caseworker, agency=mx_case.agency, answers=child(), lang="es"
    )
    decide_profiles(screening, actor=mx_caseworker, decisions={"unaccompanied_child": (True, "")})
    attach_to_case(screening, actor=mx_caseworker, case=mx_case)
    seed_directory_from_agencies()
    comar = Agency.objects.get(code="mx-comar")
    record_consent(
        mx_case,
        ConsentInput(purpose="sharing", method="written", recipient=comar),
        actor=mx_caseworker,
    )
    referral = draft_referral(mx_case, actor=mx_caseworker, receiving_agency=comar, kind="asylum")
    send_referral(referral, actor=mx_caseworker)
    from tests.training_programme.factories import mexican_training_ids  # training objects

    duplicate = candidate_for(mx_case, duplicate_of(mx_case, actor=mx_caseworker))
    from tests.federation.factories import mexican_federation_ids  # this node, its peer
    from tests.fieldwork.factories import mexican_fieldwork_ids  # webhooks

    return {
        **mexican_training_ids(),
        **mexican_fieldwork_ids(),
        **mexican_federation_ids(mx_case, mx_caseworker),
        "referral_id": str(referral.pk),
        "candidate_id": str(duplicate.pk),  # a likely duplicate in the review queue
        "action": "accept",
        "table_id": "screenings_by_profile",  # statistics tables (scoped, suppressed)
        "series": "node-screenings",  # surge flags of this node's own counts
        "assessment_id": str(assessment.pk),
        "case_id": str(mx_case.pk),
        "consent_id": str(consent.pk),
        "task_id": str(task.pk),
        "approval_id": str(approval.pk),
        "screening_id": str(screening.pk),
        "user_id": str(mx_caseworker.pk),
    }


SECRETS = ["Xiomarafake", "Quetzalsynth", "HX1234567"]


def _fill(route: str, ids: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        assert name in ids, (
            f"the outsider test does not know which object to use for <{name}> in {route}"
        )
        return ids[name]

    return "/" + _PARAM.sub(replace, route).lstrip("^").rstrip("$")


def test_the_walk_covers_the_known_urls() -> None:
    routes = all_routes()
    assert "cases/<int:case_id>/" in routes
    assert any(r.startswith("api/") and "case_id" in r for r in routes)


def _problems(
    client: Client, route: str, method: str, ids: dict[str, str], secrets: list[str]
) -> list[str]:
    url = _fill(route, ids)
    response = getattr(client, method)(url)
    body = response.content.decode(errors="replace")
    found = [f"{method.upper()} {url} shows {secret}" for secret in secrets if secret in body]
    if _PARAM.search(route):
        # Exactly what a request for objects that do not exist gets: nothing is revealed.
        missing = {name: ("accept" if name == "action" else "987654321") for name in ids}
        absent = getattr(client, method)(_fill(route, missing))
        if response.status_code != absent.status_code:
            found.append(
                f"{method.upper()} {url}: {response.status_code}, absent: {absent.status_code}"
            )
        if response.status_code not in {400, 404, 405}:
            found.append(f"{method.upper()} {url} answered {response.status_code}")
    elif response.status_code not in {200, 302, 400, 404, 405, 422}:
        found.append(f"{method.upper()} {url} answered {response.status_code}")
    return found


def test_the_guatemalan_caseworker_sees_nothing_mexican(
    login: Callable[[User], Client],
    gt_caseworker: User,
    mexican_data: dict[str, str],
    mx_case: Case,
) -> None:
    """Every route, GET and POST, in one test: the Mexican data is built once."""
    client = login(gt_caseworker)
    secrets = [*SECRETS, mx_case.reference]
    # Signing out ends the walk's session, so it comes last.
    routes = sorted(all_routes(), key=lambda route: route == "logout/")
    problems = [
        problem
        for route in routes
        for method in ("get", "post")
        for problem in _problems(client, route, method, mexican_data, secrets)
    ]
    assert problems == []
