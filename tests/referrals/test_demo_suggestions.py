"""The demo's own synthetic cases: what matching suggests for them is safe (issue 16)."""

from amparo.accounts.enums import AgencyKind
from amparo.accounts.models import Agency
from amparo.demo import seed
from amparo.people.models import Case
from amparo.referrals.domain.matching import Needs, match_services
from amparo.referrals.domain.safety import (
    BID_FIRST_KINDS,
    consular_contact_appropriate,
    facts_of,
)
from amparo.referrals.domain.seed import seed_directory_from_agencies
from amparo.referrals.enums import ServiceCategory
from amparo.screening.domain.queries import confirmed_profiles
from amparo.screening.models import Screening


def test_demo_suggestions_hold_no_feared_consulate_enforcement_body_or_early_return(
    reference: None,
) -> None:
    seed_directory_from_agencies()
    seed.create_demo_accounts()
    seed.seed_demo_cases(total=11 * 8)
    feared_cases = children_before_bid = 0
    for case in Case.objects.select_related("person"):
        facts = facts_of(case)
        feared_cases += bool(facts.feared)
        children_before_bid += facts.bid_first
        needs = Needs(profiles=tuple(confirmed_profiles(case)), categories=ServiceCategory.values)
        consulates_ok = consular_contact_appropriate(case)
        for match in match_services(case, needs, limit=200):
            agency = match.service.organization.agency
            assert agency is not None
            assert agency.represents_id not in facts.feared, (case.reference, agency.code)
            assert not agency.enforcement, (case.reference, agency.code)
            assert consulates_ok or agency.kind != AgencyKind.CONSULATE, case.reference
            if facts.bid_first:
                assert match.service.category not in BID_FIRST_KINDS, (case.reference, agency.code)
    assert feared_cases > 0  # the demo has people who fear return...
    assert children_before_bid > 0  # ...and children without a best-interests determination


def test_the_demo_screenings_suggest_no_feared_consulate_and_no_enforcement_body(
    reference: None,
) -> None:
    """The other half of the demo's suggestions: what the screening engine saved for each demo
    case lists no consulate when it withheld consular contact, nothing representing a country
    the person fears, and no body with detention or removal powers (issue 16, done when)."""
    seed.create_demo_accounts()
    seed.seed_demo_cases(total=11 * 8)
    enforcement = set(Agency.objects.filter(enforcement=True).values_list("code", flat=True))
    represents = dict(Agency.objects.values_list("code", "represents_id"))
    withheld = 0
    for screening in Screening.objects.exclude(case=None):
        result, answers = screening.result, screening.answers
        named = {a["code"] for r in result["referrals"] for a in r["agencies"]}
        assert named.isdisjoint(enforcement), (screening.pk, named & enforcement)
        if not result["consular_notification"]["appropriate"]:
            withheld += 1
            assert "consulate" not in [r["kind"] for r in result["referrals"]], screening.pk
        if answers.get("fear_of_return") is True:
            feared = answers.get("nationality")
            assert feared not in {represents[code] for code in named}, screening.pk
    assert withheld > 0
